#include "cchost/net/curve_keys.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace cchost::net {
namespace {

std::string errno_text() { return std::strerror(errno); }

std::string octal_mode(mode_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

// Write-to-temp, fsync, rename, fsync(dir): readers see the old key or the new one, never a
// truncated one. The temp file is created with the final mode so a secret is never 0644.
Status write_atomically(const std::filesystem::path& path, const std::string& content, mode_t mode) {
  const auto dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  // Built by append: GCC 12 at -O3 misreports operator+ chains here (-Wrestrict, PR105329).
  std::string tmp_name = ".";
  tmp_name.append(path.filename().string()).append(".tmp");
  const auto tmp = dir / tmp_name;
  ::unlink(tmp.c_str());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
  if (fd < 0) return make_error("cannot create " + tmp.string() + ": " + errno_text());
  // umask may have narrowed the mode; set it exactly.
  if (::fchmod(fd, mode) != 0) {
    ::close(fd);
    ::unlink(tmp.c_str());
    return make_error("cannot chmod " + tmp.string() + ": " + errno_text());
  }
  std::size_t written = 0;
  while (written < content.size()) {
    const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const auto why = errno_text();
      ::close(fd);
      ::unlink(tmp.c_str());
      return make_error("cannot write " + tmp.string() + ": " + why);
    }
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    ::unlink(tmp.c_str());
    return make_error("cannot flush " + tmp.string() + ": " + errno_text());
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const auto why = errno_text();
    ::unlink(tmp.c_str());
    return make_error("cannot rename " + tmp.string() + " to " + path.string() + ": " + why);
  }
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return {};
}

// Reads a small key file through one descriptor; `check` inspects that descriptor's fstat,
// so the mode checked is the mode of the file read (no stat/open race).
Result<std::string> read_key_file(const std::filesystem::path& path, bool secret) {
  int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return make_error("cannot open key file " + path.string() + ": " + errno_text());
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return make_error("key file " + path.string() + " is not a regular file");
  }
  if (secret && (st.st_mode & 077) != 0) {
    ::close(fd);
    return make_error("secret key file " + path.string() + " is accessible by group/others (mode " +
                      octal_mode(st.st_mode) + "); expected 0600");
  }
  std::array<char, 128> buf{};
  ssize_t n = ::read(fd, buf.data(), buf.size());
  ::close(fd);
  if (n < 0) return make_error("cannot read key file " + path.string() + ": " + errno_text());
  std::string text(buf.data(), static_cast<std::size_t>(n));
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.pop_back();
  }
  if (!is_z85_key(text)) {
    return make_error("key file " + path.string() + ": expected a 40-character Z85 key, got " +
                      std::to_string(text.size()) + " characters that are not one");
  }
  return text;
}

}  // namespace

CurveKeyPair generate_curve_keypair() {
  std::array<char, 41> pub{};
  std::array<char, 41> sec{};
  if (zmq_curve_keypair(pub.data(), sec.data()) != 0) {
    throw std::runtime_error("zmq_curve_keypair failed: libzmq built without CURVE support?");
  }
  CurveKeyPair pair{std::string(pub.data(), 40), std::string(sec.data(), 40)};
  sec.fill(0);
  return pair;
}

bool is_z85_key(const std::string& text) {
  if (text.size() != kZ85KeyLength) return false;
  std::array<std::uint8_t, 32> raw{};
  return zmq_z85_decode(raw.data(), text.c_str()) != nullptr;
}

Result<std::string> curve_public_from_secret(const std::string& secret_z85) {
  if (!is_z85_key(secret_z85)) {
    return make_error("CURVE secret key: expected 40 Z85 characters, got " +
                      std::to_string(secret_z85.size()) + " characters that are not one");
  }
  std::array<char, 41> pub{};
  if (zmq_curve_public(pub.data(), secret_z85.c_str()) != 0) {
    return make_error("zmq_curve_public failed: " + std::string(zmq_strerror(zmq_errno())));
  }
  return std::string(pub.data(), 40);
}

Status save_public_key(const std::filesystem::path& path, const std::string& public_z85) {
  if (!is_z85_key(public_z85)) return make_error("refusing to save an invalid public key to " + path.string());
  return write_atomically(path, public_z85 + "\n", 0644);
}

Status save_secret_key(const std::filesystem::path& path, const std::string& secret_z85) {
  if (!is_z85_key(secret_z85)) return make_error("refusing to save an invalid secret key to " + path.string());
  return write_atomically(path, secret_z85 + "\n", 0600);
}

Result<std::string> load_public_key(const std::filesystem::path& path) {
  return read_key_file(path, false);
}

Result<std::string> load_secret_key(const std::filesystem::path& path) {
  return read_key_file(path, true);
}

Result<CurveKeyPair> load_keypair(const std::filesystem::path& secret_path) {
  auto secret = load_secret_key(secret_path);
  if (!secret) return secret.error();
  auto pub = curve_public_from_secret(*secret);
  if (!pub) return make_error(secret_path.string() + ": " + pub.message());
  return CurveKeyPair{std::move(*pub), std::move(*secret)};
}

}  // namespace cchost::net
