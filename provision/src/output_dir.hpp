#pragma once
// All-or-nothing output: kits are built in a hidden temporary folder next to --out and moved
// into place with one rename, so a failure never leaves a half-written deployment behind.
#include <filesystem>

#include "cchost/result.hpp"

namespace cchost::provision {

class StagingDir {
 public:
  explicit StagingDir(const std::filesystem::path& out);  // picks <parent>/.<name>.tmp-<pid>
  ~StagingDir();                                           // removes it unless committed
  StagingDir(const StagingDir&) = delete;
  StagingDir& operator=(const StagingDir&) = delete;

  const std::filesystem::path& path() const { return tmp_; }
  Status create();
  // Moves the staging folder to `out`. With `replace`, an existing `out` is swapped out
  // atomically (renameat2 RENAME_EXCHANGE) and then deleted.
  Status commit(bool replace);

 private:
  std::filesystem::path out_;
  std::filesystem::path tmp_;
  bool committed_ = false;
};

// <dir>/<name>.tar.gz of <dir>/<name>, made by /bin/tar (argv vector, no shell).
Status archive_kit(const std::filesystem::path& dir, const std::string& name);

}  // namespace cchost::provision
