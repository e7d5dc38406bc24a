#include "state_store.hpp"

#include <zmq.h>

#include <chrono>

#include "cchost/kit/names.hpp"
#include "file_io.hpp"

namespace fs = std::filesystem;

namespace cchost::provision {

namespace {
std::string first_line(std::string text) {
  auto end = text.find_first_of("\r\n");
  if (end != std::string::npos) text.resize(end);
  return text;
}
}  // namespace

Status StateStore::ensure_dir() const {
  if (auto s = make_dir(dir_, 0700); !s) return s;
  if (auto s = make_dir(dir_ / "audit", 0700); !s) return s;
  if (auto s = make_dir(dir_ / "receipt", 0700); !s) return s;
  return make_dir(dir_ / "curve", 0700);
}

Result<RootKey> StateStore::root_key() const { return RootKey::load_or_create(dir_ / "root.key"); }

bool StateStore::has_participant(const std::string& name) const {
  return fs::exists(dir_ / "curve" / (name + ".secret"));
}

Result<CurveKeyPair> StateStore::curve_keys(const std::string& name) const {
  const fs::path secret_path = dir_ / "curve" / (name + ".secret");
  const fs::path public_path = dir_ / "curve" / (name + ".public");
  if (fs::exists(secret_path)) {
    auto secret = read_file(secret_path);
    if (!secret) return secret.error();
    CurveKeyPair pair{"", first_line(*secret)};
    // The public key is derived from the secret rather than trusted from curve/NAME.public,
    // so the two can never disagree.
    char derived[41] = {};
    if (!kit::is_z85_key(pair.secret_z85) || zmq_curve_public(derived, pair.secret_z85.c_str()) != 0) {
      return make_error(secret_path.string() + ": stored CURVE secret key is not valid Z85");
    }
    pair.public_z85 = derived;
    return pair;
  }
  char pub[41] = {};
  char secret[41] = {};
  if (zmq_curve_keypair(pub, secret) != 0) {
    return make_error("CURVE key generation failed (libzmq built without CURVE?)");
  }
  CurveKeyPair pair{pub, secret};
  if (auto s = write_file(secret_path, pair.secret_z85 + "\n", kSecretMode); !s) return s.error();
  if (auto s = write_file(public_path, pair.public_z85 + "\n", kPublicMode); !s) return s.error();
  return pair;
}

Result<AuditKeyPair> StateStore::audit_keys(const std::string& name) const {
  return signing_keys(dir_ / "audit" / (name + ".key"));
}

Result<AuditKeyPair> StateStore::receipt_keys(const std::string& name) const {
  if (auto s = make_dir(dir_ / "receipt", 0700); !s) return s.error();  // a state folder from before receipts
  return signing_keys(dir_ / "receipt" / (name + ".key"));
}

Result<AuditKeyPair> StateStore::signing_keys(const fs::path& path) const {
  // The same Ed25519 PKCS#8 file format as the root key, one key per participant and use.
  auto key = RootKey::load_or_create(path);
  if (!key) return key.error();
  auto pem = read_file(path);
  if (!pem) return pem.error();
  return AuditKeyPair{std::move(*pem), key->public_pem()};
}

Result<fs::path> StateStore::retire_keys(const std::string& name) const {
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
  fs::path to = dir_ / "retired" / (name + "-" + std::to_string(now.count()));
  for (int n = 1; fs::exists(to); ++n) to = dir_ / "retired" / (name + "-" + std::to_string(now.count()) + "." + std::to_string(n));
  if (auto s = make_dir(dir_ / "retired", 0700); !s) return s.error();
  if (auto s = make_dir(to, 0700); !s) return s.error();
  for (const fs::path& from : {dir_ / "curve" / (name + ".secret"), dir_ / "curve" / (name + ".public"),
                               dir_ / "audit" / (name + ".key"), dir_ / "receipt" / (name + ".key")}) {
    std::error_code ec;
    if (!fs::exists(from, ec)) continue;
    fs::rename(from, to / from.filename(), ec);
    if (ec) return make_error("cannot move " + from.string() + " to " + to.string() + ": " + ec.message());
  }
  return to;
}

}  // namespace cchost::provision
