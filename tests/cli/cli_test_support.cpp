#include "cli_test_support.hpp"

#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>

#include "cchost/crypto/encoding.hpp"
#include "cchost/crypto/hash.hpp"

namespace cchost::cli::test {
namespace fs = std::filesystem;

namespace {

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

}  // namespace

fs::path hello_so() { return fs::path(CCHOST_PLUGIN_DIR) / "hello_authorizer.so"; }

CliSandbox::CliSandbox() {
  std::string templ = (fs::temp_directory_path() / "cchost-cli-test-XXXXXX").string();
  if (!::mkdtemp(templ.data())) throw std::runtime_error("mkdtemp failed");
  root_ = templ;
  fs::create_directory(plugin_dir());
  ::chmod(plugin_dir().c_str(), 0755);
  fs::copy_file(hello_so(), plugin_dir() / "hello_authorizer.so");
  ::chmod((plugin_dir() / "hello_authorizer.so").c_str(), 0755);
}

CliSandbox::~CliSandbox() {
  std::error_code ec;
  fs::remove_all(root_, ec);
}

fs::path CliSandbox::write_file(const std::string& name, ByteView content) const {
  fs::path p = root_ / name;
  std::ofstream(p, std::ios::binary)
      .write(reinterpret_cast<const char*>(content.data()), static_cast<std::streamsize>(content.size()));
  return p;
}

CommandResult CliSandbox::cchost(const std::vector<std::string>& args) const {
  return run(CCHOST_BINARY_DIR "/bin/cchost", args);
}

CommandResult CliSandbox::run(const fs::path& program, const std::vector<std::string>& args) const {
  std::string command = shell_quote(program.string());
  for (const auto& a : args) command += " " + shell_quote(a);
  const fs::path out = root_ / "stdout.txt", err = root_ / "stderr.txt";
  command += " >" + shell_quote(out.string()) + " 2>" + shell_quote(err.string());
  int status = std::system(command.c_str());
  CommandResult r;
  // A signal (a crash) is reported as 128 + signal, never as a pass.
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

std::string sha256_file_hex(const fs::path& file) {
  return crypto::hex_encode(crypto::sha256(as_bytes(slurp(file))));
}

}  // namespace cchost::cli::test
