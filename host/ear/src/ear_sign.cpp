// EAR claims -> compact JWS signed with the participant's Ed25519 key.
#include "cchost/crypto/encoding.hpp"
#include "cchost/ear/ear_schema.hpp"
#include "cchost/ear/ear_token.hpp"

namespace cchost::ear {

Result<std::string> sign_ear(const nlohmann::json& claims, const crypto::SigningKey& key) {
  // Never sign what a strict reader (ours first) would refuse.
  if (auto st = check_ear_claims(claims); !st) return make_error("EAR not signed: " + st.message());
  const nlohmann::json header = {{"alg", "EdDSA"}, {"typ", kEarJwtType}};
  const std::string signing_input = crypto::base64url_encode(as_bytes(header.dump())) + "." +
                                    crypto::base64url_encode(as_bytes(claims.dump()));
  if (signing_input.size() > kMaxEarTokenBytes) {
    return make_error("EAR not signed: the token would exceed " + std::to_string(kMaxEarTokenBytes) + " bytes");
  }
  auto signature = key.sign(as_bytes(signing_input));
  if (!signature) return make_error("EAR not signed: " + signature.message());
  return signing_input + "." + crypto::base64url_encode(*signature);
}

}  // namespace cchost::ear
