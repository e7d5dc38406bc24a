// `cchost policy check` on every shipped policy, and `policy explain` exit codes.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

namespace fs = std::filesystem;

namespace {

struct Run {
  int exit_code = -1;
  std::string output;
};

Run run(const std::string& args) {
  const std::string cmd = std::string(CCHOST_BINARY_DIR) + "/bin/cchost " + args + " 2>&1";
  Run r;
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) return r;
  std::array<char, 4096> buf{};
  std::size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) r.output.append(buf.data(), n);
  const int status = pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string write_file(const std::string& name, const std::string& text) {
  const std::string path = std::string(CCHOST_BINARY_DIR) + "/policy_cli_" + name;
  std::ofstream(path) << text;
  return path;
}

const char* kPolicy = R"([policy]
require = ["x-snp"]
max_evidence_age = "10m"
[snp]
debug = false
min_guest_svn = 2
[peer."site-2".snp]
min_guest_svn = 1
)";

std::string claims_json(int svn, bool debug) {
  return R"({"schema":"cchost.claims/v2","namespace":"x-snp","simulated":false,"issued_at":null,"records":[{"class":"cpu","index":0,"id":"","claims":{)"
         R"("snp.guest_svn":{"type":"int","value":)" + std::to_string(svn) +
         R"(},"snp.policy.debug":{"type":"bool","value":)" + (debug ? "true" : "false") + "}}}]}";
}

}  // namespace

TEST(PolicyCli, ShippedPoliciesPassCheck) {
  const fs::path dir = fs::path(CCHOST_SOURCE_DIR) / "policies";
  int checked = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".toml") continue;
    const auto r = run("policy check " + entry.path().string());
    EXPECT_EQ(r.exit_code, 0) << entry.path() << "\n" << r.output;
    std::ifstream in(entry.path());
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // None of the shipped policies may trust a simulated root.
    EXPECT_EQ(text.find("allow_simulated = true"), std::string::npos) << entry.path();
    ++checked;
  }
  EXPECT_GE(checked, 7);
}

TEST(PolicyCli, CheckListsEveryErrorAndExits2) {
  const auto path = write_file("bad.toml", "[policy]\nrequire = [\"x-snp\"]\n[snp]\ndebug = 1\nvmpl = 9\n");
  const auto r = run("policy check " + path);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find(path + ":4:9: snp.debug"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(path + ":5:8: snp.vmpl"), std::string::npos) << r.output;
  const auto j = run("policy check --json " + path);
  EXPECT_EQ(j.exit_code, 2);
  EXPECT_NE(j.output.find("\"line\":5"), std::string::npos) << j.output;
  const auto ok = run("policy check --json " + write_file("good.toml", kPolicy));
  EXPECT_EQ(ok.exit_code, 0) << ok.output;
  EXPECT_NE(ok.output.find("\"ok\":true"), std::string::npos) << ok.output;
  EXPECT_NE(ok.output.find("\"schema\":\"cchost.policy.check/v1\""), std::string::npos) << ok.output;
}

TEST(PolicyCli, ExplainExitCodes) {
  const auto policy = write_file("explain.toml", kPolicy);
  const auto good = write_file("good.json", claims_json(2, false));
  const auto low = write_file("low.json", claims_json(1, false));
  auto accept = run("policy explain --policy " + policy + " --claims " + good + " --evidence-age 5");
  EXPECT_EQ(accept.exit_code, 0) << accept.output;
  EXPECT_NE(accept.output.find("PASS snp.min_guest_svn"), std::string::npos) << accept.output;
  EXPECT_NE(accept.output.find("decision: accept"), std::string::npos);

  auto reject = run("policy explain --policy " + policy + " --claims " + low + " --evidence-age 5");
  EXPECT_EQ(reject.exit_code, 1) << reject.output;
  EXPECT_NE(reject.output.find("FAIL snp.min_guest_svn"), std::string::npos) << reject.output;

  auto as_peer = run("policy explain --policy " + policy + " --claims " + low + " --peer site-2 --evidence-age 5 --json");
  EXPECT_EQ(as_peer.exit_code, 0) << as_peer.output;
  EXPECT_NE(as_peer.output.find("\"accept\": true"), std::string::npos) << as_peer.output;
  // The JSON says what the decision was about (issue 14, item 6).
  const auto explained = nlohmann::json::parse(as_peer.output, nullptr, false);
  ASSERT_TRUE(explained.is_object()) << as_peer.output;
  EXPECT_EQ(explained.value("schema", ""), "cchost.policy.explain/v1");
  EXPECT_EQ(explained["policy"].value("file", ""), policy);
  EXPECT_EQ(explained.value("peer", ""), "site-2");
  EXPECT_EQ(explained.value("role", "?"), "");
  EXPECT_EQ(explained["require"], nlohmann::json::array({"x-snp"}));
  EXPECT_EQ(explained.value("evidence_age_seconds", 0), 5);

  auto too_old = run("policy explain --policy " + policy + " --claims " + good + " --evidence-age 601");
  EXPECT_EQ(too_old.exit_code, 1) << too_old.output;
  auto unknown_age = run("policy explain --policy " + policy + " --claims " + good);
  EXPECT_EQ(unknown_age.exit_code, 1) << unknown_age.output;

  auto broken_claims = run("policy explain --policy " + policy + " --claims " + write_file("broken.json", "{"));
  EXPECT_EQ(broken_claims.exit_code, 2) << broken_claims.output;
  auto broken_policy = run("policy explain --policy " + write_file("broken.toml", "[policy]\n") + " --claims " + good);
  EXPECT_EQ(broken_policy.exit_code, 2) << broken_policy.output;
}
