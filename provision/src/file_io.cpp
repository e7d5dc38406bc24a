#include "file_io.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

namespace cchost::provision {

Result<std::string> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(path.string() + ": cannot open: " + std::strerror(errno));
  std::ostringstream data;
  data << in.rdbuf();
  if (in.bad()) return make_error(path.string() + ": read failed");
  return data.str();
}

Status make_dir(const fs::path& path, unsigned mode) {
  std::error_code ec;
  fs::create_directories(path, ec);
  if (ec) return make_error(path.string() + ": cannot create folder: " + ec.message());
  if (::chmod(path.c_str(), mode) != 0) {
    return make_error(path.string() + ": chmod failed: " + std::strerror(errno));
  }
  return {};
}

Status write_file(const fs::path& path, std::string_view data, unsigned mode) {
  if (path.has_parent_path()) {
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    if (ec) return make_error(path.parent_path().string() + ": cannot create folder: " + ec.message());
  }
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
  if (fd < 0) return make_error(path.string() + ": cannot create: " + std::strerror(errno));
  // The umask may have removed bits we asked for (0644 under umask 077); set the exact mode.
  bool ok = ::fchmod(fd, mode) == 0;
  std::size_t done = 0;
  while (ok && done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) ok = false;
    else done += static_cast<std::size_t>(n);
  }
  ok = ::fsync(fd) == 0 && ok;
  ok = ::close(fd) == 0 && ok;
  if (!ok) return make_error(path.string() + ": write failed: " + std::strerror(errno));
  return {};
}

Status copy_file(const fs::path& from, const fs::path& to, unsigned mode) {
  auto data = read_file(from);
  if (!data) return data.error();
  return write_file(to, *data, mode);
}

}  // namespace cchost::provision
