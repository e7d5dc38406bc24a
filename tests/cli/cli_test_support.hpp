#pragma once
// Runs build/bin/cchost and captures its output; a private plugin folder holding a copy of the
// in-tree hello-authorizer.
#include <filesystem>
#include <string>
#include <vector>

#include "cchost/bytes.hpp"

namespace cchost::cli::test {

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

class CliSandbox {
 public:
  CliSandbox();  // temp dir with plugins/hello_authorizer.so (0755)
  ~CliSandbox();
  CliSandbox(const CliSandbox&) = delete;
  CliSandbox& operator=(const CliSandbox&) = delete;

  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path plugin_dir() const { return root_ / "plugins"; }
  std::filesystem::path write_file(const std::string& name, ByteView content) const;
  // Runs cchost with `args`; each argument is passed verbatim (single-quoted for the shell).
  CommandResult cchost(const std::vector<std::string>& args) const;
  // The same for any program (build/bin/ccprovision).
  CommandResult run(const std::filesystem::path& program, const std::vector<std::string>& args) const;

 private:
  std::filesystem::path root_;
};

std::string sha256_file_hex(const std::filesystem::path& file);
std::filesystem::path hello_so();  // the in-tree build/plugins/hello_authorizer.so

}  // namespace cchost::cli::test
