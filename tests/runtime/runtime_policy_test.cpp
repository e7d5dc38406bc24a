// Policy decisions seen end to end with real processes (issue 5 "Tests"): a site whose
// evidence fails the server's policy is refused at registration with the rule id; a site whose
// own policy rejects a peer is excluded in decline mode, and in mutual mode the distrusted
// peer is dropped instead.
#include <gtest/gtest.h>

#include <algorithm>

#include "runtime_harness.hpp"

namespace cchost::runtime_test {
namespace {

std::vector<std::string> strings(const nlohmann::json& a) { return a.get<std::vector<std::string>>(); }

bool contains(const nlohmann::json& array, const std::string& value) {
  return array.is_array() && std::find(array.begin(), array.end(), value) != array.end();
}

TEST(RuntimePolicy, ServerRefusesDebugSiteAndDecliningSiteIsExcluded) {
  RuntimeHarness h("decline");
  ProjectSpec spec;
  // The server refuses debug guests, except site-3 (a permitted test enclave): site-4, also a
  // debug guest, fails registration on snp.policy.debug.
  spec.server_policy = strict_policy("decline") + "\n[peer.\"site-3\".snp]\ndebug = true\n";
  spec.sites = {{"site-1", strict_policy(), false},   // rejects site-3 as a peer
                {"site-2", lenient_policy(), false},
                {"site-3", lenient_policy(), true},
                {"site-4", lenient_policy(), true}};
  auto provisioned = h.provision(spec);
  ASSERT_EQ(provisioned.exit_code, 0) << provisioned.output;
  ASSERT_TRUE(h.start("server"));
  for (const auto& s : spec.sites) ASSERT_TRUE(h.start(s.name));

  // 2. Rejected at registration, naming what failed (the claim snp.policy.debug) in the status report.
  ASSERT_TRUE(h.wait_for([](const nlohmann::json& report) {
    for (const char* s : {"site-1", "site-2", "site-3"}) {
      const auto* p = find_participant(report, s);
      if (!p || !p->value("registered", false)) return false;
    }
    const auto* p4 = find_participant(report, "site-4");
    return p4 && p4->value("last_attested_at", 0) > 0;
  })) << h.last_status().dump(2);
  const auto* site4 = find_participant(h.last_status(), "site-4");
  ASSERT_NE(site4, nullptr);
  EXPECT_FALSE(site4->value("registered", true)) << site4->dump();
  EXPECT_FALSE(site4->value("last_accept", true)) << site4->dump();
  EXPECT_TRUE(contains((*site4)["last_failed"], "snp.policy.debug")) << site4->dump();
  EXPECT_NE(h.read_log("server").find("rejected registration of site-4"), std::string::npos);
  // The site hears why, too.
  EXPECT_TRUE(h.wait_for_log("site-4", "the server rejected this site: [\"snp.policy.debug\"]")) << h.read_log("site-4");

  // 3 (decline). site-1 distrusts site-3 and declines the job, so site-1 is excluded; the
  // site the server refused never reaches attestation.
  auto submitted = h.submit("job-d", {"site-1", "site-2", "site-3", "site-4"}, 2, "decline mode");
  ASSERT_EQ(submitted.exit_code, 0) << submitted.output;
  auto job = h.wait_decided("job-d");
  ASSERT_TRUE(job) << h.last_status().dump(2);
  EXPECT_EQ(job->value("state", ""), "deployed") << job->dump(2);
  EXPECT_EQ(strings((*job)["sites"]), (std::vector<std::string>{"site-2", "site-3"})) << job->dump(2);
  const auto& excluded = (*job)["excluded"];
  ASSERT_TRUE(excluded.contains("site-4")) << job->dump(2);
  EXPECT_EQ(excluded["site-4"].value("stage", ""), "registration") << job->dump(2);
  ASSERT_TRUE(excluded.contains("site-1")) << job->dump(2);
  EXPECT_EQ(excluded["site-1"].value("stage", ""), "peer-vote") << job->dump(2);
  EXPECT_EQ(excluded["site-1"].value("reason", ""), "declines site-3") << job->dump(2);
  EXPECT_TRUE(contains(excluded["site-1"]["failed"], "snp.policy.debug")) << job->dump(2);
  EXPECT_EQ(excluded.size(), 2u) << job->dump(2);
}

TEST(RuntimePolicy, MutualModeDropsTheDistrustedSite) {
  RuntimeHarness h("mutual");
  ProjectSpec spec;
  spec.server_policy = lenient_policy("mutual");
  spec.sites = {{"site-1", strict_policy(), false}, {"site-2", strict_policy(), false}, {"site-3", lenient_policy(), true}};
  auto provisioned = h.provision(spec);
  ASSERT_EQ(provisioned.exit_code, 0) << provisioned.output;
  ASSERT_TRUE(h.start("server"));
  for (const auto& s : spec.sites) ASSERT_TRUE(h.start(s.name));
  ASSERT_TRUE(h.wait_registered({"site-1", "site-2", "site-3"})) << h.last_status().dump(2);

  // 3 (mutual). site-1 and site-2 distrust site-3 (debug guest); the largest all-trust set is
  // {site-1, site-2}, and site-3 is dropped with the rule that decided it.
  auto submitted = h.submit("job-mu", {"site-1", "site-2", "site-3"}, 2, "mutual mode");
  ASSERT_EQ(submitted.exit_code, 0) << submitted.output;
  auto job = h.wait_decided("job-mu");
  ASSERT_TRUE(job) << h.last_status().dump(2);
  EXPECT_EQ(job->value("state", ""), "deployed") << job->dump(2);
  EXPECT_EQ(strings((*job)["sites"]), (std::vector<std::string>{"site-1", "site-2"})) << job->dump(2);
  const auto& excluded = (*job)["excluded"];
  ASSERT_TRUE(excluded.contains("site-3")) << job->dump(2);
  EXPECT_EQ(excluded.size(), 1u) << job->dump(2);
  EXPECT_EQ(excluded["site-3"].value("stage", ""), "peer-trust") << job->dump(2);
  const std::string reason = excluded["site-3"].value("reason", "");
  EXPECT_NE(reason.find("site-1"), std::string::npos) << reason;
  EXPECT_NE(reason.find("site-2"), std::string::npos) << reason;
  // Both members name the same failure; the decision lists it once.
  EXPECT_EQ(excluded["site-3"]["failed"], nlohmann::json::array({"snp.policy.debug"})) << job->dump(2);

  // 4 (scheduler path). Three sites wanted, only two trust each other: min_sites not met.
  submitted = h.submit("job-mu3", {"site-1", "site-2", "site-3"}, 3, "needs three");
  ASSERT_EQ(submitted.exit_code, 0) << submitted.output;
  job = h.wait_decided("job-mu3");
  ASSERT_TRUE(job) << h.last_status().dump(2);
  EXPECT_EQ(job->value("state", ""), "failed") << job->dump(2);
  EXPECT_EQ(job->value("reason", ""), "min_sites not met: 2 site(s) eligible, job needs 3") << job->dump(2);
  EXPECT_TRUE((*job)["sites"].empty());
}

}  // namespace
}  // namespace cchost::runtime_test
