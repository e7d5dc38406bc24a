// GPU-bearing sites end to end (issue 15 "Tests"): every participant presents SNP and an
// 8-GPU x-nv-gpu token from the simulated board, as real `cchost run` processes. site-1's
// policy requires a driver its peer site-3 does not run: in mutual mode the job deploys
// without site-3, the exclusion names the claim, and site-1's audited appraisal names the knob
// (gpu.min_driver_version), the device and the driver it runs.
#include <gtest/gtest.h>

#include <filesystem>
#include <optional>

#include "runtime_harness.hpp"

namespace cchost::runtime_test {
namespace {

const std::filesystem::path kGpuPlugin = std::filesystem::path(CCHOST_BINARY_DIR) / "plugins/nvgpu_authorizer.so";

std::string gpu_authorizer(const std::string& driver = "") {
  std::string keys = "  namespace = \"x-nv-gpu\"\n  plugin = \"nvgpu_authorizer.so\"\n  backend = \"sim\"\n";
  if (!driver.empty()) keys += "  args = { sim = { driver_version = \"" + driver + "\" } }\n";
  return keys;
}

// Simulated evidence is accepted (opt-in); the sim has no OCSP responder, so the GPU rules
// stop at what the sim can show: signed RIMs, measurements for matching drivers, counts.
std::string gpu_policy(const std::string& min_driver) {
  return "[policy]\nname = \"gpu-site\"\nrequire = [\"x-snp\", \"x-nv-gpu\"]\nallow_simulated = true\npeer_trust = \"mutual\"\n"
         "[gpu]\nallowed_archs = [\"HOPPER\"]\nexpected_count = 8\nrequire_fwid_match = true\nmin_driver_version = \"" +
         min_driver + "\"\n";
}

bool contains(const nlohmann::json& array, const std::string& value) {
  return array.is_array() && std::find(array.begin(), array.end(), value) != array.end();
}

// Provisions `spec`, starts every participant, waits for the three sites to register, submits
// one job to all three and returns its decided record (empty, with the failure reported, when
// a step fails).
std::optional<nlohmann::json> decided_job(RuntimeHarness& h, const ProjectSpec& spec, const std::string& id,
                                          std::int64_t min_sites) {
  const std::vector<std::string> sites = {"site-1", "site-2", "site-3"};
  auto provisioned = h.provision(spec);
  EXPECT_EQ(provisioned.exit_code, 0) << provisioned.output;
  if (provisioned.exit_code != 0 || !h.start("server")) return std::nullopt;
  for (const auto& s : spec.sites)
    if (!h.start(s.name)) return std::nullopt;
  if (!h.wait_registered(sites)) {
    ADD_FAILURE() << h.last_status().dump(2) << h.log_tails();
    return std::nullopt;
  }
  auto submitted = h.submit(id, sites, min_sites, id);
  EXPECT_EQ(submitted.exit_code, 0) << submitted.output;
  auto job = h.wait_decided(id);
  EXPECT_TRUE(job) << h.last_status().dump(2) << h.log_tails();
  return job;
}

TEST(RuntimeGpuSites, ASiteRejectsAPeerWhoseDriverIsBelowItsMinimum) {
  if (!std::filesystem::exists(kGpuPlugin)) GTEST_SKIP() << "no x-nv-gpu plugin in this build";
  RuntimeHarness h("gpu-sites");
  ProjectSpec spec;
  spec.server_policy = gpu_policy("500.0");
  spec.server_extra_authorizers = {gpu_authorizer()};
  spec.sites = {{"site-1", gpu_policy("570.0"), false, {gpu_authorizer()}},
                {"site-2", gpu_policy("500.0"), false, {gpu_authorizer()}},
                {"site-3", gpu_policy("500.0"), false, {gpu_authorizer("535.86.09")}}};
  auto job = decided_job(h, spec, "job-gpu", 2);
  ASSERT_TRUE(job);
  EXPECT_EQ(job->value("state", ""), "deployed") << job->dump(2);
  EXPECT_EQ((*job)["sites"].get<std::vector<std::string>>(), (std::vector<std::string>{"site-1", "site-2"})) << job->dump(2);
  const auto& excluded = (*job)["excluded"];
  ASSERT_TRUE(excluded.contains("site-3")) << job->dump(2);
  EXPECT_EQ(excluded["site-3"].value("reason", ""), "declined by site-1") << job->dump(2);
  EXPECT_TRUE(contains(excluded["site-3"]["failed"], "gpu.driver_version")) << job->dump(2);
  // The knob and the device are named where the decision is made: site-1's audited appraisal
  // of site-3.
  const std::string audit = read_text(h.workspace("site-1") / "audit.log");
  const auto at = audit.find("\"type\":\"peer.appraisal\",");
  ASSERT_NE(at, std::string::npos) << audit;
  EXPECT_NE(audit.find("\"rule\":\"gpu.min_driver_version\""), std::string::npos) << audit;
  EXPECT_NE(audit.find("Record gpu[0] ("), std::string::npos) << audit;
  EXPECT_NE(audit.find("\"actual\":\"535.86.09\""), std::string::npos) << audit;
}

// Composite binding end to end (issue 13, part 3): every participant's SNP report commits to
// its GPU token (the sim backends of both plugins, real processes); policies that require it
// accept every peer, the server included, and the job deploys to all three sites.
TEST(RuntimeGpuSites, CompositeBindingRequiredByEveryPolicyDeploys) {
  if (!std::filesystem::exists(kGpuPlugin)) GTEST_SKIP() << "no x-nv-gpu plugin in this build";
  RuntimeHarness h("gpu-composite");
  auto required = [](const std::string& min_driver) {
    std::string p = gpu_policy(min_driver);
    return p.replace(p.find("peer_trust"), 0, "composite = \"required\"\n");
  };
  ProjectSpec spec;
  spec.server_policy = required("500.0");
  spec.server_extra_authorizers = {gpu_authorizer()};
  spec.sites = {{"site-1", required("500.0"), false, {gpu_authorizer()}},
                {"site-2", required("500.0"), false, {gpu_authorizer()}},
                {"site-3", required("500.0"), false, {gpu_authorizer()}}};
  auto job = decided_job(h, spec, "job-composite", 3);
  ASSERT_TRUE(job);
  EXPECT_EQ(job->value("state", ""), "deployed") << job->dump(2);
  EXPECT_EQ((*job)["sites"].get<std::vector<std::string>>(), (std::vector<std::string>{"site-1", "site-2", "site-3"}))
      << job->dump(2);
  const std::string audit = read_text(h.workspace("site-1") / "audit.log");
  EXPECT_NE(audit.find("\"type\":\"peer.appraisal\","), std::string::npos) << audit;
  EXPECT_EQ(audit.find("binding.composite"), std::string::npos) << audit;
  EXPECT_EQ(audit.find("composite binding absent"), std::string::npos) << audit;
}

}  // namespace
}  // namespace cchost::runtime_test
