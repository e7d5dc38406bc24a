#pragma once
// JWS compact serialisation verification (RFC 7515). The accepted algorithms come from the
// caller's configuration, never from the token header; `none` and HS* are always refused.
#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cchost/bytes.hpp"
#include "cchost/crypto/x509.hpp"
#include "cchost/result.hpp"

namespace cchost::crypto {

enum class JwsAlg { RS256, PS256, ES256, ES384 };
std::string_view jws_alg_name(JwsAlg alg);
Result<JwsAlg> parse_jws_alg(std::string_view name);  // refuses none, HS*, unknown

// A JWKS (RFC 7517) decoded once, for a verifier that checks many tokens against the same
// pinned keys: every entry's key is decoded when the set is made, so a verification then costs
// one signature check instead of a JSON parse, a certificate parse and a fresh key (OpenSSL
// sets up each new RSA key's Montgomery context on first use). Selection follows exactly the
// rules a jwks_json source does. Immutable; share it between threads freely.
class JwksKeySet {
 public:
  // Fails only when the document is not a JWKS ({"keys": [...]}); an entry whose key does not
  // decode is kept with its error, which a token selecting it gets.
  static Result<JwksKeySet> parse(std::string_view jwks_json);
  std::size_t size() const;

  struct Entry;

 private:
  std::shared_ptr<const std::vector<Entry>> entries_;
  friend struct JwksKeySetAccess;
};

struct JwsOptions {
  std::vector<JwsAlg> allowed_algs;      // required, non-empty
  // Key source, exactly one of:
  std::optional<std::string> jwks_json;  // a JWKS document; the header's kid selects the key
  std::optional<JwksKeySet> jwks;        // the same, decoded in advance
  std::vector<Certificate> x5c_anchors;  // trust anchors for the header's x5c chain
  std::time_t at = 0;                    // time for x5c chain validation
  std::size_t max_token_size = 1 << 20;
  // RSA keys shorter than this are refused (NIST SP 800-131A). Lower it only for legacy
  // vectors such as 2021 MAA tokens signed with RSA-1024.
  int min_rsa_bits = 2048;
};

struct JwsVerified {
  std::string header_json;
  Bytes payload;
  JwsAlg alg;
  std::string kid;                       // empty when the header has none
};

Result<JwsVerified> verify_jws_compact(std::string_view token, const JwsOptions& options);

}  // namespace cchost::crypto
