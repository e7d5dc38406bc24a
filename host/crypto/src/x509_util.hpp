#pragma once
// Internal helpers shared by the certificate, CRL and chain code.
#include <openssl/x509.h>

#include <string>

#include "cchost/bytes.hpp"
#include "cchost/result.hpp"

namespace cchost::crypto::detail {

constexpr std::size_t kMaxCertificateInput = 1 << 20;  // one PEM bundle or DER blob

std::string name_rfc2253(const X509_NAME* name);
// True when `data` (after leading whitespace) starts a PEM block.
bool looks_like_pem(ByteView data);
Result<Bytes> read_small_file(const std::string& path, std::string_view what);

}  // namespace cchost::crypto::detail
