#pragma once
// Building blocks for certificates shaped like AMD's (NOTES.md §5): the name layout and the DER
// payloads of AMD's private extensions. The generic parts (validity, extensions, RSA-PSS
// SHA-384 signatures, key generation) are the verification kit's test-CA builder.
#include <cstdint>
#include <string_view>

#include "cchost/bytes.hpp"
#include "cchost/result.hpp"
#include "cchost/verify/test_ca.hpp"
#include "sim/openssl_ptr.hpp"

namespace cchost::snp::sim {

using vkit::add_raw_extension;
using vkit::add_standard_extension;
using vkit::start_certificate;

// OU=Engineering, C=US, L=Santa Clara, ST=CA, O=<organization>, CN=<common_name>, in AMD's order.
// The sim passes O=cchost SIMULATED so no simulated certificate can be read as AMD's.
inline constexpr std::string_view kSimOrganization = "cchost SIMULATED";
Result<X509NamePtr> make_amd_style_name(std::string_view common_name);

// As AMD's ARK and ASK sign: RSASSA-PSS, SHA-384, MGF1-SHA-384, salt 48.
inline Status sign_rsa_pss_sha384(X509* cert, EVP_PKEY* signer_key) {
  return vkit::sign_certificate(cert, signer_key, vkit::CertSignature::rsa_pss_sha384);
}
inline Result<EvpPkeyPtr> generate_rsa4096() { return vkit::generate_rsa(4096); }
inline Result<EvpPkeyPtr> generate_p384() { return vkit::generate_ec("P-384"); }

// DER encodings of the AMD extension payloads (observed on genuine VCEKs).
Bytes der_integer(std::uint64_t value);            // minimal two's complement, non-negative
Bytes der_ia5_string(std::string_view text);       // text must be short (< 128 bytes)

}  // namespace cchost::snp::sim
