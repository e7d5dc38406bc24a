#pragma once
// Calendar arithmetic in UTC without the process time zone (timegm is not portable and
// mktime reads TZ): days-from-civil after H. Hinnant's public-domain derivation.
#include <openssl/asn1.h>

#include <cstdint>
#include <ctime>

namespace cchost::crypto::detail {

std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d);
std::time_t utc_seconds(const std::tm& tm);
// An ASN1_TIME (UTCTime or GeneralizedTime) as epoch seconds; 0 when absent or invalid.
std::time_t asn1_time_to_epoch(const ASN1_TIME* t);

}  // namespace cchost::crypto::detail
