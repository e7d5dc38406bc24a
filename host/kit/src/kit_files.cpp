#include "kit_files.hpp"

#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>

#include "cchost/crypto/encoding.hpp"
#include "cchost/crypto/hash.hpp"
#include "cchost/kit/layout.hpp"

namespace fs = std::filesystem;

namespace cchost::kit::detail {

namespace {

// A bound on what a kit file may make us read: plugins are the largest (a sanitizer build of an
// NVIDIA plugin with debug info is ~75 MiB; release builds are ~2 MiB).
constexpr std::uintmax_t kMaxKitFileSize = 256u << 20;

std::string octal_mode(fs::perms p) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0%03o", static_cast<unsigned>(p) & 0777u);
  return buf;
}

// Files that hold private keys: the CURVE secret and, in simulate mode, the sim CA keys.
bool is_secret_file(const fs::path& rel) {
  auto ext = rel.extension().string();
  return ext == ".secret" || ext == ".key";
}

}  // namespace

Result<std::string> read_kit_file(const fs::path& path) {
  std::error_code ec;
  auto status = fs::symlink_status(path, ec);
  if (ec || !fs::exists(status)) return make_error(path.string() + ": missing");
  if (!fs::is_regular_file(status)) return make_error(path.string() + ": not a regular file");
  auto size = fs::file_size(path, ec);
  if (ec || size > kMaxKitFileSize) {
    return make_error(path.string() + ": larger than 256 MiB or unreadable");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(path.string() + ": cannot be opened");
  std::ostringstream data;
  data << in.rdbuf();
  if (in.bad()) return make_error(path.string() + ": read failed");
  return data.str();
}

Status check_files_against_manifest(const fs::path& dir, const Manifest& manifest) {
  std::set<std::string> seen;
  std::error_code ec;
  auto top = fs::symlink_status(dir, ec);
  if (ec || (top.permissions() & fs::perms::others_write) != fs::perms::none) {
    return make_error(dir.string() + ": kit folder is world-writable or unreadable");
  }
  fs::recursive_directory_iterator it(dir, fs::directory_options::none, ec);
  if (ec) return make_error(dir.string() + ": cannot list kit folder: " + ec.message());
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) return make_error(dir.string() + ": cannot list kit folder: " + ec.message());
    const fs::path& path = it->path();
    auto status = it->symlink_status(ec);
    if (ec) return make_error(path.string() + ": cannot stat: " + ec.message());
    // A symlink could point a verified name at unverified bytes: refuse them all.
    if (fs::is_symlink(status)) return make_error(path.string() + ": symbolic links are refused in a kit");
    if ((status.permissions() & fs::perms::others_write) != fs::perms::none) {
      return make_error(path.string() + ": world-writable (mode " +
                        octal_mode(status.permissions()) + "); anyone could replace it");
    }
    if (fs::is_directory(status)) continue;
    if (!fs::is_regular_file(status)) return make_error(path.string() + ": not a regular file");
    std::string rel = path.lexically_relative(dir).generic_string();
    if (rel == layout::kManifest || rel == layout::kManifestSig) continue;
    auto listed = manifest.files.find(rel);
    if (listed == manifest.files.end()) {
      return make_error(path.string() + ": file is not listed in manifest.toml");
    }
    if (is_secret_file(rel) &&
        (status.permissions() & (fs::perms::group_all | fs::perms::others_all)) != fs::perms::none) {
      return make_error(path.string() + ": secret key file must be mode 0600, has " +
                        octal_mode(status.permissions()));
    }
    auto bytes = read_kit_file(path);
    if (!bytes) return bytes.error();
    std::string actual = crypto::hex_encode(crypto::sha256(as_bytes(*bytes)));
    if (actual != listed->second) {
      return make_error(path.string() + ": SHA-256 mismatch: manifest.toml says " + listed->second +
                        ", file has " + actual);
    }
    seen.insert(rel);
  }
  for (const auto& [rel, digest] : manifest.files) {
    if (seen.count(rel) == 0) {
      return make_error((dir / rel).string() + ": listed in manifest.toml but missing");
    }
  }
  return {};
}

}  // namespace cchost::kit::detail
