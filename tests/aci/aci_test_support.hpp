#pragma once
// Helpers for the x-az-aci tests: the Azure vectors ($CCHOST_VECTORS/azure, skipped when
// absent), temporary collateral folders (vector files are copied there at run time, never into
// the repository), and tokens signed with throwaway keys for the attack tests.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "cchost/crypto/encoding.hpp"
#include "json_strict.hpp"
#include "runtime_data.hpp"
#include "sim/maa_signer.hpp"

namespace cchost::aci::test {
namespace fs = std::filesystem;

inline std::optional<fs::path> azure_vectors() {
  const char* env = std::getenv("CCHOST_VECTORS");
  fs::path root = env && *env ? fs::path(env) : fs::path(CCHOST_SOURCE_DIR) / ".." / "shared" / "vectors";
  fs::path dir = root / "azure";
  if (!fs::is_directory(dir)) return std::nullopt;
  return dir;
}

#define ACI_VECTORS_OR_SKIP(var)                                                                   \
  auto var##_opt = ::cchost::aci::test::azure_vectors();                                          \
  if (!var##_opt) GTEST_SKIP() << "Azure vectors not found (set CCHOST_VECTORS to shared/vectors)"; \
  const ::std::filesystem::path var = *var##_opt

inline std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void write_text(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

// A folder removed at scope exit.
class TempDir {
 public:
  explicit TempDir(const std::string& tag) {
    static int counter = 0;
    path_ = fs::temp_directory_path() /
            ("cchost-aci-" + tag + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// Pins `jwks` as the instance https://<host> in `dir`.
inline void pin_instance(const fs::path& dir, const std::string& host, const std::string& jwks, bool simulated = false) {
  write_text(dir / ((simulated ? "sim_maa." : "maa.") + host + ".jwks.json"), jwks);
}

inline constexpr const char* kSharedWusHost = "sharedwus.wus.attest.azure.net";
inline constexpr std::int64_t kSharedWusIat = 1618619860;  // 2021-04-17T00:37:40Z
inline constexpr std::int64_t kSyntheticAt = 1760000000;   // maa/synthetic/reference_policy.toml
inline constexpr const char* kTestHost = "test-maa.invalid";

// A 64-byte binding with a recognisable pattern.
inline Binding binding_of(std::uint8_t seed) {
  Binding b{};
  for (std::size_t i = 0; i < b.size(); ++i) b[i] = static_cast<std::uint8_t>(seed + i);
  return b;
}

// An ACI-shaped payload (NOTES §3 names, CAA-vector values) whose REPORT_DATA commits to
// `runtime`, issued at `iat` by `iss`.
inline Json aci_payload(const std::string& iss, std::int64_t iat, const std::string& runtime) {
  Json p;
  p["exp"] = iat + 28800;
  p["iat"] = iat;
  p["nbf"] = iat;
  p["iss"] = iss;
  p["jti"] = "00";
  p["nonce"] = "1";
  p["x-ms-attestation-type"] = "sevsnpvm";
  p["x-ms-compliance-status"] = "azure-compliant-uvm";
  p["x-ms-policy-hash"] = "9NY0VnTQ-IiBriBplVUpFbczcDaEBUwsiFYAzHu_gco";
  p["x-ms-runtime"] = *parse_json_object(runtime, "runtime");
  p["x-ms-sevsnpvm-guestsvn"] = 2;
  p["x-ms-sevsnpvm-hostdata"] = "cadd74f71ebb8fbf9782baab649612520f3c416bc5ce9ac768808ddc8d9b031c";
  p["x-ms-sevsnpvm-is-debuggable"] = false;
  const std::string m = "5feee30d6d7e1a29f403d70a4198237ddfb13051a2d6976439487c609388ed7f98189887920ab2fa0096903a0c23fca1";
  p["x-ms-sevsnpvm-launchmeasurement"] = m;
  p["x-ms-sevsnpvm-migration-allowed"] = false;
  p["x-ms-sevsnpvm-reportdata"] = crypto::hex_encode(report_data_for(as_bytes(runtime)));
  p["x-ms-sevsnpvm-smt-allowed"] = true;
  p["x-ms-sevsnpvm-snpfw-svn"] = 24;
  p["x-ms-sevsnpvm-uvm-endorsement"] = {{"x-ms-sevsnpvm-guestsvn", "101"}, {"x-ms-sevsnpvm-launchmeasurement", m}};
  p["x-ms-sevsnpvm-uvm-endorsement-headers"] = {
      {"feed", "ContainerPlat-AMD-UVM"},
      {"iss", "did:x509:0:sha256:I__iuL25oXEVFdTP_aBLx_eT1RPHbCQ_ECBQfYZpt9s::eku:1.3.6.1.4.1.311.76.59.1.2"}};
  p["x-ms-sevsnpvm-vmpl"] = 0;
  return p;
}

inline std::string header_for(const std::string& kid, const std::string& alg = "RS256", const Json& extra = Json::object()) {
  Json h;
  h["alg"] = alg;
  h["kid"] = kid;
  h["typ"] = "JWT";
  for (auto it = extra.begin(); it != extra.end(); ++it) h[it.key()] = it.value();
  return compact_json(h);
}

inline std::string sign(const sim::MaaSigner& key, const std::string& header, const Json& payload,
                        crypto::JwsAlg alg = crypto::JwsAlg::RS256) {
  auto token = key.sign_compact(header, compact_json(payload), alg);
  EXPECT_TRUE(token) << token.message();
  return token ? *token : std::string();
}

// One RSA-2048 key per process: generation is slow and the tests only need distinct keys.
inline const sim::MaaSigner& trusted_key() {
  static const sim::MaaSigner k = *sim::MaaSigner::generate(2048, "trusted-kid-1");
  return k;
}
inline const sim::MaaSigner& attacker_key() {
  static const sim::MaaSigner k = *sim::MaaSigner::generate(2048, "trusted-kid-1");  // same kid, other key
  return k;
}

}  // namespace cchost::aci::test
