#include "cchost/verify/posix_files.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace cchost::vkit {
UniqueFd::~UniqueFd() {
  if (fd_ >= 0) ::close(fd_);
}

std::string errno_text(int err) {
  return std::string(std::strerror(err)) + " (errno " + std::to_string(err) + ")";
}

Result<Bytes> read_whole_file(const std::filesystem::path& path, std::size_t max_size,
                              int* errno_out) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    const int err = errno;
    if (errno_out) *errno_out = err;
    return make_error("read " + path.string() + ": " + errno_text(err));
  }
  Bytes data;
  std::uint8_t buf[4096];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      if (errno_out) *errno_out = err;
      return make_error("read " + path.string() + ": " + errno_text(err));
    }
    if (n == 0) break;
    data.insert(data.end(), buf, buf + n);
    if (data.size() > max_size) {
      return make_error("read " + path.string() + ": more than " + std::to_string(max_size) +
                        " bytes");
    }
  }
  return data;
}

Status write_whole_file(const std::filesystem::path& path, ByteView data, int* errno_out) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    const int err = errno;
    if (errno_out) *errno_out = err;
    return make_error("write " + path.string() + ": " + errno_text(err));
  }
  ssize_t n;
  do {
    n = ::write(fd.get(), data.data(), data.size());
  } while (n < 0 && errno == EINTR);
  if (n < 0) {
    const int err = errno;
    if (errno_out) *errno_out = err;
    return make_error("write " + path.string() + ": " + errno_text(err));
  }
  if (static_cast<std::size_t>(n) != data.size()) {
    return make_error("write " + path.string() + ": wrote " + std::to_string(n) + " of " +
                      std::to_string(data.size()) + " bytes");
  }
  return {};
}

std::string resolve_against(const std::string& base, const std::string& path) {
  if (base.empty() || path.empty() || path.front() == '/') return path;
  return (std::filesystem::path(base) / path).lexically_normal().string();
}

}  // namespace cchost::vkit
