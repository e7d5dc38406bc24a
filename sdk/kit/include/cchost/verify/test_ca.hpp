#pragma once
// The test-CA builder simulators and tests use to make certificate chains shaped like a vendor's:
// names, validity, standard and raw (vendor-private) extensions, RSA-PSS or ECDSA signatures, and
// key generation. Nothing here verifies; a chain built with it is trusted only where a policy
// pins its root and allows simulated evidence.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cchost/bytes.hpp"
#include "cchost/result.hpp"
#include "cchost/verify/openssl_handles.hpp"

namespace cchost::vkit {

// A distinguished name from (field, value) pairs in the given order, e.g. {{"C", "US"},
// {"O", "cchost SIMULATED"}, {"CN", "Root CA"}}. Values are UTF-8; OpenSSL picks
// PRINTABLESTRING where the value allows it (as vendors' C fields have).
Result<X509NamePtr> make_name(const std::vector<std::pair<std::string, std::string>>& fields);

// A fresh X.509 v3 certificate with subject, issuer, serial, key and validity
// [now - 1 day, now + `years`] (the day of slack absorbs clock skew between hosts).
Result<X509Ptr> start_certificate(const X509_NAME* subject, const X509_NAME* issuer,
                                  std::uint64_t serial, EVP_PKEY* subject_key, int years);

// Adds a standard extension in OpenSSL config syntax ("critical,CA:TRUE", "hash", ...).
// `issuer` supplies the authority key identifier context (may be the certificate itself).
Status add_standard_extension(X509* cert, X509* issuer, int nid, const char* value);

// Adds a non-critical extension whose extnValue OCTET STRING holds exactly `contents`.
Status add_raw_extension(X509* cert, std::string_view dotted_oid, ByteView contents);

enum class CertSignature {
  rsa_pss_sha384,  // RSASSA-PSS, SHA-384, MGF1-SHA-384, salt 48 (AMD's ARK and ASK)
  ecdsa_sha256,    // ECDSA with SHA-256 (P-256 issuers)
  ecdsa_sha384,    // ECDSA with SHA-384 (P-384 issuers)
};
Status sign_certificate(X509* cert, EVP_PKEY* signer_key, CertSignature scheme);

// ECDSA over `message` with SHA-256 (P-256 keys) or SHA-384 (P-384 keys), returned as r || s,
// each big-endian and zero-padded to `component_size` bytes: the raw form evidence formats
// carry (a TDX quote's P-256 signature, an SPDM P-384 signature; SNP stores each half reversed).
Result<Bytes> sign_ecdsa_rs(EVP_PKEY* key, ByteView message, std::size_t component_size);

Result<EvpPkeyPtr> generate_rsa(int bits);                  // e = 65537
Result<EvpPkeyPtr> generate_ec(std::string_view curve);     // "P-256", "P-384"

}  // namespace cchost::vkit
