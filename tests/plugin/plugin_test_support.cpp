#include "plugin_test_support.hpp"

#include <stdlib.h>
#include <sys/stat.h>

#include <fstream>
#include <iterator>
#include <stdexcept>

#include "cchost/crypto/encoding.hpp"
#include "cchost/crypto/hash.hpp"

namespace cchost::plugin::test {
namespace fs = std::filesystem;

fs::path fixture(const std::string& name) { return fs::path(CCHOST_FIXTURE_DIR) / (name + ".so"); }

TempDir::TempDir() {
  std::string templ = (fs::temp_directory_path() / "cchost-plugin-test-XXXXXX").string();
  if (!::mkdtemp(templ.data())) throw std::runtime_error("mkdtemp failed");
  path_ = templ;
}

TempDir::~TempDir() {
  std::error_code ec;
  // Restore write access first so a test that chmod'ed a folder cannot block the cleanup.
  fs::permissions(path_, fs::perms::owner_all, fs::perm_options::add, ec);
  fs::remove_all(path_, ec);
}

fs::path TempDir::copy_in(const fs::path& from, const std::string& as) const {
  fs::path to = path_ / (as.empty() ? from.filename().string() : as);
  fs::copy_file(from, to, fs::copy_options::overwrite_existing);
  ::chmod(to.c_str(), 0755);
  return to;
}

std::string sha256_file_hex(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return crypto::hex_encode(crypto::sha256(as_bytes(content)));
}

}  // namespace cchost::plugin::test
