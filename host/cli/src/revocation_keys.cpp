#include "revocation_keys.hpp"

#include <fstream>
#include <sstream>

namespace cchost::cli {

Result<std::shared_ptr<const crypto::SigningKey>> server_revocation_signer(const kit::Kit& k) {
  std::ifstream in(k.audit_key_path, std::ios::binary);
  std::stringstream pem;
  pem << in.rdbuf();
  if (!in) return make_error("revocation signing key " + k.audit_key_path.string() + ": cannot read it");
  auto key = crypto::SigningKey::from_pem(pem.str());
  if (!key) return make_error("revocation signing key " + k.audit_key_path.string() + ": " + key.message());
  return std::make_shared<const crypto::SigningKey>(std::move(*key));
}

Result<std::shared_ptr<const crypto::PublicKey>> site_revocation_key(const kit::Kit& k) {
  if (k.server_audit_public_pem.empty()) return std::shared_ptr<const crypto::PublicKey>();
  auto key = crypto::PublicKey::from_pem(k.server_audit_public_pem);
  if (!key) return make_error("keys/server-audit.pub: " + key.message());
  return std::make_shared<const crypto::PublicKey>(std::move(*key));
}

}  // namespace cchost::cli
