// Permission checks and hashing for plugin files. Why: a plugin runs with the host's rights,
// so anyone who can write the file, or rename things in a folder above it, owns the host.
#include "secure_open.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <mutex>
#include <set>
#include <cerrno>
#include <cstring>
#include <sstream>

#include "cchost/crypto/encoding.hpp"
#include "cchost/crypto/hash.hpp"

namespace cchost::plugin {
namespace fs = std::filesystem;

namespace {

std::string octal_mode(mode_t mode) {
  std::ostringstream out;
  out << "0" << std::oct << (mode & 07777);
  return out.str();
}

// One object (file or folder) may be changed only by its owner, and the owner must be root or us.
Status check_owner_and_mode(const fs::path& what, const struct stat& st, const fs::path& plugin) {
  if (st.st_mode & (S_IWGRP | S_IWOTH)) {
    return make_error("plugin " + plugin.string() + ": refused: " + what.string() +
                      " is writable by group or others (mode " + octal_mode(st.st_mode) +
                      ", expected no g+w/o+w, e.g. 0755)");
  }
  if (st.st_uid != 0 && st.st_uid != geteuid()) {
    return make_error("plugin " + plugin.string() + ": refused: " + what.string() +
                      " is owned by uid " + std::to_string(st.st_uid) + ", expected root or uid " +
                      std::to_string(geteuid()));
  }
  return {};
}

Status check_folders(const fs::path& file, const fs::path& trusted_root) {
  std::error_code ec;
  fs::path dir = fs::absolute(file, ec).lexically_normal().parent_path();
  fs::path root = trusted_root.empty() ? dir : fs::absolute(trusted_root, ec).lexically_normal();
  // Strip a trailing separator so that "dir/" and "dir" compare equal.
  if (!root.has_filename() && root.has_parent_path()) root = root.parent_path();
  for (;;) {
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0) {
      return make_error("plugin " + file.string() + ": cannot stat folder " + dir.string() + ": " +
                        std::strerror(errno));
    }
    if (auto s = check_owner_and_mode(dir, st, file); !s) return s;
    if (dir == root || !dir.has_relative_path()) return {};
    dir = dir.parent_path();
  }
}

Result<std::string> hash_fd(int fd, const fs::path& file) {
  crypto::Hasher hasher(crypto::HashAlg::Sha256);
  std::array<std::uint8_t, 1 << 16> buf{};
  off_t offset = 0;
  for (;;) {
    ssize_t n = ::pread(fd, buf.data(), buf.size(), offset);
    if (n < 0) {
      if (errno == EINTR) continue;
      return make_error("plugin " + file.string() + ": read failed: " + std::strerror(errno));
    }
    if (n == 0) break;
    hasher.update(ByteView(buf.data(), static_cast<std::size_t>(n)));
    offset += n;
  }
  return crypto::hex_encode(hasher.finish());
}

}  // namespace

CheckedFile::~CheckedFile() {
  if (fd_ >= 0) ::close(fd_);
}

CheckedFile::CheckedFile(CheckedFile&& other) noexcept
    : fd_(other.fd_), sha256_hex_(std::move(other.sha256_hex_)) {
  other.fd_ = -1;
}

std::string CheckedFile::proc_path() const { return "/proc/self/fd/" + std::to_string(fd_); }

// glibc's dlopen() first matches a request against already-loaded objects by NAME, and only
// then by device and inode. C++ plugins are often never unloaded (STB_GNU_UNIQUE symbols make
// them NODELETE), so "/proc/self/fd/5" of a plugin inspected and closed earlier would still
// name that old plugin, and dlopen would hand back its handle for a different file. Each load
// therefore gets a descriptor number no earlier load in this process has used.
Status CheckedFile::make_proc_path_unique() {
  static std::mutex mutex;
  static std::set<int> used;
  std::lock_guard lock(mutex);
  while (used.count(fd_)) {
    const int moved = ::fcntl(fd_, F_DUPFD_CLOEXEC, *used.rbegin() + 1);
    if (moved < 0) return make_error(std::string("cannot renumber plugin descriptor: ") + std::strerror(errno));
    ::close(fd_);
    fd_ = moved;
  }
  used.insert(fd_);
  return {};
}

Result<CheckedFile> open_checked(const fs::path& file, const fs::path& trusted_root) {
  // O_NOFOLLOW: a symbolic link could be re-pointed after every check we make.
  int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    int e = errno;
    if (e == ELOOP) {
      return make_error("plugin " + file.string() +
                        ": refused: is a symbolic link (expected a regular file)");
    }
    return make_error("plugin " + file.string() + ": cannot open: " + std::strerror(e));
  }
  CheckedFile opened(fd, "");  // closes fd on every early return
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    return make_error("plugin " + file.string() + ": cannot stat: " + std::strerror(errno));
  }
  if (!S_ISREG(st.st_mode)) {
    return make_error("plugin " + file.string() + ": refused: not a regular file");
  }
  if (auto s = check_owner_and_mode(file, st, file); !s) return s.error();
  if (auto s = check_folders(file, trusted_root); !s) return s.error();
  auto digest = hash_fd(fd, file);
  if (!digest) return digest.error();
  opened.set_sha256_hex(std::move(*digest));
  return Result<CheckedFile>(std::move(opened));
}

Result<std::string> normalise_pin(const std::string& pin) {
  if (pin.size() != 64) {
    return make_error("SHA-256 pin: expected 64 hex digits, got " + std::to_string(pin.size()) +
                      " characters");
  }
  std::string out = pin;
  for (char& c : out) {
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return make_error("SHA-256 pin: expected hex digits only, got '" + pin + "'");
    }
  }
  return out;
}

}  // namespace cchost::plugin
