#pragma once
// Shared helpers for the loader tests: fixture paths and private temporary folders.
#include <filesystem>
#include <string>

namespace cchost::plugin::test {

std::filesystem::path fixture(const std::string& name);  // build/tests/plugin_fixtures/<name>.so

// A fresh 0700 folder under $TMPDIR, removed (recursively) on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  // Copies `from` into this folder (mode 0755) and returns the new path.
  std::filesystem::path copy_in(const std::filesystem::path& from, const std::string& as = {}) const;

 private:
  std::filesystem::path path_;
};

std::string sha256_file_hex(const std::filesystem::path& file);

}  // namespace cchost::plugin::test
