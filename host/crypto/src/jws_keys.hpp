#pragma once
// Key selection for JWS verification: from a configured JWKS by kid, or from the header's
// x5c chain verified against configured anchors. Internal to host/crypto.
#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

#include "cchost/crypto/jws.hpp"
#include "cchost/crypto/public_key.hpp"
#include "cchost/result.hpp"

namespace cchost::crypto {

// One entry of a JwksKeySet, decoded at parse time.
struct JwksKeySet::Entry {
  bool is_object = false;
  std::optional<std::string> kid;
  std::optional<std::string> use_dump;  // "use" and "alg" as JSON text, when present
  std::optional<std::string> alg_dump;
  std::optional<PublicKey> key;
  std::string key_error;                // why `key` is empty
};

struct JwksKeySetAccess {
  static const std::vector<JwksKeySet::Entry>& entries(const JwksKeySet& set) {
    static const std::vector<JwksKeySet::Entry> none;
    return set.entries_ ? *set.entries_ : none;
  }
};

}  // namespace cchost::crypto

namespace cchost::crypto::detail {

// The key of one JWK (n/e, crv/x/y, or x5c[0] for Azure-style entries). Errors start with ": ".
Result<PublicKey> key_from_jwk(const nlohmann::json& jwk);

// The key named by `kid` in `set` (RFC 7517). When the token carries no kid, only a JWKS with
// exactly one key is unambiguous. The key must suit `alg`.
Result<PublicKey> key_from_jwks(const JwksKeySet& set, const std::string& kid, bool has_kid, JwsAlg alg,
                                int min_rsa_bits);

// The leaf key of the header's x5c chain (RFC 7515 §4.1.6), after verify_chain against the
// caller's anchors at options.at.
Result<PublicKey> key_from_x5c(const nlohmann::json& header, const JwsOptions& options,
                               JwsAlg alg);

// Checks the key's type and size against the algorithm (ES256 needs P-256, ...).
Status check_key_for_alg(const PublicKey& key, JwsAlg alg, int min_rsa_bits);

}  // namespace cchost::crypto::detail
