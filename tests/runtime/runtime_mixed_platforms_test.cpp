// A mixed deployment (issues 11 and 12, "Tests"): SEV-SNP sites, one Intel TDX site and one
// Azure ACI site (each simulated), as real `cchost run` processes. Every participant verifies
// the platforms it does not run with `verify_only` authorizers, and appraises each peer with its
// own policy: `require = ["x-snp"]`, and for the TDX and ACI sites a [peer."NAME"] override
// requiring their platform instead (policies/README.md "Overrides"). The job deploys to all
// four; the SNP site's audit log shows it appraised the TDX and ACI sites on their own
// evidence. A policy without the overrides refuses both, naming what is missing.
#include <gtest/gtest.h>

#include <filesystem>

#include "runtime_harness.hpp"

namespace cchost::runtime_test {
namespace {

namespace fs = std::filesystem;
const fs::path kPlugins = fs::path(CCHOST_BINARY_DIR) / "plugins";

std::string authorizer(const std::string& ns, const std::string& plugin, bool verify_only) {
  return "  namespace = \"" + ns + "\"\n  plugin = \"" + plugin + "\"\n" +
         (verify_only ? "  verify_only = true\n" : "  backend = \"sim\"\n");
}
std::string tdx(bool verify_only) { return authorizer("x-tdx", "tdx_authorizer.so", verify_only); }
std::string aci(bool verify_only) { return authorizer("x-az-aci", "aci_authorizer.so", verify_only); }

std::string policy(bool overrides) {
  std::string p = "[policy]\nname = \"mixed\"\nrequire = [\"x-snp\"]\nallow_simulated = true\npeer_trust = \"mutual\"\n";
  if (overrides) p += "[peer.\"site-tdx\"]\nrequire = [\"x-tdx\"]\n[peer.\"site-aci\"]\nrequire = [\"x-az-aci\"]\n";
  return p;
}

class RuntimeMixedPlatforms : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* so : {"tdx_authorizer.so", "aci_authorizer.so"})
      if (!fs::exists(kPlugins / so)) GTEST_SKIP() << "no " << so << " in this build";
  }
  static ProjectSpec project(bool site1_overrides) {
    ProjectSpec spec;
    spec.server_policy = policy(true);
    spec.server_extra_authorizers = {tdx(true), aci(true)};
    spec.sites = {{"site-1", policy(site1_overrides), false, {tdx(true), aci(true)}},
                  {"site-2", policy(true), false, {tdx(true), aci(true)}},
                  {"site-tdx", policy(true), false, {tdx(false), aci(true)}},
                  {"site-aci", policy(true), false, {tdx(true), aci(false)}}};
    spec.sites[2].snp_verify_only = true;
    spec.sites[3].snp_verify_only = true;
    return spec;
  }
  static std::optional<nlohmann::json> run(RuntimeHarness& h, const ProjectSpec& spec, std::int64_t min_sites) {
    auto provisioned = h.provision(spec);
    EXPECT_EQ(provisioned.exit_code, 0) << provisioned.output;
    if (provisioned.exit_code != 0) return std::nullopt;
    EXPECT_TRUE(h.start("server"));
    for (const auto& s : spec.sites) EXPECT_TRUE(h.start(s.name));
    const std::vector<std::string> names = {"site-1", "site-2", "site-tdx", "site-aci"};
    EXPECT_TRUE(h.wait_registered(names)) << h.last_status().dump(2) << h.log_tails();
    auto submitted = h.submit("job-mixed", names, min_sites, "mixed job");
    EXPECT_EQ(submitted.exit_code, 0) << submitted.output;
    auto job = h.wait_decided("job-mixed");
    EXPECT_TRUE(job) << h.last_status().dump(2) << h.log_tails();
    return job;
  }
};

TEST_F(RuntimeMixedPlatforms, SnpSitesAppraiseTdxAndAciSitesWithTheirOwnPolicyAndTheJobDeploys) {
  RuntimeHarness h("mixed");
  auto job = run(h, project(true), 4);
  ASSERT_TRUE(job);
  EXPECT_EQ(job->value("state", ""), "deployed") << job->dump(2);
  EXPECT_EQ((*job)["sites"].get<std::vector<std::string>>(),
            (std::vector<std::string>{"site-1", "site-2", "site-aci", "site-tdx"}))
      << job->dump(2);
  // site-1 (SNP) appraised the TDX and the ACI site and accepted both.
  const std::string audit = read_text(h.workspace("site-1") / "audit.log");
  EXPECT_NE(audit.find("\"peer\":\"site-tdx\""), std::string::npos) << audit;
  EXPECT_NE(audit.find("\"peer\":\"site-aci\""), std::string::npos) << audit;
  EXPECT_EQ(audit.find("\"accept\":false"), std::string::npos) << audit;
  // The TDX site presented TDX evidence only, the ACI site ACI evidence only.
  const std::string server_log = read_text(h.workspace("server") / "audit.log");
  EXPECT_EQ(server_log.find("\"accept\":false"), std::string::npos) << server_log;
}

TEST_F(RuntimeMixedPlatforms, APolicyWithoutTheOverridesRefusesThePeersOnOtherPlatforms) {
  RuntimeHarness h("mixed-strict");
  auto job = run(h, project(false), 2);
  ASSERT_TRUE(job);
  EXPECT_EQ(job->value("state", ""), "deployed") << job->dump(2);
  // Mutual trust: only site-1 refuses the TDX and the ACI site, so the largest set in which
  // everyone trusts everyone leaves site-1 out; its own audit log says why it refused them.
  EXPECT_EQ((*job)["sites"].get<std::vector<std::string>>(), (std::vector<std::string>{"site-2", "site-aci", "site-tdx"}))
      << job->dump(2);
  EXPECT_TRUE((*job)["excluded"].contains("site-1")) << job->dump(2);
  const std::string audit = read_text(h.workspace("site-1") / "audit.log");
  for (const char* peer : {"site-tdx", "site-aci"}) {
    const auto at = audit.find(std::string("\"type\":\"peer.appraisal\",") );
    ASSERT_NE(at, std::string::npos) << audit;
    const auto entry = audit.find(std::string("\"peer\":\"") + peer + "\"");
    ASSERT_NE(entry, std::string::npos) << audit;
    const auto line_end = audit.find('\n', entry);
    const auto line_start = audit.rfind('\n', entry);
    const std::string line = audit.substr(line_start + 1, line_end - line_start - 1);
    EXPECT_NE(line.find("\"accept\":false"), std::string::npos) << line;
    EXPECT_NE(line.find("policy.require: x-snp missing"), std::string::npos) << line;
  }
}

}  // namespace
}  // namespace cchost::runtime_test
