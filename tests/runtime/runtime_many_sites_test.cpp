// A job for more sites than one net message's default frame budget: peer_verify carries one
// frame per peer token, and before the site raised its limit a 16-site job was dropped by
// every site (16 frames max) and failed on timeouts. Sites are threads here (cheap); the
// server, sites, sockets, plugin and policy are the real ones.
#include <gtest/gtest.h>

#include "cchost/kit/kit.hpp"
#include "in_process_cluster.hpp"
#include "runtime_harness.hpp"

namespace cchost::runtime_test {
namespace {

TEST(RuntimeManySites, SixteenSitePeerVerificationDeploysToAll) {
  RuntimeHarness h("many");
  ProjectSpec spec;
  spec.server_policy = lenient_policy();
  spec.sites = {{"site-1", lenient_policy(), false}};
  auto provisioned = h.provision(spec);
  ASSERT_EQ(provisioned.exit_code, 0) << provisioned.output;
  auto k = kit::load_kit(h.kit("site-1"));
  ASSERT_TRUE(k) << k.message();
  auto t = make_authorizer_template(*k);
  ASSERT_TRUE(t) << t.message();

  // Two appraisal workers, as `cchost run` has on two cores: the votes come back from them.
  auto run = run_in_process_deployment(16, *t, k->policy_path, h.dir() / "cluster", 1, 2);
  ASSERT_TRUE(run) << run.message();
  EXPECT_EQ(run->rejected_registrations, 0);
  ASSERT_EQ(run->jobs.size(), 1u);
  const auto& job = run->jobs[0];
  EXPECT_EQ(job.state, "deployed") << job.decision.dump(2);
  EXPECT_EQ(job.deployed_sites, 16u) << job.decision.dump(2);
  EXPECT_TRUE(job.decision.value("excluded", nlohmann::json::object()).empty()) << job.decision.dump(2);
  // Every site appraised the server and its 15 peers, and the server every site.
  EXPECT_EQ(job.appraisals, 16 + 16 * 16);
}

}  // namespace
}  // namespace cchost::runtime_test
