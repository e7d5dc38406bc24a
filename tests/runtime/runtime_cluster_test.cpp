// One server and three sites as real processes (issue 5 "Tests"): the happy path, a server
// restart that loses no decision, an unprovisioned CURVE key, a site killed mid-deployment and
// min_sites. Every assertion reads the server's decision table, not just exit codes.
#include <signal.h>

#include <gtest/gtest.h>

#include <thread>

#include "runtime_harness.hpp"

namespace cchost::runtime_test {
namespace {

const std::vector<std::string> kSites = {"site-1", "site-2", "site-3"};

ProjectSpec three_lenient_sites(const std::string& peer_trust) {
  ProjectSpec spec;
  spec.server_policy = lenient_policy(peer_trust);
  for (const auto& s : kSites) spec.sites.push_back({s, lenient_policy(), false});
  return spec;
}

// Provisions and starts the server and every site, and waits until all are registered.
void start_cluster(RuntimeHarness& h, const ProjectSpec& spec) {
  auto provisioned = h.provision(spec);
  ASSERT_EQ(provisioned.exit_code, 0) << provisioned.output;
  ASSERT_TRUE(h.start("server"));
  for (const auto& s : spec.sites) ASSERT_TRUE(h.start(s.name));
}

std::vector<std::string> strings(const nlohmann::json& a) { return a.get<std::vector<std::string>>(); }

void expect_audit_chain_verifies(RuntimeHarness& h) {
  auto verify = h.cchost({"audit", "verify", (h.workspace("server") / "audit.log").string()});
  EXPECT_EQ(verify.exit_code, 0) << verify.output;
}

// Waits until every site holds the payload (sites store it after the decision) and checks
// that its bytes are the submitted ones.
void expect_payload_everywhere(RuntimeHarness& h, const std::string& job, const std::vector<std::string>& sites,
                               const std::string& payload) {
  for (const auto& s : sites) {
    const auto path = h.workspace(s) / "jobs" / job / "payload";
    for (int i = 0; i < 300 && !fs::exists(path); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    ASSERT_TRUE(fs::exists(path)) << s << " never stored the payload of " << job;
    EXPECT_EQ(read_text(path), payload) << s << "'s copy of " << job << " differs";
  }
}

TEST(RuntimeCluster, HappyPathSurvivesServerRestartAndRefusesUnknownKeys) {
  RuntimeHarness h("happy");
  ASSERT_NO_FATAL_FAILURE(start_cluster(h, three_lenient_sites("decline")));
  ASSERT_TRUE(h.wait_registered(kSites)) << h.last_status().dump(2);

  // 1. Happy path: every site deployed, identical payload bytes, the audit chain verifies.
  const std::string payload1 = std::string("job one payload\0with a NUL", 26);
  auto submitted = h.submit("job-1", kSites, 3, payload1);
  ASSERT_EQ(submitted.exit_code, 0) << submitted.output;
  auto job1 = h.wait_decided("job-1");
  ASSERT_TRUE(job1) << h.last_status().dump(2);
  EXPECT_EQ(job1->value("state", ""), "deployed") << job1->dump(2);
  EXPECT_EQ(strings((*job1)["sites"]), kSites) << job1->dump(2);
  EXPECT_TRUE((*job1)["excluded"].empty()) << job1->dump(2);
  ASSERT_NO_FATAL_FAILURE(expect_payload_everywhere(h, "job-1", kSites, payload1));
  expect_audit_chain_verifies(h);

  // 6. Server restart: SIGTERM ends it cleanly; the restarted server reloads its state.
  // While the sites are frozen, a job finds them registered (recovered) but not reconnected:
  // they are excluded at once with that reason, not after a challenge timeout.
  EXPECT_EQ(h.stop("server"), 0) << h.read_log("server");
  for (const auto& s : kSites) h.signal(s, SIGSTOP);
  const std::size_t log_before_restart = h.read_log("server").size();
  ASSERT_TRUE(h.start("server"));
  ASSERT_TRUE(h.wait_for_log("server", "listening on", log_before_restart)) << h.read_log("server");
  submitted = h.submit("job-r", kSites, 1, "while the sites are frozen");
  ASSERT_EQ(submitted.exit_code, 0) << submitted.output;
  auto job_r = h.wait_decided("job-r");
  for (const auto& s : kSites) h.signal(s, SIGCONT);
  ASSERT_TRUE(job_r) << h.last_status().dump(2);
  EXPECT_EQ(job_r->value("state", ""), "failed") << job_r->dump(2);
  EXPECT_EQ(job_r->value("reason", "").rfind("min_sites not met: 0", 0), 0u) << job_r->dump(2);
  for (const auto& s : kSites) {
    EXPECT_EQ((*job_r)["excluded"][s].value("stage", ""), "registration") << job_r->dump(2);
    EXPECT_EQ((*job_r)["excluded"][s].value("reason", ""), "not reconnected since the server started") << job_r->dump(2);
  }
  // Thawed, the sites notice the new session on their heartbeat and register again by
  // themselves (the restarted server's log says so: its status alone still shows the
  // registrations it recovered from the workspace).
  for (const auto& s : kSites)
    ASSERT_TRUE(h.wait_for_log("server", "server: registered " + s, log_before_restart)) << h.read_log("server");
  ASSERT_TRUE(h.wait_registered(kSites)) << h.last_status().dump(2);
  const auto* job1_after = find_job(h.last_status(), "job-1");
  ASSERT_NE(job1_after, nullptr) << "job-1 lost across the restart: " << h.last_status().dump(2);
  EXPECT_EQ(job1_after->value("state", ""), "deployed");
  EXPECT_EQ((*job1_after)["sites"], (*job1)["sites"]);
  EXPECT_EQ(job1_after->value("decided_at", std::int64_t{0}), job1->value("decided_at", std::int64_t{-1}));
  EXPECT_EQ(job1_after->value("attempts", 0), job1->value("attempts", -1));

  const std::string payload2 = "job two, after the restart";
  submitted = h.submit("job-2", kSites, 3, payload2);
  ASSERT_EQ(submitted.exit_code, 0) << submitted.output;
  auto job2 = h.wait_decided("job-2");
  ASSERT_TRUE(job2) << h.last_status().dump(2);
  EXPECT_EQ(job2->value("state", ""), "deployed") << job2->dump(2);
  EXPECT_EQ(strings((*job2)["sites"]), kSites);
  ASSERT_NO_FATAL_FAILURE(expect_payload_everywhere(h, "job-2", kSites, payload2));
  expect_audit_chain_verifies(h);
  // A second submit of a decided id is refused, not re-run.
  submitted = h.submit("job-1", kSites, 3, "again");
  EXPECT_NE(submitted.exit_code, 0);
  EXPECT_NE(submitted.output.find("already exists"), std::string::npos) << submitted.output;

  // 7. A client whose CURVE key the server's kit does not list cannot talk to it. The rogue
  // kit is signed by the same project root and knows the real server key (so the CURVE
  // handshake reaches ZAP); only its own key is unprovisioned.
  const fs::path rogue_state = h.dir() / "rogue-state";
  fs::create_directories(rogue_state / "curve");
  const fs::path shared_state = fs::path(CCHOST_BINARY_DIR) / "tests" / "runtime-state";
  fs::copy_file(shared_state / "root.key", rogue_state / "root.key");
  for (const char* f : {"server.secret", "server.public"})
    fs::copy_file(shared_state / "curve" / f, rogue_state / "curve" / f);
  ProjectSpec rogue;
  rogue.simulate = false;
  rogue.server_policy = "[policy]\nname = \"rogue\"\nrequire = []\naccept_unattested = true\n";
  rogue.sites.push_back({"intruder-site", "[policy]\nname = \"rogue site\"\nrequire = []\naccept_unattested = true\n", false});
  auto rogue_kits = h.provision(rogue, h.port(), rogue_state, "rogue-kits");
  ASSERT_EQ(rogue_kits.exit_code, 0) << rogue_kits.output;
  EXPECT_NE(read_text(h.dir() / "rogue-kits/admin/keys/curve.public"), read_text(h.kit("admin") / "keys/curve.public"));
  auto refused = h.status(h.dir() / "rogue-kits" / "admin", 3);
  EXPECT_FALSE(refused) << "an unprovisioned key got a status report: " << refused->dump();
  EXPECT_NE(h.read_log("server").find("zap: denied"), std::string::npos) << "no ZAP denial logged";
  // The legitimate admin still gets answers.
  EXPECT_TRUE(h.status());
}

TEST(RuntimeCluster, KilledSiteIsExcludedAfterTimeoutAndMinSitesDecides) {
  RuntimeHarness h("killed");
  ASSERT_NO_FATAL_FAILURE(start_cluster(h, three_lenient_sites("decline")));
  ASSERT_TRUE(h.wait_registered(kSites)) << h.last_status().dump(2);

  // 5. site-3 dies as the job starts: frozen before the submit (so it cannot answer the
  // challenge however fast it is), then SIGKILLed. The server still counts it registered,
  // asks it for its contribution to the job nonce (PROTOCOL.md v2), waits request_timeout (3 s)
  // and excludes it; min_sites 2 lets the job go on.
  h.signal("site-3", SIGSTOP);
  auto submitted = h.submit("job-k", kSites, 2, "survivors only");
  h.signal("site-3", SIGKILL);
  ASSERT_EQ(submitted.exit_code, 0) << submitted.output;
  auto job = h.wait_decided("job-k");
  ASSERT_TRUE(job) << h.last_status().dump(2);
  EXPECT_EQ(job->value("state", ""), "deployed") << job->dump(2);
  EXPECT_EQ(strings((*job)["sites"]), (std::vector<std::string>{"site-1", "site-2"})) << job->dump(2);
  ASSERT_TRUE((*job)["excluded"].contains("site-3")) << job->dump(2);
  EXPECT_EQ((*job)["excluded"]["site-3"].value("stage", ""), "contribution") << job->dump(2);
  EXPECT_NE((*job)["excluded"]["site-3"].value("reason", "").find("no reply from site-3"), std::string::npos) << job->dump(2);
  ASSERT_NO_FATAL_FAILURE(expect_payload_everywhere(h, "job-k", {"site-1", "site-2"}, "survivors only"));
  EXPECT_FALSE(fs::exists(h.workspace("site-3") / "jobs" / "job-k" / "payload"));

  // 4. min_sites not met: with site-3 gone only two sites can pass, the job needs three.
  submitted = h.submit("job-m", kSites, 3, "needs three");
  ASSERT_EQ(submitted.exit_code, 0) << submitted.output;
  job = h.wait_decided("job-m");
  ASSERT_TRUE(job) << h.last_status().dump(2);
  EXPECT_EQ(job->value("state", ""), "failed") << job->dump(2);
  EXPECT_EQ(job->value("reason", "").rfind("min_sites not met", 0), 0u) << job->dump(2);
  EXPECT_NE(job->value("reason", "").find("job needs 3"), std::string::npos) << job->dump(2);
  EXPECT_TRUE((*job)["sites"].empty()) << job->dump(2);
  EXPECT_TRUE((*job)["excluded"].contains("site-3")) << job->dump(2);
  EXPECT_FALSE(fs::exists(h.workspace("site-1") / "jobs" / "job-m" / "payload"));
  expect_audit_chain_verifies(h);
}

}  // namespace
}  // namespace cchost::runtime_test
