// `cchost verify --ear` and `cchost ear verify` with the real binary (build/bin/cchost) and the
// real SNP plugin on a genuine vector (trustee_milan_v2, at the time its PROVENANCE.md gives).
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>

#include <nlohmann/json.hpp>

#include "cchost/crypto/signing_key.hpp"
#include "ear_test_keys.hpp"

namespace cchost::ear {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct CliRun {
  int code = -1;
  std::string out, err;
};

std::string quoted(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void spit(const fs::path& p, const std::string& text, mode_t mode) {
  std::ofstream(p, std::ios::binary) << text;
  ::chmod(p.c_str(), mode);
}

fs::path vectors_dir() {
  const char* env = std::getenv("CCHOST_VECTORS");
  return env && *env ? fs::path(env) : fs::path(CCHOST_SOURCE_DIR "/../shared/vectors");
}

class EarCli : public ::testing::Test {
 protected:
  void SetUp() override {
    case_ = vectors_dir() / "snp" / "cases" / "trustee_milan_v2";
    if (!fs::exists(case_ / "report.bin")) GTEST_SKIP() << "SNP vector not found at " << case_ << "; set CCHOST_VECTORS";
    std::string templ = (fs::temp_directory_path() / "cchost-ear-cli-XXXXXX").string();
    ASSERT_NE(::mkdtemp(templ.data()), nullptr);
    dir_ = templ;
    auto key = *crypto::SigningKey::generate();
    spit(dir_ / "ear.key", *key.private_pem(), 0600);
    spit(dir_ / "ear.pub", key.public_key().pem(), 0644);
    auto other = *crypto::SigningKey::generate();
    spit(dir_ / "other.pub", other.public_key().pem(), 0644);
    // Accepts the vector: its guest policy and platform pass, and --evidence-age says it is fresh.
    spit(dir_ / "lenient.toml",
         "[policy]\nname = \"lenient\"\nrequire = [\"x-snp\"]\nallow_simulated = false\nmax_evidence_age = \"10m\"\n"
         "[snp]\ndebug = false\nvmpl = 0\n",
         0644);
  }
  void TearDown() override {
    std::error_code ec;
    if (!dir_.empty()) fs::remove_all(dir_, ec);
  }

  CliRun cchost(const std::vector<std::string>& args) const {
    std::string command = quoted(CCHOST_BINARY_DIR "/bin/cchost");
    for (const auto& a : args) command += " " + quoted(a);
    command += " >" + quoted((dir_ / "out.txt").string()) + " 2>" + quoted((dir_ / "err.txt").string());
    const int status = std::system(command.c_str());
    CliRun r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    r.out = slurp(dir_ / "out.txt");
    r.err = slurp(dir_ / "err.txt");
    return r;
  }

  std::vector<std::string> verify_args(const std::string& policy) const {
    return {"verify", "--namespace", "x-snp", "--evidence", (case_ / "report.bin").string(), "--collateral",
            (case_ / "collateral").string(), "--at", "2026-11-01T00:00:00Z", "--no-binding", "--plugin-dir",
            CCHOST_PLUGIN_DIR, "--policy", policy};
  }

  std::vector<std::string> with(std::vector<std::string> a, const std::vector<std::string>& more) const {
    a.insert(a.end(), more.begin(), more.end());
    return a;
  }

  fs::path case_, dir_;
  const std::string strict_ = CCHOST_SOURCE_DIR "/policies/snp.toml";
};

TEST_F(EarCli, StrictPolicyRejectionIsContraindicatedWithTheFailedRulesNamed) {
  const std::string ear = (dir_ / "result.ear").string();
  auto v = cchost(with(verify_args(strict_), {"--json", "--ear", ear, "--ear-key", (dir_ / "ear.key").string()}));
  ASSERT_EQ(v.code, 1) << v.out << v.err;
  const json report = json::parse(v.out);
  ASSERT_FALSE(report["decision"]["accept"].get<bool>());
  std::set<std::string> decided;
  for (const auto& f : report["decision"]["failed"]) decided.insert(f["rule"].get<std::string>());
  ASSERT_FALSE(decided.empty());

  auto r = cchost({"ear", "verify", ear, "--public-key", (dir_ / "ear.pub").string(), "--json"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  const json out = json::parse(r.out);
  EXPECT_EQ(out["schema"], "cchost.ear.verify/v1");
  EXPECT_TRUE(out["valid"].get<bool>());
  EXPECT_EQ(out["alg"], "EdDSA");
  const json& claims = out["claims"];
  EXPECT_EQ(claims["eat_profile"], "tag:github.com,2023:veraison/ear");
  ASSERT_TRUE(claims["submods"].contains("x-snp")) << claims.dump();
  const json& s = claims["submods"]["x-snp"];
  EXPECT_EQ(s["ear.status"], "contraindicated");
  std::set<std::string> written;
  for (const auto& f : s["ear.cchost.failed-rules"]) written.insert(f.get<std::string>());
  EXPECT_EQ(written, decided);
  EXPECT_EQ(s["ear.cchost.verified-at"], 1793491200);  // 2026-11-01T00:00:00Z
  EXPECT_EQ(s["ear.cchost.simulated"], false);
  EXPECT_NE(s["ear.appraisal-policy-id"].get<std::string>().find("snp.toml/sha256:"), std::string::npos);
  // A rejection affirms nothing.
  for (const auto& [name, value] : s["ear.trustworthiness-vector"].items()) EXPECT_GE(value.get<int>(), 32) << name;
  EXPECT_FALSE(s["ear.trustworthiness-vector"].empty());

  auto text = cchost({"ear", "verify", ear, "--public-key", (dir_ / "ear.pub").string()});
  ASSERT_EQ(text.code, 0) << text.err;
  EXPECT_NE(text.out.find("attester x-snp: contraindicated"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("failed rule " + *decided.begin()), std::string::npos) << text.out;
}

TEST_F(EarCli, AcceptanceIsAffirmingWithNoIdentityClaimWithoutBinding) {
  const std::string ear = (dir_ / "ok.ear").string();
  const std::string policy = (dir_ / "lenient.toml").string();
  auto v = cchost(with(verify_args(policy), {"--evidence-age", "0", "--ear", ear, "--ear-key", (dir_ / "ear.key").string()}));
  ASSERT_EQ(v.code, 0) << v.out << v.err;
  auto r = cchost({"ear", "verify", ear, "--public-key", (dir_ / "ear.pub").string(), "--json"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  const json s = json::parse(r.out)["claims"]["submods"]["x-snp"];
  EXPECT_EQ(s["ear.status"], "affirming");
  EXPECT_EQ(s["ear.trustworthiness-vector"]["hardware"], 2);
  EXPECT_EQ(s["ear.trustworthiness-vector"]["configuration"], 2);
  EXPECT_FALSE(s["ear.trustworthiness-vector"].contains("instance-identity")) << "--no-binding proves no identity";
  EXPECT_TRUE(s["ear.cchost.failed-rules"].empty());

  // Freshness: a valid signature alone lets an old "affirming" result be replayed; --max-age
  // and --nonce refuse that, naming why.
  const auto iat = json::parse(r.out)["claims"]["iat"].get<std::int64_t>();
  auto fresh = cchost({"ear", "verify", ear, "--public-key", (dir_ / "ear.pub").string(), "--max-age", "300"});
  EXPECT_EQ(fresh.code, 0) << fresh.out << fresh.err;
  auto later = cchost({"ear", "verify", ear, "--public-key", (dir_ / "ear.pub").string(), "--max-age", "300", "--at",
                       std::to_string(iat + 301)});
  EXPECT_EQ(later.code, 1) << later.out << later.err;
  EXPECT_NE(later.err.find("s old at " + std::to_string(iat + 301) + ", more than --max-age 300"), std::string::npos)
      << later.err;
  auto unchallenged = cchost({"ear", "verify", ear, "--public-key", (dir_ / "ear.pub").string(), "--nonce", "00"});
  EXPECT_EQ(unchallenged.code, 1) << unchallenged.out;
  EXPECT_NE(unchallenged.err.find("carries no eat_nonce"), std::string::npos) << unchallenged.err;
  auto unchecked = cchost({"ear", "verify", ear, "--public-key", (dir_ / "ear.pub").string()});
  EXPECT_NE(unchecked.out.find("freshness: not checked"), std::string::npos) << unchecked.out;
}

TEST_F(EarCli, SeveralNamespaceFormWritesTheEarToo) {
  const std::string ear = (dir_ / "multi.ear").string();
  auto v = cchost({"verify", "--evidence", "x-snp=" + (case_ / "report.bin").string(), "--collateral",
                   "x-snp=" + (case_ / "collateral").string(), "--at", "2026-11-01T00:00:00Z", "--no-binding",
                   "--plugin-dir", CCHOST_PLUGIN_DIR, "--policy", strict_, "--ear", ear,
                   "--ear-key", (dir_ / "ear.key").string()});
  ASSERT_EQ(v.code, 1) << v.out << v.err;
  auto r = cchost({"ear", "verify", ear, "--public-key", (dir_ / "ear.pub").string(), "--json"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  // Without --name (which goes with --nonce), the attester is named by its namespaces.
  const json s = json::parse(r.out)["claims"]["submods"]["x-snp"];
  EXPECT_EQ(s["ear.status"], "contraindicated");
  EXPECT_EQ(s["ear.cchost.namespaces"], json({"x-snp"}));
}

TEST_F(EarCli, KeyReadableByOthersIsRefusedAndNothingIsWritten) {
  const std::string ear = (dir_ / "never.ear").string();
  ::chmod((dir_ / "ear.key").c_str(), 0640);
  auto v = cchost(with(verify_args(strict_), {"--ear", ear, "--ear-key", (dir_ / "ear.key").string()}));
  EXPECT_EQ(v.code, 2) << v.out << v.err;
  EXPECT_NE(v.err.find("mode 0640, expected 0600"), std::string::npos) << v.err;
  EXPECT_FALSE(fs::exists(ear));
}

TEST_F(EarCli, UsageErrors) {
  const std::string ear = (dir_ / "x.ear").string();
  auto no_policy = cchost({"verify", "--namespace", "x-snp", "--evidence", (case_ / "report.bin").string(),
                           "--collateral", (case_ / "collateral").string(), "--at", "2026-11-01T00:00:00Z",
                           "--no-binding", "--plugin-dir", CCHOST_PLUGIN_DIR, "--ear", ear, "--ear-key",
                           (dir_ / "ear.key").string()});
  EXPECT_EQ(no_policy.code, 2);
  EXPECT_NE(no_policy.err.find("--ear needs --policy"), std::string::npos) << no_policy.err;
  auto no_key = cchost(with(verify_args(strict_), {"--ear", ear}));
  EXPECT_EQ(no_key.code, 2);
  EXPECT_NE(no_key.err.find("exactly one of --ear-key"), std::string::npos) << no_key.err;
  auto key_alone = cchost(with(verify_args(strict_), {"--ear-key", (dir_ / "ear.key").string()}));
  EXPECT_EQ(key_alone.code, 2);
  EXPECT_NE(key_alone.err.find("needs --ear FILE"), std::string::npos) << key_alone.err;
  auto kit_no_pin = cchost(with(verify_args(strict_), {"--ear", ear, "--ear-kit", dir_.string()}));
  EXPECT_EQ(kit_no_pin.code, 2);
  EXPECT_NE(kit_no_pin.err.find("root pin"), std::string::npos) << kit_no_pin.err;
  EXPECT_FALSE(fs::exists(ear));
}

TEST_F(EarCli, EarVerifyRefusesWrongKeyTamperAndBadUsage) {
  const std::string ear = (dir_ / "result.ear").string();
  ASSERT_EQ(cchost(with(verify_args(strict_), {"--ear", ear, "--ear-key", (dir_ / "ear.key").string()})).code, 1);
  const std::string pub = (dir_ / "ear.pub").string();

  auto wrong = cchost({"ear", "verify", ear, "--public-key", (dir_ / "other.pub").string(), "--json"});
  EXPECT_EQ(wrong.code, 1);
  const json w = json::parse(wrong.out);
  EXPECT_FALSE(w["valid"].get<bool>());
  EXPECT_NE(w["errors"][0].get<std::string>().find("does not verify"), std::string::npos) << wrong.out;

  std::string token = slurp(ear);
  const std::size_t at = token.find('.') + 10;
  token[at] = token[at] == 'A' ? 'B' : 'A';
  spit(dir_ / "tampered.ear", token, 0644);
  auto tampered = cchost({"ear", "verify", (dir_ / "tampered.ear").string(), "--public-key", pub});
  EXPECT_EQ(tampered.code, 1);
  EXPECT_NE(tampered.err.find("does not verify"), std::string::npos) << tampered.err;

  // alg swapped to none: refused by name.
  const std::string none = test::b64u(R"({"alg":"none"})") + token.substr(token.find('.'));
  spit(dir_ / "none.ear", none, 0644);
  auto unsigned_token = cchost({"ear", "verify", (dir_ / "none.ear").string(), "--public-key", pub});
  EXPECT_EQ(unsigned_token.code, 1);
  EXPECT_NE(unsigned_token.err.find("\"none\""), std::string::npos) << unsigned_token.err;

  EXPECT_EQ(cchost({"ear", "verify", ear}).code, 2);
  EXPECT_EQ(cchost({"ear", "verify", ear, "--public-key", pub, "--kit", dir_.string()}).code, 2);
  EXPECT_EQ(cchost({"ear", "verify", (dir_ / "missing.ear").string(), "--public-key", pub}).code, 2);
  spit(dir_ / "big.ear", std::string(70000, 'A'), 0644);
  auto big = cchost({"ear", "verify", (dir_ / "big.ear").string(), "--public-key", pub});
  EXPECT_EQ(big.code, 2);
  EXPECT_NE(big.err.find("larger than"), std::string::npos) << big.err;
}

}  // namespace
}  // namespace cchost::ear
