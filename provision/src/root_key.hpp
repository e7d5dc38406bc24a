#pragma once
// The project's Ed25519 root key: it signs every kit's manifest.toml. The key itself is
// host/crypto's SigningKey; this adds where it lives (created once, 0600, then only read).
#include <filesystem>
#include <string>

#include "cchost/bytes.hpp"
#include "cchost/crypto/signing_key.hpp"
#include "cchost/result.hpp"

namespace cchost::provision {

class RootKey {
 public:
  // Loads `path` (PKCS#8 PEM) or, when it does not exist, generates a key there (mode 0600).
  static Result<RootKey> load_or_create(const std::filesystem::path& path);

  std::string public_pem() const;     // SubjectPublicKeyInfo PEM, for root.pub
  Result<Bytes> sign(ByteView message) const;  // 64-byte Ed25519 signature

 private:
  explicit RootKey(crypto::SigningKey key) : key_(std::move(key)) {}
  crypto::SigningKey key_;
};

}  // namespace cchost::provision
