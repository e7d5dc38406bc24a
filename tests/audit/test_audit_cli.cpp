// `cchost audit verify`: the built binary, run as an operator would.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "audit_test_support.hpp"

#include "cchost/audit/audit_log.hpp"

namespace cchost::audit {
namespace {

using testing::ScratchDir;

struct CommandResult {
  int exit_code = -1;
  std::string out;  // stdout only; stderr goes to the test log
};

CommandResult run_cchost(const std::string& arguments) {
  std::string command = std::string(CCHOST_BINARY_DIR) + "/bin/cchost " + arguments;
  CommandResult result;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[4096];
  std::size_t got;
  while ((got = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) result.out.append(buffer, got);
  int status = ::pclose(pipe);
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  return result;
}

class AuditCli : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_ / "audit.log";
    auto log = AuditLog::open(path_);
    ASSERT_TRUE(log.ok()) << log.message();
    for (const char* site : {"alpha", "beta", "gamma", "delta"}) {
      ASSERT_TRUE((*log)->append("registration", {{"site", site}}).ok());
    }
    head_ = (*log)->head();
  }
  ScratchDir dir_;
  std::filesystem::path path_;
  std::string head_;
};

TEST_F(AuditCli, IntactLogExitsZeroAndPrintsTheHead) {
  auto result = run_cchost("audit verify " + path_.string());
  EXPECT_EQ(result.exit_code, 0) << result.out;
  EXPECT_NE(result.out.find("intact, 4 entries"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find(head_), std::string::npos) << result.out;
}

TEST_F(AuditCli, TamperedLogExitsOneNamingTheLine) {
  auto text = testing::read_file(path_);
  text[text.find("beta")] = 'B';  // line 2 changed: line 3's prev no longer matches
  testing::write_file(path_, text);
  auto result = run_cchost("audit verify " + path_.string());
  EXPECT_EQ(result.exit_code, 1) << result.out;
  EXPECT_NE(result.out.find("broken at line 3 (prev_mismatch)"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("line 2 was changed"), std::string::npos) << result.out;

  auto json_result = run_cchost("audit verify --json " + path_.string());
  EXPECT_EQ(json_result.exit_code, 1);
  auto report = nlohmann::json::parse(json_result.out);
  EXPECT_EQ(report.at("intact"), false);
  EXPECT_EQ(report.at("entries"), 2);
  EXPECT_EQ(report.at("broken").at("line"), 3);
  EXPECT_EQ(report.at("broken").at("seq"), 3);
  EXPECT_EQ(report.at("broken").at("kind"), "prev_mismatch");
}

TEST_F(AuditCli, JsonReportForAnIntactLog) {
  auto result = run_cchost("audit verify " + path_.string() + " --json");
  EXPECT_EQ(result.exit_code, 0);
  auto report = nlohmann::json::parse(result.out);
  EXPECT_EQ(report.at("intact"), true);
  EXPECT_EQ(report.at("entries"), 4);
  EXPECT_EQ(report.at("head"), head_);
  EXPECT_FALSE(report.contains("broken"));
}

TEST_F(AuditCli, UnreadableFileExitsTwo) {
  auto result = run_cchost("audit verify " + (dir_ / "missing.log").string() + " 2>/dev/null");
  EXPECT_EQ(result.exit_code, 2);
  auto json_result = run_cchost("audit verify --json " + dir_.path().string());
  EXPECT_EQ(json_result.exit_code, 2);
  EXPECT_NE(nlohmann::json::parse(json_result.out).at("error").get<std::string>().find(
                "not a regular file"),
            std::string::npos);
  auto no_file = run_cchost("audit verify 2>/dev/null");
  EXPECT_EQ(no_file.exit_code, 2);
}

// With the writer's audit key the CLI tells a cut or emptied log from an intact one (issue 9,
// defect 5); the parent commit printed "intact" for both.
class SignedAuditCli : public ::testing::Test {
 protected:
  void SetUp() override {
    auto key = crypto::SigningKey::generate();
    ASSERT_TRUE(key.ok()) << key.message();
    testing::write_file(public_key_, key->public_key().pem());
    auto log = AuditLog::open(path_, {}, AuditSigning(std::make_shared<const crypto::SigningKey>(std::move(*key))));
    ASSERT_TRUE(log.ok()) << log.message();
    for (const char* site : {"alpha", "beta"}) ASSERT_TRUE((*log)->append("registration", {{"site", site}}).ok());
    ASSERT_TRUE((*log)->seal().ok());
  }
  std::string verify(const std::string& extra = "") {
    return "audit verify " + path_.string() + " --public-key " + public_key_.string() + " " + extra;
  }
  ScratchDir dir_;
  std::filesystem::path path_ = dir_ / "audit.log";
  std::filesystem::path public_key_ = dir_ / "audit.pub";
};

TEST_F(SignedAuditCli, SealedLogVerifiesWithItsKey) {
  auto result = run_cchost(verify());
  EXPECT_EQ(result.exit_code, 0) << result.out;
  EXPECT_NE(result.out.find("2 signed heads verified, sealed by a shutdown head"), std::string::npos) << result.out;
  auto chain_only = run_cchost("audit verify " + path_.string());
  EXPECT_EQ(chain_only.exit_code, 0);
  EXPECT_NE(chain_only.out.find("signatures not checked"), std::string::npos) << chain_only.out;
}

TEST_F(SignedAuditCli, CutLogExitsOneNamingTheLastSignedHead) {
  auto lines = testing::split_lines(testing::read_file(path_));
  lines.pop_back();
  testing::write_file(path_, testing::join_lines(lines));
  auto result = run_cchost(verify("--json"));
  EXPECT_EQ(result.exit_code, 1) << result.out;
  auto report = nlohmann::json::parse(result.out);
  EXPECT_EQ(report.at("broken").at("kind"), "unsealed");
  EXPECT_EQ(report.at("last_signed_seq"), 1);
  EXPECT_EQ(run_cchost(verify("--live")).exit_code, 0);  // as a still-running writer's log would be
}

TEST_F(SignedAuditCli, EmptiedLogExitsOne) {
  testing::write_file(path_, "");
  auto result = run_cchost(verify());
  EXPECT_EQ(result.exit_code, 1) << result.out;
  EXPECT_NE(result.out.find("(no_signed_head)"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("emptied"), std::string::npos) << result.out;
}

TEST_F(SignedAuditCli, KitWithoutARootPinIsRefused) {
  auto result = run_cchost("audit verify " + path_.string() + " --kit " + dir_.path().string() + " 2>&1");
  EXPECT_EQ(result.exit_code, 2) << result.out;
  EXPECT_NE(result.out.find("needs a root pin"), std::string::npos) << result.out;
}

}  // namespace
}  // namespace cchost::audit
