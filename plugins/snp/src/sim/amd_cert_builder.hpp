#pragma once
// Building blocks for certificates shaped like AMD's (NOTES.md §5): the name layout, RSA-PSS
// SHA-384 salt-48 signatures, validity, standard and AMD-private extensions.
#include <cstdint>
#include <string_view>

#include "cchost/bytes.hpp"
#include "cchost/result.hpp"
#include "sim/openssl_ptr.hpp"

namespace cchost::snp::sim {

// OU=Engineering, C=US, L=Santa Clara, ST=CA, O=<organization>, CN=<common_name>, in AMD's order.
// The sim passes O=cchost SIMULATED so no simulated certificate can be read as AMD's.
inline constexpr std::string_view kSimOrganization = "cchost SIMULATED";
Result<X509NamePtr> make_amd_style_name(std::string_view common_name);

// A fresh X.509 v3 certificate with subject, issuer, serial, key and validity
// [now - 1 day, now + `years`] (the day of slack absorbs clock skew between hosts).
Result<X509Ptr> start_certificate(const X509_NAME* subject, const X509_NAME* issuer,
                                  std::uint64_t serial, EVP_PKEY* subject_key, int years);

// Adds a standard extension in OpenSSL config syntax ("critical,CA:TRUE", "hash", ...).
// `issuer` supplies the authority key identifier context (may be the certificate itself).
Status add_standard_extension(X509* cert, X509* issuer, int nid, const char* value);

// Adds a non-critical extension whose extnValue OCTET STRING holds exactly `contents`.
Status add_raw_extension(X509* cert, std::string_view dotted_oid, ByteView contents);

// Signs with RSASSA-PSS, SHA-384, MGF1-SHA-384, salt 48, as AMD's ARK and ASK sign.
Status sign_rsa_pss_sha384(X509* cert, EVP_PKEY* signer_key);

// RSA-4096 (e = 65537) and P-384 key generation.
Result<EvpPkeyPtr> generate_rsa4096();
Result<EvpPkeyPtr> generate_p384();

// DER encodings of the AMD extension payloads (observed on genuine VCEKs).
Bytes der_integer(std::uint64_t value);            // minimal two's complement, non-negative
Bytes der_ia5_string(std::string_view text);       // text must be short (< 128 bytes)

}  // namespace cchost::snp::sim
