#pragma once
// A simulated MAA signing key: RSA, signs compact JWS (RS256 or PS256) and publishes its JWKS
// entry as MAA's /certs would. For the sim backend and tests only; a real relying party pins
// the real instance's JWKS and never sees this key.
#include <memory>
#include <string>
#include <string_view>

#include "cchost/crypto/jws.hpp"
#include "cchost/result.hpp"

typedef struct evp_pkey_st EVP_PKEY;

namespace cchost::aci::sim {

class MaaSigner {
 public:
  static Result<MaaSigner> generate(int bits, std::string kid);
  static Result<MaaSigner> from_pem(std::string_view private_pem, std::string kid);

  const std::string& kid() const { return kid_; }
  std::string private_pem() const;  // PKCS#8
  // {"keys":[{"kid":..,"kty":"RSA","n":..,"e":..}]}
  std::string jwks_json() const;
  // header.payload.signature over the exact header and payload texts given.
  Result<std::string> sign_compact(std::string_view header_json, std::string_view payload_json,
                                   crypto::JwsAlg alg) const;
  // The signature alone over `signing_input`, base64url, for tests that assemble tokens.
  Result<std::string> sign_b64url(std::string_view signing_input, crypto::JwsAlg alg) const;

 private:
  std::shared_ptr<EVP_PKEY> key_;
  std::string kid_;
};

}  // namespace cchost::aci::sim
