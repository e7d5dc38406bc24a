#pragma once
// Shared helpers of the NVML / NSCQ tests: the genuine vectors ($CCHOST_VECTORS, default
// ../shared/vectors beside the repository), a scratch folder per test, and the environment the
// fake libraries read (set before each call, restored after the test).
#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>

#include "cchost/bytes.hpp"
#include "cchost/verify/openssl_handles.hpp"
#include "cchost/verify/test_ca.hpp"

namespace cchost::nv::test {

inline std::optional<std::filesystem::path> nvidia_vectors() {
  const char* env = std::getenv("CCHOST_VECTORS");
  std::filesystem::path root = (env && *env) ? std::filesystem::path(env) : std::filesystem::path(CCHOST_SOURCE_DIR) / "../shared/vectors";
  if (!std::filesystem::is_directory(root / "nvidia")) return std::nullopt;
  return root / "nvidia";
}

#define NV_REQUIRE_VECTORS(var)                                                                         \
  auto var##_opt = ::cchost::nv::test::nvidia_vectors();                                                \
  if (!var##_opt) GTEST_SKIP() << "NVIDIA vectors not found ($CCHOST_VECTORS/nvidia or ../shared/vectors/nvidia): skipped"; \
  const std::filesystem::path var = *var##_opt

inline Bytes read_bytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}
inline std::string read_text(const std::filesystem::path& p) {
  auto b = read_bytes(p);
  return std::string(b.begin(), b.end());
}
inline void write_text(const std::filesystem::path& p, const std::string& text) {
  std::filesystem::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary | std::ios::trunc) << text;
}

// A fresh folder under the system temp dir, removed at the end of the test.
class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "cchost-nv-XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Sets an environment variable for the test's lifetime.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (old_) setenv(name_, old_->c_str(), 1);
    else unsetenv(name_);
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

// A P-384 key written as PEM (private to `key_path`); returns the SPKI PEM of its public half.
inline std::string write_p384_key(const std::filesystem::path& key_path) {
  auto key = vkit::generate_ec("P-384");
  EXPECT_TRUE(key.ok());
  vkit::BioPtr priv(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(priv.get(), key->get(), nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long n = BIO_get_mem_data(priv.get(), &data);
  write_text(key_path, std::string(data, static_cast<std::size_t>(n)));
  vkit::BioPtr pub(BIO_new(BIO_s_mem()));
  PEM_write_bio_PUBKEY(pub.get(), key->get());
  n = BIO_get_mem_data(pub.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

}  // namespace cchost::nv::test
