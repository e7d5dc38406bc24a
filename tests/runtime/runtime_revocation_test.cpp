// Revocation and rotation with real processes (issue 13, part 5): `cchost admin revoke` takes
// a site out at once — its next connection is refused and audited, it leaves every job, every
// other site holds the server's signed list and keeps it across a restart, a tampered list
// stops a site — and `ccprovision --rotate` replaces a site's keys: once the server runs with
// its new kit the old key is refused and the new one registers.
#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <thread>
#include <sstream>

#include "runtime_harness.hpp"

namespace cchost::runtime_test {
namespace {

// Every audit entry of `type` in a workspace's audit log.
std::vector<nlohmann::json> audit_entries(const fs::path& workspace, const std::string& type) {
  std::vector<nlohmann::json> out;
  std::istringstream lines(read_text(workspace / "audit.log"));
  for (std::string line; std::getline(lines, line);) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_object() && j.value("type", "") == type) out.push_back(j);
  }
  return out;
}

bool has_refusal(const fs::path& workspace, const std::string& peer, const std::string& kind) {
  for (const auto& e : audit_entries(workspace, "refused"))
    if (e.value("peer", "") == peer && e.value("kind", "") == kind) return true;
  return false;
}

bool wait_until(const std::function<bool()>& done, std::chrono::seconds deadline = std::chrono::seconds(60)) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < until) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return done();
}

CommandResult revoke(RuntimeHarness& h, const std::string& site, const std::string& reason) {
  return h.cchost({"admin", "--kit", h.kit("admin").string(), "--timeout", "10", "revoke", site, "--reason", reason});
}

TEST(RuntimeRevocation, RevokedSiteIsRefusedExcludedAndEverySiteKeepsTheSignedList) {
  RuntimeHarness h("revoke");
  ProjectSpec spec;
  spec.server_policy = lenient_policy();
  spec.sites = {{"site-1", lenient_policy()}, {"site-2", lenient_policy()}, {"site-3", lenient_policy()}};
  ASSERT_EQ(h.provision(spec).exit_code, 0);
  for (const auto* p : {"server", "site-1", "site-2", "site-3"}) ASSERT_TRUE(h.start(p));
  ASSERT_TRUE(h.wait_registered({"site-1", "site-2", "site-3"})) << h.log_tails();

  // Refusals: an unknown site, a missing reason, an admin.
  EXPECT_EQ(revoke(h, "site-9", "x").exit_code, 2);
  EXPECT_EQ(h.cchost({"admin", "--kit", h.kit("admin").string(), "revoke", "site-3"}).exit_code, 2);
  auto not_a_site = revoke(h, "admin", "x");
  EXPECT_EQ(not_a_site.exit_code, 2);
  EXPECT_NE(not_a_site.output.find("only a site can be revoked"), std::string::npos) << not_a_site.output;

  auto revoked = revoke(h, "site-3", "key leaked");
  ASSERT_EQ(revoked.exit_code, 0) << revoked.output << h.log_tails();
  EXPECT_NE(revoked.output.find("revoked site-3 (revocation list serial 1"), std::string::npos) << revoked.output;
  auto again = revoke(h, "site-3", "key leaked");
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_NE(again.output.find("already revoked"), std::string::npos) << again.output;

  // Recorded, quarantined, out of the registry at once.
  const auto recorded = audit_entries(h.workspace("server"), "site.revoked");
  ASSERT_EQ(recorded.size(), 1u);
  EXPECT_EQ(recorded[0].value("site", ""), "site-3");
  EXPECT_EQ(recorded[0].value("reason", ""), "key leaked");
  EXPECT_EQ(recorded[0].value("by", ""), "admin");
  ASSERT_TRUE(h.wait_for([](const nlohmann::json& r) {
    const auto* p = find_participant(r, "site-3");
    return p && p->value("quarantined", false) && !p->value("registered", true);
  })) << h.last_status().dump(2);
  EXPECT_EQ(find_participant(h.last_status(), "site-3")->value("quarantine_reason", ""), "revoked: key leaked");

  // Every other site holds the signed list, and audited taking it; site-3 was sent nothing.
  for (const auto* s : {"site-1", "site-2"}) {
    ASSERT_TRUE(wait_until([&] { return fs::exists(h.workspace(s) / "revocations.json"); })) << s << h.log_tails();
    EXPECT_FALSE(audit_entries(h.workspace(s), "revocation.accepted").empty()) << s;
  }
  EXPECT_FALSE(fs::exists(h.workspace("site-3") / "revocations.json"));

  // Excluded from a new job; the others deploy.
  ASSERT_EQ(h.submit("after-revoke", {"site-1", "site-2", "site-3"}, 2, "payload").exit_code, 0);
  auto job = h.wait_decided("after-revoke");
  ASSERT_TRUE(job) << h.log_tails();
  EXPECT_EQ(job->value("state", ""), "deployed") << job->dump(2);
  EXPECT_EQ(job->value("sites", nlohmann::json::array()), nlohmann::json::array({"site-1", "site-2"}));
  EXPECT_EQ((*job)["excluded"]["site-3"].value("stage", ""), "revocation") << job->dump(2);
  EXPECT_FALSE(fs::exists(h.workspace("site-3") / "jobs" / "after-revoke" / "payload"));

  // Its next connection is refused at the handshake, and audited.
  h.stop("site-3");
  const std::size_t server_log = h.read_log("server").size();
  ASSERT_TRUE(h.start("site-3"));
  ASSERT_TRUE(h.wait_for_log("server", "not in allow-list", server_log)) << h.log_tails();
  ASSERT_TRUE(wait_until([&] { return has_refusal(h.workspace("server"), "site-3", "revoked"); })) << h.log_tails();

  // The list survives a site's restart; a server restart keeps refusing site-3.
  h.stop("site-1");
  const std::size_t site1_log = h.read_log("site-1").size();
  ASSERT_TRUE(h.start("site-1"));
  EXPECT_TRUE(h.wait_for_log("site-1", "holds revocation list serial 1", site1_log)) << h.log_tails();
  h.stop("server");
  const std::size_t restarted = h.read_log("server").size();
  ASSERT_TRUE(h.start("server"));
  ASSERT_TRUE(h.wait_for_log("server", "site-3 is revoked (revocation list serial 1)", restarted)) << h.log_tails();
  ASSERT_TRUE(h.wait_registered({"site-1", "site-2"})) << h.log_tails();
  const auto* p3 = find_participant(h.last_status(), "site-3");
  ASSERT_NE(p3, nullptr);
  EXPECT_TRUE(p3->value("quarantined", false));
  EXPECT_FALSE(p3->value("registered", true));
  EXPECT_EQ(h.cchost({"audit", "verify", (h.workspace("server") / "audit.log").string()}).exit_code, 0);

  // A site whose kept list was changed refuses to start with it.
  h.stop("site-2");
  std::string text = read_text(h.workspace("site-2") / "revocations.json");
  const auto at = text.find("key leaked");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 10, "key leaKed");
  std::ofstream(h.workspace("site-2") / "revocations.json", std::ios::trunc) << text;
  const std::size_t site2_log = h.read_log("site-2").size();
  ASSERT_TRUE(h.start("site-2"));
  EXPECT_TRUE(h.wait_for_log("site-2", "signature does not verify", site2_log)) << h.log_tails();
  EXPECT_TRUE(wait_until([&] { return !h.running("site-2"); }));
}

// A job waiting for the site when it is revoked stops waiting: the site is excluded with stage
// `revocation` (its phase would otherwise wait out a 30 s request timeout) and the job goes on.
TEST(RuntimeRevocation, RunningJobDropsTheRevokedSite) {
  RuntimeHarness h("revoke-running");
  ProjectSpec spec;
  spec.server_policy = lenient_policy();
  spec.request_timeout = "30s";
  spec.sites = {{"site-1", lenient_policy()}, {"site-2", lenient_policy()}, {"site-3", lenient_policy()}};
  ASSERT_EQ(h.provision(spec).exit_code, 0);
  for (const auto* p : {"server", "site-1", "site-2", "site-3"}) ASSERT_TRUE(h.start(p));
  ASSERT_TRUE(h.wait_registered({"site-1", "site-2", "site-3"})) << h.log_tails();
  h.signal("site-3", SIGSTOP);  // it will not answer the job's first phase
  ASSERT_EQ(h.submit("running", {"site-1", "site-2", "site-3"}, 2, "payload").exit_code, 0);
  ASSERT_TRUE(h.wait_for([](const nlohmann::json& r) {
    const auto* j = find_job(r, "running");
    return j && j->value("state", "") == "verifying";
  })) << h.log_tails();
  ASSERT_EQ(revoke(h, "site-3", "compromised").exit_code, 0) << h.log_tails();
  auto job = h.wait_decided("running", std::chrono::seconds(25));
  h.signal("site-3", SIGCONT);
  ASSERT_TRUE(job) << h.log_tails();
  EXPECT_EQ(job->value("state", ""), "deployed") << job->dump(2);
  EXPECT_EQ(job->value("sites", nlohmann::json::array()), nlohmann::json::array({"site-1", "site-2"}));
  EXPECT_EQ((*job)["excluded"]["site-3"].value("stage", ""), "revocation") << job->dump(2);
  EXPECT_EQ((*job)["excluded"]["site-3"].value("reason", ""), "revoked: compromised") << job->dump(2);
}

TEST(RuntimeRevocation, AfterRotationTheOldKeyIsRefusedAndTheNewOneRegisters) {
  RuntimeHarness h("rotate");
  ProjectSpec spec;
  spec.server_policy = lenient_policy();
  spec.sites = {{"site-1", lenient_policy()}, {"site-2", lenient_policy()}};
  // Provision once with the shared state (its simulated CA), then with a private copy, so that
  // rotating here changes no other test's keys.
  ASSERT_EQ(h.provision(spec).exit_code, 0);
  const fs::path state = h.dir() / "state";
  fs::copy(fs::path(CCHOST_BINARY_DIR) / "tests" / "runtime-state", state, fs::copy_options::recursive);
  auto provisioned = h.provision(spec, h.port(), state);
  ASSERT_EQ(provisioned.exit_code, 0) << provisioned.output;
  for (const auto* p : {"server", "site-1", "site-2"}) ASSERT_TRUE(h.start(p));
  ASSERT_TRUE(h.wait_registered({"site-1", "site-2"})) << h.log_tails();
  const std::string old_key = read_text(h.kit("site-1") / "keys" / "curve.public");
  fs::copy(h.kit("site-1"), h.dir() / "old-site-1", fs::copy_options::recursive);

  auto rotated = h.run({(fs::path(CCHOST_BINARY_DIR) / "bin" / "ccprovision").string(), "--project",
                        (h.dir() / "project-kits" / "project.toml").string(), "--out", h.kits().string(),
                        "--plugin-dir", (fs::path(CCHOST_BINARY_DIR) / "plugins").string(), "--state", state.string(),
                        "--rotate", "site-1"});
  ASSERT_EQ(rotated.exit_code, 0) << rotated.output;
  EXPECT_NE(rotated.output.find("rotated site-1"), std::string::npos) << rotated.output;
  const std::string new_key = read_text(h.kit("site-1") / "keys" / "curve.public");
  EXPECT_NE(new_key, old_key);
  EXPECT_NE(read_text(h.kit("server") / "keys" / "participants.toml").find(new_key.substr(0, 40)), std::string::npos);

  // Applied: the server restarts with its new kit (which must still verify against the pin). The old key is refused at the handshake...
  h.stop("server");
  h.stop("site-1");
  ASSERT_TRUE(h.start("server"));
  fs::rename(h.kit("site-1"), h.dir() / "new-site-1");
  fs::rename(h.dir() / "old-site-1", h.kit("site-1"));
  const std::size_t server_log = h.read_log("server").size();
  ASSERT_TRUE(h.start("site-1"));
  ASSERT_TRUE(h.wait_for_log("server", "not in allow-list", server_log)) << h.log_tails();
  ASSERT_TRUE(h.wait_registered({"site-2"})) << h.log_tails();
  // Nothing from site-1 has reached this server process (last_seen 0): its messages never got in.
  EXPECT_EQ(find_participant(h.last_status(), "site-1")->value("last_seen", std::int64_t{-1}), 0) << h.last_status().dump(2);
  // ...and the new one registers (a fresh workspace: the old one's log is signed with the
  // retired audit key).
  h.stop("site-1");
  fs::remove_all(h.kit("site-1"));
  fs::rename(h.dir() / "new-site-1", h.kit("site-1"));
  fs::rename(h.workspace("site-1"), h.dir() / "ws-site-1-old-key");
  const std::size_t before_new_key = h.read_log("server").size();
  ASSERT_TRUE(h.start("site-1"));
  ASSERT_TRUE(h.wait_for_log("server", "registered site-1", before_new_key)) << h.log_tails();
  // site-2 is registered in the registry this server recovered, but a job counts only sites
  // heard from since it started: wait for site-2's first heartbeat to this process (the test
  // used to win that race only while registering site-1 took longer than a heartbeat).
  ASSERT_TRUE(h.wait_for([](const nlohmann::json& report) {
    const auto* site2 = find_participant(report, "site-2");
    return site2 && site2->value("last_seen", std::int64_t{0}) > 0;
  })) << h.last_status().dump(2);
  ASSERT_EQ(h.submit("after-rotation", {"site-1", "site-2"}, 2, "payload").exit_code, 0);
  auto job = h.wait_decided("after-rotation");
  ASSERT_TRUE(job) << h.log_tails();
  EXPECT_EQ(job->value("state", ""), "deployed") << job->dump(2);
}

}  // namespace
}  // namespace cchost::runtime_test
