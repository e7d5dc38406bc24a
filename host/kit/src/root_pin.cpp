#include "cchost/kit/root_pin.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cctype>
#include <cstring>

#include "cchost/kit/names.hpp"
#include "kit_files.hpp"

namespace fs = std::filesystem;

namespace cchost::kit {
namespace {

std::string errno_text() { return std::strerror(errno); }

Status write_new_pin(const fs::path& path, const std::string& fingerprint) {
  // O_EXCL: two participants racing on one workspace cannot both "first" pin it.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return make_error(path.string() + ": cannot record the root pin: " + errno_text());
  const std::string line = fingerprint + "\n";
  const bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) {
    ::unlink(path.c_str());
    return make_error(path.string() + ": writing the root pin failed");
  }
  return {};
}

}  // namespace

Result<std::string> parse_root_fingerprint(std::string_view text, std::string_view source) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  std::string lower(text);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (!is_sha256_hex(lower)) {
    return make_error(std::string(source) +
                      ": a root fingerprint is the 64 hex characters of SHA-256 over the root key (ccprovision prints "
                      "it as \"root fingerprint: ...\")");
  }
  return lower;
}

Result<std::string> read_root_pin_file(const fs::path& path) {
  auto text = detail::read_kit_file(path);  // regular file, no symlink, bounded size
  if (!text) return make_error("root pin file " + text.message());
  return parse_root_fingerprint(*text, path.string());
}

Result<WorkspacePin> pin_root_in_workspace(const fs::path& workspace, const std::string& fingerprint) {
  std::error_code ec;
  fs::create_directories(workspace, ec);
  if (ec) return make_error(workspace.string() + ": cannot create the workspace: " + ec.message());
  const fs::path path = workspace / kWorkspaceRootPin;
  const auto status = fs::symlink_status(path, ec);
  if (!fs::exists(status)) {
    if (auto s = write_new_pin(path, fingerprint); !s) return s.error();
    return WorkspacePin::Recorded;
  }
  if (!fs::is_regular_file(status)) {
    return make_error(path.string() + ": not a regular file (a symlink planted there must not choose the root)");
  }
  if ((status.permissions() & (fs::perms::group_write | fs::perms::others_write)) != fs::perms::none) {
    return make_error(path.string() + ": writable by group or others; a root pin must be 0600");
  }
  auto recorded = read_root_pin_file(path);
  if (!recorded) return recorded.error();
  if (*recorded != fingerprint) {
    return make_error("the kit is signed by root " + fingerprint + ", but this workspace was first started with root " +
                      *recorded + " (" + path.string() +
                      "): a kit re-signed by another root is refused; if the project really has a new root, start "
                      "with a new workspace");
  }
  return WorkspacePin::Matched;
}

}  // namespace cchost::kit
