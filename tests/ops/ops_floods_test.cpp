// Issue 9, defect 7: floods. A site's own keys flooding `register`, unauthenticated handshakes,
// wrong-role and spoofed-sender messages, and a site the server keeps rejecting. Real `cchost
// run` processes on free loopback ports; the flooding client speaks the wire protocol.
#include <gtest/gtest.h>

#include <thread>
#include <zmq.hpp>

#include "cchost/crypto/encoding.hpp"
#include "cchost/crypto/random.hpp"
#include "cchost/kit/kit.hpp"
#include "cchost/net/curve_keys.hpp"
#include "ops_support.hpp"
#include "runtime_harness.hpp"

namespace cchost::runtime_test {
namespace {

using ops_test::audit_entries;
using ops_test::KitClient;
using ops_test::lines_containing;

ProjectSpec sites_spec(std::vector<SiteSpec> sites, std::string server_policy = lenient_policy()) {
  ProjectSpec spec;
  spec.server_policy = std::move(server_policy);
  spec.sites = std::move(sites);
  spec.request_timeout = "10s";
  return spec;
}

std::size_t nonce_log_lines(const RuntimeHarness& h) {
  return lines_containing(read_text(h.workspace("server") / "nonces.log"), "");
}

TEST(OpsFloods, RegisterFloodFromOneSiteIsRefusedAndHurtsNoOne) {
  RuntimeHarness h("ops-regflood");
  auto p = h.provision(sites_spec({{"site-1", lenient_policy(), false}, {"site-2", lenient_policy(), false}}));
  ASSERT_EQ(p.exit_code, 0) << p.output;
  ASSERT_TRUE(h.start("server"));
  ASSERT_TRUE(h.start("site-1"));
  ASSERT_TRUE(h.start("site-2"));
  ASSERT_TRUE(h.wait_registered({"site-1", "site-2"})) << h.log_tails();
  h.stop("site-1");  // the flood comes from site-1's keys
  const auto nonces_before = nonce_log_lines(h);
  const auto refused_before = audit_entries(h.workspace("server") / "audit.log", "refused").size();

  auto flooder = KitClient::open(h.kit("site-1"));
  ASSERT_TRUE(flooder) << flooder.message();
  constexpr int kFlood = 4300;
  const auto replies = (*flooder)->flood(
      kFlood, 200,
      [](int) {
        return net::make_message("register", "site-1", {{"client_nonce", crypto::hex_encode(crypto::random_bytes(32))}});
      },
      std::chrono::seconds(60));
  int challenged = 0, limited = 0, other = 0;
  std::string sample;
  for (const auto& r : replies) {
    if (r && r->type == "register.challenge") ++challenged;
    else if (!r && r.message().find("rate limited: too many register requests from site-1") != std::string::npos) ++limited;
    else {
      ++other;
      sample = r ? r->type : r.message();
    }
  }
  std::cout << "ops: register flood of " << kFlood << ": " << challenged << " challenged, " << limited
            << " refused (rate limit), " << other << " other\n";
  EXPECT_LE(challenged, 10);  // a burst of 5 and the trickle after it
  EXPECT_EQ(other, 0) << sample;
  EXPECT_EQ(challenged + limited, kFlood);
  // Every refused register cost no nonce (each one an fsync'd line) ...
  EXPECT_LE(nonce_log_lines(h) - nonces_before, 10u);
  // ... and the audit log holds a few refusals, not thousands (the rest come as a summary).
  const auto refused = audit_entries(h.workspace("server") / "audit.log", "refused");
  EXPECT_LE(refused.size() - refused_before, 5u);
  ASSERT_GT(refused.size(), refused_before);
  EXPECT_EQ(refused.back().value("kind", ""), "rate-limit");
  EXPECT_EQ(refused.back().value("peer", ""), "site-1");

  // Others are unaffected: status answers and a job deploys to site-2.
  ASSERT_EQ(h.submit("after-flood", {"site-2"}, 1, "payload").exit_code, 0);
  auto job = h.wait_decided("after-flood", std::chrono::seconds(60));
  ASSERT_TRUE(job) << h.log_tails();
  EXPECT_EQ(job->value("state", ""), "deployed") << job->dump(2);
}

TEST(OpsFloods, UnauthenticatedHandshakesAreSummarisedNotLoggedEach) {
  RuntimeHarness h("ops-zapflood");
  auto p = h.provision(sites_spec({{"site-1", lenient_policy(), false}}));
  ASSERT_EQ(p.exit_code, 0) << p.output;
  ASSERT_TRUE(h.start("server"));
  ASSERT_TRUE(h.wait_for_log("server", "listening on")) << h.log_tails();
  auto k = kit::load_kit(h.kit("site-1"));
  ASSERT_TRUE(k) << k.message();
  const std::string endpoint = "tcp://127.0.0.1:" + std::to_string(h.port());

  // 500 handshakes with keys the server never heard of, from one context.
  constexpr int kAttempts = 500;
  {
    zmq::context_t context(1);
    std::vector<zmq::socket_t> sockets;
    for (int i = 0; i < kAttempts; ++i) {
      const auto keys = net::generate_curve_keypair();
      zmq::socket_t s(context, zmq::socket_type::dealer);
      s.set(zmq::sockopt::linger, 0);
      s.set(zmq::sockopt::curve_serverkey, k->server_public);
      s.set(zmq::sockopt::curve_publickey, keys.public_z85);
      s.set(zmq::sockopt::curve_secretkey, keys.secret_z85);
      s.connect(endpoint);
      sockets.push_back(std::move(s));
      if (sockets.size() == 50) {  // a few at a time: each costs the server one ZAP decision
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        sockets.clear();
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  // The interval is 10 s: its summary line names the count.
  ASSERT_TRUE(h.wait_for_log("server", "net: zap: denied ", 0, std::chrono::seconds(40))) << h.log_tails();
  const std::string log = h.read_log("server");
  const auto single = lines_containing(log, "net: zap: denied:");
  const auto summaries = lines_containing(log, "net: zap: denied ");
  std::cout << "ops: " << kAttempts << " unauthenticated handshakes: " << single << " single line(s), " << summaries
            << " summary line(s)\n";
  EXPECT_LE(single, 3u);
  EXPECT_GE(summaries, 1u);
  EXPECT_LE(single + summaries, 10u);
}

TEST(OpsFloods, WrongRoleAndSpoofedSenderAreAuditedRateLimited) {
  RuntimeHarness h("ops-refusals");
  auto p = h.provision(sites_spec({{"site-1", lenient_policy(), false}, {"site-2", lenient_policy(), false}}));
  ASSERT_EQ(p.exit_code, 0) << p.output;
  ASSERT_TRUE(h.start("server"));
  ASSERT_TRUE(h.wait_for_log("server", "listening on")) << h.log_tails();

  // The admin's keys sending a site's message type: refused, each with a reason.
  auto admin = KitClient::open(h.kit("admin"));
  ASSERT_TRUE(admin) << admin.message();
  const auto wrong_role = (*admin)->flood(
      50, 10, [](int) { return net::make_message("heartbeat", "admin"); }, std::chrono::seconds(20));
  for (const auto& r : wrong_role) {
    ASSERT_FALSE(r);
    EXPECT_NE(r.message().find("not allowed for role admin"), std::string::npos) << r.message();
  }
  // site-1's keys claiming to be site-2: dropped without a reply.
  auto spoofer = KitClient::open(h.kit("site-1"), "site-2");
  ASSERT_TRUE(spoofer) << spoofer.message();
  const auto spoofed = (*spoofer)->flood(
      50, 50, [](int) { return net::make_message("heartbeat", "site-2"); }, std::chrono::seconds(3));
  for (const auto& r : spoofed) EXPECT_FALSE(r);

  // One audit entry each to begin with (at most three per peer and kind a minute), not fifty.
  const auto refused = audit_entries(h.workspace("server") / "audit.log", "refused");
  std::size_t role = 0, spoof = 0;
  for (const auto& e : refused) {
    if (e.value("peer", "") == "admin" && e.value("kind", "") == "wrong-role") ++role;
    if (e.value("peer", "") == "site-1" && e.value("kind", "") == "spoofed-sender") {
      ++spoof;
      EXPECT_NE(e.value("detail", "").find("claims sender 'site-2'"), std::string::npos) << e.dump();
    }
  }
  EXPECT_GE(role, 1u);
  EXPECT_LE(role, 3u);
  EXPECT_GE(spoof, 1u);
  EXPECT_LE(spoof, 3u);
  const std::string log = h.read_log("server");
  EXPECT_LE(lines_containing(log, "claims sender 'site-2'"), 3u);
}

// register.abort writes an audit entry (fsync'd) and a log line each time; replies that no
// request waits for (a duplicated ack, another message's corr) write a log line each time.
// Neither may let one site's keys fill the server's disk.
TEST(OpsFloods, AbortAndUnexpectedReplyFloodsAreBounded) {
  RuntimeHarness h("ops-abortflood");
  auto p = h.provision(sites_spec({{"site-1", lenient_policy(), false}}));
  ASSERT_EQ(p.exit_code, 0) << p.output;
  ASSERT_TRUE(h.start("server"));
  ASSERT_TRUE(h.wait_for_log("server", "listening on")) << h.log_tails();
  auto flooder = KitClient::open(h.kit("site-1"));
  ASSERT_TRUE(flooder) << flooder.message();

  constexpr int kFlood = 200;
  const auto aborts = (*flooder)->flood(
      kFlood, 50, [](int) { return net::make_message("register.abort", "site-1", {{"failed", {"x"}}}); },
      std::chrono::seconds(20));
  int limited = 0;
  for (const auto& r : aborts)
    if (!r && r.message().find("rate limited: too many register.abort requests") != std::string::npos) ++limited;
  EXPECT_GE(limited, kFlood - 10) << "register.abort is not rate-limited";
  const auto recorded = audit_entries(h.workspace("server") / "audit.log", "registration.aborted").size();
  std::cout << "ops: " << kFlood << " register.abort: " << recorded << " audit entries, " << limited << " refused\n";
  EXPECT_LE(recorded, 10u);

  // Replies to nothing: the server answers none of them (each request times out here).
  const auto stray = (*flooder)->flood(
      kFlood, kFlood,
      [](int i) {
        auto m = net::make_message("ack", "site-1", {{"job_id", "no-such-job"}});
        m.corr = "stray-" + std::to_string(i);
        return m;
      },
      std::chrono::seconds(3));
  for (const auto& r : stray) EXPECT_FALSE(r);
  ASSERT_TRUE(h.running("server")) << h.log_tails();
  const auto lines = lines_containing(h.read_log("server"), "unexpected repl");
  std::cout << "ops: " << kFlood << " stray replies: " << lines << " log line(s)\n";
  EXPECT_LE(lines, 10u) << "every stray reply wrote a log line";
}

TEST(OpsFloods, RejectedSiteBacksOffAndIsAuditedOnce) {
  RuntimeHarness h("ops-backoff");
  // site-3 runs a DEBUG guest; the server's strict policy rejects it every time.
  auto p = h.provision(sites_spec({{"site-3", lenient_policy(), true}}, strict_policy()));
  ASSERT_EQ(p.exit_code, 0) << p.output;
  ASSERT_TRUE(h.start("server"));
  ASSERT_TRUE(h.start("site-3"));
  // Waits of 3, 6 and 12 s: the third rejection has been answered once the 12 s wait is logged.
  ASSERT_TRUE(h.wait_for_log("site-3", "registering again in 12000 ms", 0, std::chrono::seconds(60))) << h.log_tails();
  const std::string site_log = h.read_log("site-3");
  EXPECT_EQ(lines_containing(site_log, "registering again in 3000 ms"), 1u) << site_log;
  EXPECT_EQ(lines_containing(site_log, "registering again in 6000 ms"), 1u) << site_log;
  // Three identical rejections, one audit entry (the repeats are summarised every ten minutes).
  std::size_t decisions = 0;
  for (const auto& e : audit_entries(h.workspace("server") / "audit.log", "registration"))
    if (e.value("site", "") == "site-3") {
      ++decisions;
      EXPECT_FALSE(e.value("accept", true));
    }
  EXPECT_EQ(decisions, 1u);
  auto report = h.status();
  ASSERT_TRUE(report);
  const auto* site = find_participant(*report, "site-3");
  ASSERT_NE(site, nullptr);
  EXPECT_FALSE(site->value("registered", true));
}

}  // namespace
}  // namespace cchost::runtime_test
