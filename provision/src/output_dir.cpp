#include "output_dir.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "file_io.hpp"

extern char** environ;

namespace fs = std::filesystem;

namespace cchost::provision {

namespace {
// ".<name>.tmp-<pid>", appended piece by piece (gcc 12 -O2 false -Wrestrict on `"." + string`).
std::string staging_name(const fs::path& out) {
  std::string name(".");
  name.append(out.filename().string()).append(".tmp-").append(std::to_string(::getpid()));
  return name;
}
}  // namespace

StagingDir::StagingDir(const fs::path& out)
    : out_(out), tmp_(out.parent_path() / staging_name(out)) {}

StagingDir::~StagingDir() {
  if (committed_) return;
  std::error_code ec;
  fs::remove_all(tmp_, ec);
}

Status StagingDir::create() {
  std::error_code ec;
  fs::remove_all(tmp_, ec);  // a leftover of a crashed run with our pid
  return make_dir(tmp_, 0755);
}

Status StagingDir::commit(bool replace) {
  if (!fs::exists(fs::symlink_status(out_))) {
    if (::rename(tmp_.c_str(), out_.c_str()) != 0) {
      return make_error(out_.string() + ": cannot move kits into place: " + std::strerror(errno));
    }
    committed_ = true;
    return {};
  }
  if (!replace) return make_error(out_.string() + ": exists (use --force to replace it)");
  // Exchange, so that --out always names a complete set of kits: the old one or the new one.
  if (::renameat2(AT_FDCWD, tmp_.c_str(), AT_FDCWD, out_.c_str(), RENAME_EXCHANGE) != 0) {
    return make_error(out_.string() + ": cannot swap in the new kits: " + std::strerror(errno));
  }
  std::error_code ec;
  fs::remove_all(tmp_, ec);  // now the previous output
  committed_ = true;
  return {};
}

Status archive_kit(const fs::path& dir, const std::string& name) {
  const std::string archive = (dir / (name + ".tar.gz")).string();
  const std::string dir_text = dir.string();
  // Owner and order fixed so that the archive depends on the kit's content, not on who ran us.
  std::vector<std::string> args{"/bin/tar", "--sort=name", "--owner=0", "--group=0",
                                "--numeric-owner", "-czf", archive, "-C", dir_text, name};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  int rc = ::posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ);
  if (rc != 0) return make_error("cannot run /bin/tar: " + std::string(std::strerror(rc)));
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return make_error("waiting for /bin/tar failed: " + std::string(std::strerror(errno)));
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return make_error("/bin/tar failed making " + archive);
  }
  return {};
}

}  // namespace cchost::provision
