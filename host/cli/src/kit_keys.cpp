#include "kit_keys.hpp"

#include <fstream>
#include <sstream>

namespace cchost::cli {

Result<std::shared_ptr<const crypto::SigningKey>> load_kit_signing_key(const std::filesystem::path& path,
                                                                       std::string_view what) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream pem;
  pem << in.rdbuf();
  if (!in) return make_error(std::string(what) + " " + path.string() + ": cannot read it");
  auto key = crypto::SigningKey::from_pem(pem.str());
  if (!key) return make_error(std::string(what) + " " + path.string() + ": " + key.message());
  return std::make_shared<const crypto::SigningKey>(std::move(*key));
}

Result<std::shared_ptr<const crypto::SigningKey>> server_revocation_signer(const kit::Kit& k) {
  return load_kit_signing_key(k.audit_key_path, "revocation signing key");
}

Result<std::shared_ptr<const crypto::PublicKey>> site_revocation_key(const kit::Kit& k) {
  if (k.server_audit_public_pem.empty()) return std::shared_ptr<const crypto::PublicKey>();
  auto key = crypto::PublicKey::from_pem(k.server_audit_public_pem);
  if (!key) return make_error("keys/server-audit.pub: " + key.message());
  return std::make_shared<const crypto::PublicKey>(std::move(*key));
}

Result<std::shared_ptr<const crypto::SigningKey>> site_receipt_signer(const kit::Kit& k) {
  return load_kit_signing_key(k.receipt_key_path, "receipt key");
}

Result<std::map<std::string, crypto::PublicKey>> server_receipt_keys(const kit::Kit& k) {
  std::map<std::string, crypto::PublicKey> keys;
  for (const auto& [name, peer] : k.participants) {
    if (peer.role != kit::Role::Site) continue;
    auto key = crypto::PublicKey::from_pem(peer.receipt_public_pem);
    if (!key) return make_error("participants.toml: receipt_public of " + name + ": " + key.message());
    if (key->type() != crypto::KeyType::Ed25519) return make_error("participants.toml: receipt_public of " + name + " is not Ed25519");
    keys.emplace(name, std::move(*key));
  }
  return keys;
}

}  // namespace cchost::cli
