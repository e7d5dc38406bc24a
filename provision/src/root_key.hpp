#pragma once
// The project's Ed25519 root key: it signs every kit's manifest.toml. host/crypto only
// verifies, so key generation and signing live here, the one place the provisioner touches
// OpenSSL directly.
#include <filesystem>
#include <memory>
#include <string>

#include "cchost/bytes.hpp"
#include "cchost/result.hpp"

typedef struct evp_pkey_st EVP_PKEY;

namespace cchost::provision {

class RootKey {
 public:
  // Loads `path` (PKCS#8 PEM) or, when it does not exist, generates a key there (mode 0600).
  static Result<RootKey> load_or_create(const std::filesystem::path& path);

  std::string public_pem() const;     // SubjectPublicKeyInfo PEM, for root.pub
  Result<Bytes> sign(ByteView message) const;  // 64-byte Ed25519 signature

 private:
  std::shared_ptr<EVP_PKEY> key_;
};

}  // namespace cchost::provision
