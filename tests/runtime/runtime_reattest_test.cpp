// Re-attestation (issue 5): the server challenges every registered site on its interval; a
// site that fails (here: cannot answer, frozen with SIGSTOP) is quarantined — marked in status
// and excluded from new deployments — or, with on_failure = "shutdown", told to shut down.
#include <gtest/gtest.h>

#include <csignal>

#include "runtime_harness.hpp"

namespace cchost::runtime_test {
namespace {

std::string with_on_failure(std::string policy, const std::string& on_failure) {
  const std::string marker = "[policy]\n";
  policy.insert(policy.find(marker) + marker.size(), "on_failure = \"" + on_failure + "\"\n");
  return policy;
}

bool quarantined(const nlohmann::json& report, const std::string& site) {
  const auto* p = find_participant(report, site);
  return p && p->value("quarantined", false);
}

void start_cluster(RuntimeHarness& h, const std::string& server_policy) {
  ProjectSpec spec;
  spec.server_policy = server_policy;
  spec.sites = {{"site-1", lenient_policy(), false}, {"site-2", lenient_policy(), false}};
  auto provisioned = h.provision(spec);
  ASSERT_EQ(provisioned.exit_code, 0) << provisioned.output;
  ASSERT_TRUE(h.start("server", {"--reattest-seconds", "1"}));
  ASSERT_TRUE(h.start("site-1"));
  ASSERT_TRUE(h.start("site-2"));
  ASSERT_TRUE(h.wait_registered({"site-1", "site-2"})) << h.log_tails();
}

TEST(RuntimeReattest, UnansweredChallengeQuarantinesAndExcludesFromNewJobs) {
  RuntimeHarness h("reattest");
  start_cluster(h, lenient_policy());
  const std::int64_t before = unix_now();
  h.signal("site-2", SIGSTOP);
  ASSERT_TRUE(h.wait_for([](const nlohmann::json& r) { return quarantined(r, "site-2"); })) << h.log_tails();
  const auto* p2 = find_participant(h.last_status(), "site-2");
  ASSERT_NE(p2, nullptr);
  EXPECT_NE(p2->value("quarantine_reason", std::string()).find("no answer to re-attestation"), std::string::npos)
      << p2->dump();
  // site-1 keeps passing its re-attestations and is not quarantined.
  ASSERT_TRUE(h.wait_for([&](const nlohmann::json& r) {
    const auto* p1 = find_participant(r, "site-1");
    return p1 && p1->value("last_attested_at", std::int64_t{0}) > before && !quarantined(r, "site-1");
  })) << h.last_status().dump(2);

  ASSERT_EQ(h.submit("after-quarantine", {"site-1", "site-2"}, 1, "payload").exit_code, 0);
  auto job = h.wait_decided("after-quarantine");
  ASSERT_TRUE(job) << h.log_tails();
  EXPECT_EQ(job->value("state", ""), "deployed") << job->dump(2);
  EXPECT_EQ(job->value("sites", nlohmann::json::array()), nlohmann::json::array({"site-1"}));
  EXPECT_EQ((*job)["excluded"]["site-2"].value("stage", ""), "quarantine") << job->dump(2);
  h.signal("site-2", SIGCONT);
  EXPECT_EQ(h.cchost({"audit", "verify", (h.workspace("server") / "audit.log").string()}).exit_code, 0);
}

TEST(RuntimeReattest, ShutdownPolicyStopsTheFailingSite) {
  RuntimeHarness h("reattest-shutdown");
  start_cluster(h, with_on_failure(lenient_policy(), "shutdown"));
  h.signal("site-2", SIGSTOP);
  ASSERT_TRUE(h.wait_for([](const nlohmann::json& r) { return quarantined(r, "site-2"); })) << h.log_tails();
  h.signal("site-2", SIGCONT);
  // The push, or failing that the next heartbeat's reply, tells site-2 to shut down.
  ASSERT_TRUE(h.wait_for_log("site-2", "shutting down")) << h.log_tails();
  // Exit status 3 is set before the loop stops, so it holds even if our SIGTERM lands too.
  EXPECT_EQ(h.stop("site-2"), 3) << "a policy-mandated shutdown exits with status 3";
  EXPECT_TRUE(h.running("site-1"));
}

}  // namespace
}  // namespace cchost::runtime_test
