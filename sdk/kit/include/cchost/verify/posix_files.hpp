#pragma once
// Small POSIX file operations whose errors name the path and the errno, for kernel interfaces
// (configfs-tsm attributes, /dev/sev-guest, /dev/tdx_guest) and other files a plugin reads.
#include <filesystem>
#include <string>

#include "cchost/bytes.hpp"
#include "cchost/result.hpp"

namespace cchost::vkit {

// Owns a file descriptor; closes it on every path out.
class UniqueFd {
 public:
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd();
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// "<strerror> (errno N)".
std::string errno_text(int err);

// Reads a whole file up to `max_size` bytes (larger is an error). `errno_out`, when given,
// receives the errno of a failed open or read (so callers can treat ENOENT as "absent").
Result<Bytes> read_whole_file(const std::filesystem::path& path, std::size_t max_size,
                              int* errno_out = nullptr);

// Writes `data` with one write(2) call, as configfs attributes expect a whole value per write;
// a short write is an error. `errno_out` as for read_whole_file.
Status write_whole_file(const std::filesystem::path& path, ByteView data, int* errno_out = nullptr);

// A path from a plugin config made absolute against the kit folder `base` (host services): an
// absolute path, an empty one or an empty base is returned as it is. Nothing a plugin reads then
// depends on the working directory.
std::string resolve_against(const std::string& base, const std::string& path);

}  // namespace cchost::vkit
