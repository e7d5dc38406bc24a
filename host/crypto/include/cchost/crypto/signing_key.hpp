#pragma once
// An Ed25519 private key that signs. The host signs one thing itself: its audit log's chain
// head (host/audit), with the key its kit carries in keys/audit.key. Everything else the host
// only verifies.
#include <memory>
#include <string>
#include <string_view>

#include "cchost/bytes.hpp"
#include "cchost/crypto/public_key.hpp"
#include "cchost/result.hpp"

namespace cchost::crypto {

class SigningKey {
 public:
  // PKCS#8 "PRIVATE KEY" PEM holding an Ed25519 key; any other type is refused.
  static Result<SigningKey> from_pem(std::string_view pem);
  // A new Ed25519 key (the provisioner's root key, the kits' audit keys).
  static Result<SigningKey> generate();
  // PKCS#8 "PRIVATE KEY" PEM, unencrypted: write it only to a 0600 file.
  Result<std::string> private_pem() const;

  Result<Bytes> sign(ByteView message) const;  // 64-byte Ed25519 signature
  PublicKey public_key() const;

 private:
  std::shared_ptr<EVP_PKEY> key_;
};

}  // namespace cchost::crypto
