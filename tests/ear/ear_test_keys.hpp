#pragma once
// Keys and raw token assembly for the EAR tests: an Ed25519 signer (host/crypto), EC keys that
// sign ES256/ES384 (OpenSSL directly: the host itself never signs with EC), and a helper that
// signs any header and claims text, so a test can build tokens the host's signer never would.
#include <string>

#include "cchost/crypto/public_key.hpp"
#include "cchost/crypto/signing_key.hpp"

namespace cchost::ear::test {

class EcSigner {
 public:
  explicit EcSigner(const char* curve);  // "P-256" or "P-384"
  ~EcSigner();
  EcSigner(const EcSigner&) = delete;
  EcSigner& operator=(const EcSigner&) = delete;
  crypto::PublicKey public_key() const;
  std::string sign_jose(const std::string& input) const;  // r||s, big-endian, field size each

 private:
  void* key_;  // EVP_PKEY*
  bool p384_;
};

std::string b64u(const std::string& text);
// header.payload.signature with an Ed25519 key over the exact texts given.
std::string raw_token(const std::string& header, const std::string& payload, const crypto::SigningKey& key);
std::string raw_token(const std::string& header, const std::string& payload, const EcSigner& key);

}  // namespace cchost::ear::test
