#pragma once
// EAR as a signed JWT (draft-ietf-rats-ear §4: JWT serialisation; RFC 7515 compact JWS).
// Signing uses the participant's Ed25519 audit key (alg "EdDSA", RFC 8037). Verification is
// strict: the algorithm follows from the caller's key, never from the header alone; "none",
// HS*, and any alg other than the key's are refused; a "crit" header is refused (we implement
// no extension); jwk, jku, x5u and x5c are never read; the claims must pass check_ear_claims.
#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "cchost/crypto/public_key.hpp"
#include "cchost/crypto/signing_key.hpp"
#include "cchost/result.hpp"

namespace cchost::ear {

// A token is a few hundred bytes; 64 KiB bounds what a verifier decodes from a stranger.
inline constexpr std::size_t kMaxEarTokenBytes = 64 * 1024;
inline constexpr std::string_view kEarJwtType = "JWT";

// The claims, checked (check_ear_claims), signed "EdDSA" with `key`.
Result<std::string> sign_ear(const nlohmann::json& claims, const crypto::SigningKey& key);

struct VerifiedEar {
  std::string alg;        // "EdDSA", "ES256" or "ES384": the one `key` implies
  nlohmann::json header;  // the protected header as received
  nlohmann::json claims;  // the checked claims
};

// Ed25519 keys verify EdDSA; EC P-256 ES256; EC P-384 ES384; any other key is refused.
Result<VerifiedEar> verify_ear(std::string_view token, const crypto::PublicKey& key);

}  // namespace cchost::ear
