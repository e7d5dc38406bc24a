// Quote signature checks (verify_quote.hpp). r, s, X and Y are 32-byte big-endian (NOTES §3).
#include "verify_quote.hpp"

#include <algorithm>

#include "cchost/crypto/encoding.hpp"
#include "cchost/crypto/hash.hpp"
#include "cchost/crypto/signature.hpp"
#include "cchost/verify/ecdsa_p256.hpp"

namespace cchost::tdx {

Status verify_qe_report_signature(const TdxQuote& quote, const crypto::PublicKey& pck_leaf_key) {
  auto s = vkit::verify_p256_sha256_rs(pck_leaf_key.get(), quote.qe_report_bytes, quote.qe_report_signature);
  if (!s) return make_error("TDX quote: QE report signature does not verify with the PCK key: " + s.message());
  return {};
}

Status verify_qe_binding(const TdxQuote& quote) {
  Bytes input(quote.attestation_key.begin(), quote.attestation_key.end());
  input.insert(input.end(), quote.qe_auth_data.begin(), quote.qe_auth_data.end());
  Bytes expected = crypto::sha256(input);
  expected.resize(64, 0);
  if (!std::equal(expected.begin(), expected.end(), quote.qe_report.report_data.begin())) {
    return make_error("TDX quote: QE report_data must be SHA-256(attestation key || QE auth data) || 0^32 = " +
                      crypto::hex_encode(expected) + ", got " + crypto::hex_encode(quote.qe_report.report_data));
  }
  return {};
}

Result<crypto::PublicKey> attestation_public_key(const TdxQuote& quote) {
  const ByteView key(quote.attestation_key);
  auto pub = crypto::PublicKey::from_ec_point(crypto::KeyType::EcP256, key.first(32), key.subspan(32));
  if (!pub) return make_error("TDX quote: attestation key is not a P-256 point: " + pub.message());
  return pub;
}

Status verify_quote_signature(const TdxQuote& quote, const crypto::PublicKey& attestation_key) {
  auto s = vkit::verify_p256_sha256_rs(attestation_key.get(), quote.signed_region, quote.quote_signature);
  if (!s) return make_error("TDX quote: quote signature over header and body does not verify with the attestation key: " + s.message());
  return {};
}

}  // namespace cchost::tdx
