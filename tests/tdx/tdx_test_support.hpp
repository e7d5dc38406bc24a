#pragma once
// Shared helpers of the TDX tests: the genuine vectors under $CCHOST_VECTORS/tdx (tests skip
// with a message when absent; vector files are read in place, never copied into the repo) and
// throw-away collateral folders assembled from them in a temporary directory.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <string>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "cchost/bytes.hpp"
#include "cchost/crypto/x509.hpp"

namespace cchost::tdx::test {

inline std::optional<std::filesystem::path> vectors() {
  const char* env = std::getenv("CCHOST_VECTORS");
  if (env == nullptr || *env == 0) return std::nullopt;
  std::filesystem::path p = std::filesystem::path(env) / "tdx";
  if (!std::filesystem::is_directory(p)) return std::nullopt;
  return p;
}

#define TDX_REQUIRE_VECTORS(var)                                                        \
  auto var##_opt = ::cchost::tdx::test::vectors();                                      \
  if (!var##_opt) GTEST_SKIP() << "CCHOST_VECTORS is not set (or has no tdx/): skipped"; \
  const std::filesystem::path var = *var##_opt

inline Bytes read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline std::string read_text(const std::filesystem::path& p) {
  auto b = read_file(p);
  return std::string(b.begin(), b.end());
}

inline nlohmann::json read_json(const std::filesystem::path& p) { return nlohmann::json::parse(read_text(p)); }

inline void write_file(const std::filesystem::path& p, const std::string& data) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
}

inline std::time_t at(const char* rfc3339) {
  auto t = crypto::parse_time(rfc3339);
  if (!t) std::abort();
  return *t;
}

// A temporary folder removed at scope exit.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "cchost-tdx-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) std::abort();
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// The collateral layout file -> the vector file (relative to vectors()) it is copied from.
using CollateralFiles = std::map<std::string, std::string>;

// go-tdx-guest's 2023 collateral for FMSPC 50806f000000 (spr_e4, and trustee debug_td).
inline CollateralFiles gtg_2023_collateral() {
  return {{"tcbinfo.json", "go-tdx-guest/tcbinfo_fmspc_50806f000000.json"},
          {"qe_identity.json", "go-tdx-guest/qe_identity_td_qe.json"},
          {"tcb_info_issuer_chain.pem", "go-tdx-guest/tcbinfo_issuer_chain.pem"},
          {"qe_identity_issuer_chain.pem", "go-tdx-guest/qe_identity_issuer_chain.pem"},
          {"pck_crl.der", "go-tdx-guest/pck_platform_crl.der"},
          {"root_ca_crl.der", "go-tdx-guest/root_ca_crl.der"}};
}

inline CollateralFiles phala_collateral() {
  CollateralFiles out;
  for (auto f : {"tcbinfo.json", "qe_identity.json", "tcb_info_issuer_chain.pem", "qe_identity_issuer_chain.pem",
                 "pck_crl.der", "root_ca_crl.der"}) {
    out[f] = std::string("phala/quote_v4_uptodate.collateral/") + f;
  }
  return out;
}

inline void assemble(const std::filesystem::path& vec, const CollateralFiles& files, const std::filesystem::path& dir) {
  for (const auto& [name, src] : files) std::filesystem::copy_file(vec / src, dir / name);
}

}  // namespace cchost::tdx::test
