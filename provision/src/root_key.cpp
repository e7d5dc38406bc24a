#include "root_key.hpp"

#include "file_io.hpp"

namespace fs = std::filesystem;

namespace cchost::provision {

Result<RootKey> RootKey::load_or_create(const fs::path& path) {
  if (fs::exists(path)) {
    auto pem = read_file(path);
    if (!pem) return pem.error();
    auto key = crypto::SigningKey::from_pem(*pem);
    if (!key) return make_error(path.string() + ": " + key.message());
    return RootKey(std::move(*key));
  }
  auto key = crypto::SigningKey::generate();
  if (!key) return make_error("root key: " + key.message());
  auto pem = key->private_pem();
  if (!pem) return make_error("root key: " + pem.message());
  if (auto s = write_file(path, *pem, kSecretMode); !s) return s.error();
  return RootKey(std::move(*key));
}

std::string RootKey::public_pem() const { return key_.public_key().pem(); }

Result<Bytes> RootKey::sign(ByteView message) const {
  auto sig = key_.sign(message);
  if (!sig) return make_error("root key: " + sig.message());
  return sig;
}

}  // namespace cchost::provision
