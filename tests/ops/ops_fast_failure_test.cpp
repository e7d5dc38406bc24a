// Issue 9, defect 8: fast, honest failure. Real `cchost run` server and sites, real `cchost
// admin`, on free loopback ports (tests/runtime/runtime_harness.*).
#include <gtest/gtest.h>
#include <signal.h>

#include <thread>

#include "cchost/attest/bundle.hpp"
#include "cchost/crypto/encoding.hpp"
#include "cchost/crypto/random.hpp"
#include "cchost/job/identity_key.hpp"
#include "cchost/kit/kit.hpp"
#include "in_process_site.hpp"
#include "ops_support.hpp"
#include "runtime_harness.hpp"

namespace cchost::runtime_test {
namespace {

using ops_test::KitClient;

ProjectSpec two_sites(const std::string& request_timeout) {
  ProjectSpec spec;
  spec.server_policy = lenient_policy();
  spec.sites = {{"site-1", lenient_policy(), false}, {"site-2", lenient_policy(), false}};
  spec.request_timeout = request_timeout;
  return spec;
}

// Provisions a server and two sites, starts them and waits until both are registered.
::testing::AssertionResult two_sites_running(RuntimeHarness& h, const std::string& request_timeout) {
  auto p = h.provision(two_sites(request_timeout));
  if (p.exit_code != 0) return ::testing::AssertionFailure() << p.output;
  for (const char* who : {"server", "site-1", "site-2"})
    if (!h.start(who)) return ::testing::AssertionFailure() << "cannot start " << who;
  if (!h.wait_registered({"site-1", "site-2"})) return ::testing::AssertionFailure() << h.log_tails();
  return ::testing::AssertionSuccess();
}

TEST(OpsFastFailure, ChallengeToADisconnectedSiteFailsAtOnceWithTheReason) {
  RuntimeHarness h("ops-unreachable");
  // A long request timeout: waiting it out would take far longer than the decision may.
  ASSERT_TRUE(two_sites_running(h, "120s"));
  h.signal("site-2", SIGKILL);  // the kernel closes its connection; the server's route to it is dead
  std::this_thread::sleep_for(std::chrono::seconds(1));
  ASSERT_EQ(h.submit("j1", {"site-1", "site-2"}, 1, "payload").exit_code, 0);
  // Hang guard well under request_timeout (120 s): before the fix this waited all of it.
  auto job = h.wait_decided("j1", std::chrono::seconds(60));
  ASSERT_TRUE(job) << h.log_tails();
  EXPECT_EQ(job->value("state", ""), "deployed") << job->dump(2);
  const auto& why = (*job)["excluded"]["site-2"];
  // The first push of a job attempt is the contribution round (PROTOCOL.md v2).
  EXPECT_EQ(why.value("stage", ""), "contribution") << job->dump(2);
  const std::string reason = why.value("reason", "");
  EXPECT_NE(reason.find("cannot send contribute to site-2"), std::string::npos) << reason;
  EXPECT_NE(reason.find("unreachable"), std::string::npos) << reason;  // ZeroMQ's "Host unreachable"
  EXPECT_EQ(reason.find("no reply"), std::string::npos) << reason;
}

// Issue 14, liveness: a hung host (SIGSTOP) keeps its TCP connection, so ZeroMQ reports
// nothing and, before this, the job waited the whole request timeout for it while status said
// "registered yes". Now it turns unreachable after missed heartbeats and is excluded at once.
TEST(OpsFastFailure, ASiteThatStoppedHeartbeatingIsUnreachableAndExcludedAtOnce) {
  RuntimeHarness h("ops-silent");
  ASSERT_TRUE(two_sites_running(h, "120s"));
  auto reachable = [](const nlohmann::json& report, const std::string& site) {
    for (const auto& q : report.value("participants", nlohmann::json::array()))
      if (q.value("name", "") == site) return q.value("reachable", true);
    return true;
  };
  auto beating = [](const nlohmann::json& report, const std::string& site) {
    for (const auto& q : report.value("participants", nlohmann::json::array()))
      if (q.value("name", "") == site) return q.value("heartbeat_ms", 0) == 500 && q.value("reachable", false);
    return false;
  };
  ASSERT_TRUE(h.wait_for([&](const nlohmann::json& r) { return beating(r, "site-2"); })) << h.last_status().dump(2);
  h.signal("site-2", SIGSTOP);
  // Heartbeats every 500 ms: unreachable once 3 are missed and 5 s have passed (hang guard 30 s).
  const bool turned = h.wait_for([&](const nlohmann::json& r) { return !reachable(r, "site-2"); },
                                 std::chrono::seconds(30));
  EXPECT_TRUE(turned) << h.last_status().dump(2);
  EXPECT_TRUE(reachable(h.last_status(), "site-1")) << h.last_status().dump(2);
  ASSERT_EQ(h.submit("j-silent", {"site-1", "site-2"}, 1, "payload").exit_code, 0);
  // Hang guard well under request_timeout (120 s), which the job waited out before.
  auto job = h.wait_decided("j-silent", std::chrono::seconds(60));
  h.signal("site-2", SIGCONT);
  ASSERT_TRUE(job) << h.log_tails();
  EXPECT_EQ(job->value("state", ""), "deployed") << job->dump(2);
  const auto& why = (*job)["excluded"]["site-2"];
  EXPECT_EQ(why.value("stage", ""), "liveness") << job->dump(2);
  EXPECT_NE(why.value("reason", "").find("unreachable: no message for"), std::string::npos) << job->dump(2);
  // Once it runs again its heartbeats make it reachable again.
  EXPECT_TRUE(h.wait_for([&](const nlohmann::json& r) { return reachable(r, "site-2"); }, std::chrono::seconds(30)))
      << h.last_status().dump(2);
}

// Issue 16, idle cost: the server paces its sites so that together they send at most its
// heartbeat budget a second. Budget 1 with two sites asks each for 2000 ms: site-1 (500 ms of
// its own) follows, site-2 (3000 ms of its own, longer) keeps its own; each announces what it
// uses, so both stay reachable.
TEST(OpsFastFailure, TheServerPacesHeartbeatsToItsBudget) {
  RuntimeHarness h("ops-pacing");
  auto p = h.provision(two_sites("5s"));
  ASSERT_EQ(p.exit_code, 0) << p.output;
  ASSERT_TRUE(h.start("server", {"--heartbeat-budget", "1"}));
  ASSERT_TRUE(h.start("site-1"));
  h.heartbeat_ms = 3000;
  ASSERT_TRUE(h.start("site-2"));
  ASSERT_TRUE(h.wait_registered({"site-1", "site-2"})) << h.log_tails();
  auto announced = [](const nlohmann::json& report, const std::string& site) {
    for (const auto& q : report.value("participants", nlohmann::json::array()))
      if (q.value("name", "") == site) return q.value("heartbeat_ms", 0);
    return 0;
  };
  EXPECT_TRUE(h.wait_for([&](const nlohmann::json& r) { return announced(r, "site-1") == 2000 && announced(r, "site-2") == 3000; },
                         std::chrono::seconds(30)))
      << h.last_status().dump(2);
  EXPECT_TRUE(h.wait_for_log("site-1", "heartbeat every 2000 ms (paced by the server)")) << h.log_tails();
  for (const char* site : {"site-1", "site-2"}) {
    const auto* q = find_participant(h.last_status(), site);
    ASSERT_TRUE(q) << site;
    EXPECT_TRUE(q->value("reachable", false)) << h.last_status().dump(2);
  }
}

TEST(OpsFastFailure, RejectedReRegistrationIsNotShownAsRegistered) {
  RuntimeHarness h("ops-rereg");
  auto p = h.provision(two_sites("5s"));
  ASSERT_EQ(p.exit_code, 0) << p.output;
  ASSERT_TRUE(h.start("server"));
  ASSERT_TRUE(h.start("site-1"));
  ASSERT_TRUE(h.wait_registered({"site-1"})) << h.log_tails();
  h.stop("site-1");  // else its next heartbeat would register it again at once

  // Re-register with site-1's own keys and real evidence, bound to a nonce the server never
  // issued: the server must reject it, and then not call site-1 registered.
  auto k = kit::load_kit(h.kit("site-1"));
  ASSERT_TRUE(k) << k.message();
  auto t = make_authorizer_template(*k);
  ASSERT_TRUE(t) << t.message();
  auto raw = job::z85_key_bytes(k->curve_public);
  ASSERT_TRUE(raw);
  auto attestor = make_attestor(*t, "site-1", *raw, k->policy_path);
  ASSERT_TRUE(attestor) << attestor.message();
  auto client = KitClient::open(h.kit("site-1"));
  ASSERT_TRUE(client) << client.message();
  auto challenge = (*client)->request(
      net::make_message("register", "site-1", {{"client_nonce", crypto::hex_encode(crypto::random_bytes(32))}}),
      std::chrono::seconds(10));
  ASSERT_TRUE(challenge) << challenge.message();
  ASSERT_EQ(challenge->type, "register.challenge");
  auto bundle = (*attestor)->produce(crypto::random_bytes(32));
  ASSERT_TRUE(bundle) << bundle.message();
  auto evidence = net::make_message("register.evidence", "site-1", {{"bundle", attest::bundle_header(*bundle)}});
  evidence.blobs = attest::bundle_blobs(*bundle);
  auto result = (*client)->request(std::move(evidence), std::chrono::seconds(10));
  ASSERT_TRUE(result) << result.message();
  ASSERT_EQ(result->type, "register.result");
  EXPECT_FALSE(result->body.value("accepted", true));

  auto report = h.status();
  ASSERT_TRUE(report);
  const auto* site = find_participant(*report, "site-1");
  ASSERT_NE(site, nullptr);
  EXPECT_FALSE(site->value("registered", true)) << site->dump();
  EXPECT_FALSE(site->value("last_accept", true));
  auto text = h.cchost({"admin", "--kit", h.kit("admin").string(), "status"});
  EXPECT_EQ(text.exit_code, 0) << text.output;
  const auto row = text.output.find("site-1");
  ASSERT_NE(row, std::string::npos) << text.output;
  EXPECT_EQ(text.output.substr(row, text.output.find('\n', row) - row).find(" yes "), std::string::npos) << text.output;
}

TEST(OpsFastFailure, AdminStatusSaysWhenEachSiteWasLastHeardFrom) {
  RuntimeHarness h("ops-lastseen");
  auto p = h.provision(two_sites("5s"));
  ASSERT_EQ(p.exit_code, 0) << p.output;
  ASSERT_TRUE(h.start("server"));
  ASSERT_TRUE(h.start("site-1"));
  ASSERT_TRUE(h.wait_registered({"site-1"})) << h.log_tails();
  auto report = h.status();
  ASSERT_TRUE(report);
  const auto* site = find_participant(*report, "site-1");
  ASSERT_NE(site, nullptr);
  ASSERT_TRUE(site->contains("last_seen")) << site->dump();
  const auto seen = site->value("last_seen", std::int64_t{0});
  const auto now = report->value("now", std::int64_t{0});
  EXPECT_GT(seen, 0);
  EXPECT_LE(seen, now);
  EXPECT_GE(seen, now - 30);  // heartbeats every 500 ms: generous
  auto text = h.cchost({"admin", "--kit", h.kit("admin").string(), "status"});
  EXPECT_EQ(text.exit_code, 0) << text.output;
  EXPECT_NE(text.output.find("last seen"), std::string::npos) << text.output;
  EXPECT_NE(text.output.find("s ago"), std::string::npos) << text.output;
}

TEST(OpsFastFailure, UnreachableServerHasItsOwnExitCode) {
  RuntimeHarness h("ops-noserver");
  auto p = h.provision(two_sites("5s"));
  ASSERT_EQ(p.exit_code, 0) << p.output;
  // No server is started. --timeout 120: the connect deadline (5 s by default) must tell first;
  // the harness kills it (exit -1) after 60 s.
  auto r = h.cchost({"admin", "--kit", h.kit("admin").string(), "--timeout", "120", "status"}, std::chrono::seconds(60));
  EXPECT_EQ(r.exit_code, 3) << r.output;
  EXPECT_NE(r.output.find("unreachable"), std::string::npos) << r.output;
  auto submit = h.cchost({"admin", "--kit", h.kit("admin").string(), "--connect-timeout", "1", "status", "--json"},
                         std::chrono::seconds(60));
  EXPECT_EQ(submit.exit_code, 3) << submit.output;
  // A usage error is still 2.
  EXPECT_EQ(h.cchost({"admin", "--kit", h.kit("admin").string(), "--no-such-option", "status"}).exit_code, 2);
  auto help = h.cchost({"admin", "--help"});
  EXPECT_NE(help.output.find("3 server unreachable"), std::string::npos) << help.output;
}

}  // namespace
}  // namespace cchost::runtime_test
