#pragma once
// Key selection for JWS verification: from a configured JWKS by kid, or from the header's
// x5c chain verified against configured anchors. Internal to host/crypto.
#include <nlohmann/json.hpp>

#include <string>

#include "cchost/crypto/jws.hpp"
#include "cchost/crypto/public_key.hpp"
#include "cchost/result.hpp"

namespace cchost::crypto::detail {

// The key named by `kid` in `jwks_json` (RFC 7517). When the token carries no kid, only a
// JWKS with exactly one key is unambiguous. The key must suit `alg`.
Result<PublicKey> key_from_jwks(std::string_view jwks_json, const std::string& kid,
                                bool has_kid, JwsAlg alg, int min_rsa_bits);

// The leaf key of the header's x5c chain (RFC 7515 §4.1.6), after verify_chain against the
// caller's anchors at options.at.
Result<PublicKey> key_from_x5c(const nlohmann::json& header, const JwsOptions& options,
                               JwsAlg alg);

// Checks the key's type and size against the algorithm (ES256 needs P-256, ...).
Status check_key_for_alg(const PublicKey& key, JwsAlg alg, int min_rsa_bits);

}  // namespace cchost::crypto::detail
