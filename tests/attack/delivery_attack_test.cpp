// A failed delivery is never reported as "deployed" (issue 9, defect 4): site-2 drops the
// deploy, or acknowledges another digest. Only an ack naming the payload's SHA-256 counts; the
// per-site state names the reason; a server restarted mid-delivery resumes it instead of
// showing the job deployed; job.submitted records the payload's real SHA-256.
#include <signal.h>

#include <gtest/gtest.h>

#include "attack_cluster.hpp"
#include "cchost/crypto/encoding.hpp"
#include "cchost/crypto/hash.hpp"

namespace cchost::attack_test {
namespace {

const std::vector<std::string> kPair = {"site-1", "site-2"};

bool starts_with(const std::string& text, const std::string& prefix) { return text.rfind(prefix, 0) == 0; }

std::string delivery_state(const nlohmann::json& job, const std::string& site) {
  auto d = job.value("delivery", nlohmann::json::object());
  return d.contains(site) ? d[site].value("state", std::string()) : std::string("(none)");
}

WireSite::Behaviour dropping_deploy() {
  return [](WireSite& me, const net::Message& m) -> std::optional<net::Message> {
    if (m.type == "deploy") return std::nullopt;
    return me.honest(m);
  };
}

TEST(AttackDelivery, DroppedDeployOrWrongDigestIsNotDeployed) {
  AttackCluster c("deliver");
  ASSERT_NO_FATAL_FAILURE(c.start());

  // 1. Dropped: retried until the delivery deadline, then excluded with the reason.
  c.site2->set_behaviour(dropping_deploy());
  const std::string payload = "the payload whose digest counts";
  auto job = c.run_job("job-drop", kPair, 1, payload);
  ASSERT_FALSE(job.empty());
  EXPECT_EQ(job.value("state", ""), "deployed") << job.dump(2);
  EXPECT_EQ(sites_of(job), std::vector<std::string>{"site-1"}) << job.dump(2);
  EXPECT_EQ(delivery_state(job, "site-1"), "deployed") << job.dump(2);
  EXPECT_EQ(delivery_state(job, "site-2"), "failed") << job.dump(2);
  EXPECT_EQ(stage_of(job, "site-2"), "delivery") << job.dump(2);
  EXPECT_TRUE(starts_with(reason_of(job, "site-2"), "delivery: no ack")) << job.dump(2);
  EXPECT_GE(c.site2->pushes_of("deploy"), 2u) << "delivery was not retried within the deadline";
  const std::string digest = crypto::hex_encode(crypto::sha256(as_bytes(payload)));
  EXPECT_EQ(job.value("payload_sha256", ""), digest);
  const std::string audit = c.audit();
  EXPECT_NE(audit.find("\"payload_sha256\":\"" + digest + "\""), std::string::npos) << "job.submitted lacks the digest";
  EXPECT_EQ(audit.find("payload_sha256_size"), std::string::npos);
  EXPECT_NE(audit.find("job.deploy_failed"), std::string::npos);
  EXPECT_NE(audit.find("delivery: no ack"), std::string::npos) << "job.deploy_failed has no reason";

  // 2. An ack with another digest is a failed delivery too.
  c.site2->set_behaviour([](WireSite& me, const net::Message& m) -> std::optional<net::Message> {
    auto answer = me.honest(m);
    if (m.type == "deploy") answer->body["payload_sha256"] = std::string(64, 'a');
    return answer;
  });
  job = c.run_job("job-sha", kPair, 1);
  ASSERT_FALSE(job.empty());
  EXPECT_EQ(job.value("state", ""), "deployed") << job.dump(2);
  EXPECT_EQ(sites_of(job), std::vector<std::string>{"site-1"}) << job.dump(2);
  EXPECT_EQ(delivery_state(job, "site-2"), "failed") << job.dump(2);
  EXPECT_TRUE(starts_with(reason_of(job, "site-2"), "delivery: sha256 mismatch")) << job.dump(2);

  // 3. Too few acknowledgements for min_sites: the job fails, saying so.
  c.site2->set_behaviour(dropping_deploy());
  job = c.run_job("job-min", kPair, 2);
  ASSERT_FALSE(job.empty());
  EXPECT_EQ(job.value("state", ""), "failed") << job.dump(2);
  EXPECT_TRUE(starts_with(job.value("reason", ""), "delivery: 1 of 2 site(s) acknowledged")) << job.dump(2);
  auto verify = c.h.cchost({"audit", "verify", (c.h.workspace("server") / "audit.log").string()});
  EXPECT_EQ(verify.exit_code, 0) << verify.output;
}

TEST(AttackDelivery, UnacknowledgedDeliveryIsResumedAfterRestartNotShownDeployed) {
  AttackCluster c("restart");
  ASSERT_NO_FATAL_FAILURE(c.start());
  c.site2->set_behaviour(dropping_deploy());
  auto submitted = c.h.submit("job-r", kPair, 1, "delivered after the restart");
  ASSERT_EQ(submitted.exit_code, 0) << submitted.output;
  // Wait until site-1 has acknowledged and site-2 has been sent the payload (and dropped it).
  ASSERT_TRUE(c.h.wait_for([&](const nlohmann::json& report) {
    const auto* j = runtime_test::find_job(report, "job-r");
    return j && j->value("state", "") == "delivering" && delivery_state(*j, "site-1") == "deployed" &&
           c.site2->pushes_of("deploy") >= 1;
  })) << c.h.last_status().dump(2);
  c.h.signal("server", SIGKILL);
  const std::size_t log_before = c.h.read_log("server").size();
  ASSERT_TRUE(c.h.start("server"));
  ASSERT_TRUE(c.h.wait_for_log("server", "listening on", log_before)) << c.h.read_log("server");
  auto report = c.h.status();
  ASSERT_TRUE(report) << c.h.log_tails();
  const auto* after = runtime_test::find_job(*report, "job-r");
  ASSERT_NE(after, nullptr) << report->dump(2);
  EXPECT_NE(after->value("state", ""), "deployed") << "shown deployed without site-2's ack: " << after->dump(2);
  EXPECT_NE(delivery_state(*after, "site-2"), "deployed") << after->dump(2);

  // site-2 comes back honest: the resumed delivery reaches it and is acknowledged.
  c.site2->set_behaviour([](WireSite& me, const net::Message& m) { return me.honest(m); });
  auto again = c.site2->register_now();
  ASSERT_TRUE(again && *again) << c.h.log_tails();
  auto job = c.h.wait_decided("job-r", std::chrono::seconds(90));
  ASSERT_TRUE(job) << c.h.last_status().dump(2);
  EXPECT_EQ(job->value("state", ""), "deployed") << job->dump(2);
  EXPECT_EQ(sites_of(*job), kPair) << job->dump(2);
  EXPECT_EQ(delivery_state(*job, "site-2"), "deployed") << job->dump(2);
}

}  // namespace
}  // namespace cchost::attack_test
