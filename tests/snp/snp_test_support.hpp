#pragma once
// Shared helpers for the SNP tests: where the genuine vectors are, and how a case reads.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include <toml++/toml.h>

#include "cchost/bytes.hpp"
#include "cchost/crypto/x509.hpp"

namespace cchost::snp::test {

namespace fs = std::filesystem;

// $CCHOST_VECTORS/snp, or the shared checkout beside the repository.
inline std::optional<fs::path> snp_vectors() {
  const char* env = std::getenv("CCHOST_VECTORS");
  fs::path root = env && *env ? fs::path(env) : fs::path(CCHOST_SOURCE_DIR "/../shared/vectors");
  std::error_code ec;
  if (!fs::is_directory(root / "snp" / "cases", ec)) return std::nullopt;
  return root / "snp";
}

#define SNP_REQUIRE_VECTORS(var)                                                             \
  auto var##_opt = ::cchost::snp::test::snp_vectors();                                       \
  if (!var##_opt) GTEST_SKIP() << "SNP vectors not found: set CCHOST_VECTORS to the folder " \
                                  "holding snp/cases (default ../shared/vectors)";           \
  const ::std::filesystem::path var = *var##_opt

inline Bytes read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

struct VectorCase {
  std::string name;
  fs::path dir;
  Bytes report;
  fs::path collateral;
  std::time_t at = 0;
  std::string at_text;
  bool expect_verified = false;
  std::string reason;
  toml::table claims;
};

inline VectorCase load_case(const fs::path& snp, const std::string& name) {
  VectorCase c;
  c.name = name;
  c.dir = snp / "cases" / name;
  auto doc = toml::parse_file((c.dir / "case.toml").string());
  c.report = read_file(c.dir / doc["report"].value_or(std::string("report.bin")));
  c.collateral = c.dir / doc["collateral"].value_or(std::string("collateral"));
  c.at_text = doc["at"].value_or(std::string());
  auto at = crypto::parse_time(c.at_text);
  if (at) c.at = *at;
  c.expect_verified = doc["expect"].value_or(std::string()) == "verified";
  c.reason = doc["reason"].value_or(std::string());
  if (auto* t = doc["claims"].as_table()) c.claims = *t;
  return c;
}

inline std::vector<std::string> case_names(const fs::path& snp) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(snp / "cases")) {
    if (e.is_directory() && fs::exists(e.path() / "case.toml")) {
      names.push_back(e.path().filename().string());
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace cchost::snp::test
