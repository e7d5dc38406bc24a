// Monitoring a running participant (issue 14, item 2): Prometheus metrics and /healthz over
// real HTTP from `cchost run --metrics`, and the service-manager protocol (sd_notify) that
// packaging/systemd/cchost@.service relies on, read from a real notify socket.
#include <gtest/gtest.h>
#include <httplib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <regex>
#include <thread>

#include "runtime_harness.hpp"

namespace cchost::runtime_test {
namespace {

// The port `cchost run --metrics 127.0.0.1:0` chose, from its "metrics on http://..." line.
int metrics_port(RuntimeHarness& h, const std::string& name) {
  if (!h.wait_for_log(name, "(/metrics, /healthz)", 0, std::chrono::seconds(20))) return 0;
  std::smatch m;
  const std::string log = h.read_log(name);
  static const std::regex line(R"(metrics on http://127\.0\.0\.1:([0-9]+) )");
  return std::regex_search(log, m, line) ? std::stoi(m[1]) : 0;
}

// The value of one sample line ("name{labels} value"), or -1 when the scrape has none.
double sample(const std::string& scrape, const std::string& series) {
  const auto at = scrape.find("\n" + series + " ");
  if (at == std::string::npos) return -1;
  return std::stod(scrape.substr(at + series.size() + 2));
}

TEST(OpsMonitoring, MetricsAndHealthOverHttpCountWhatTheServerDecided) {
  RuntimeHarness h("ops-metrics");
  ProjectSpec spec;
  spec.server_policy = strict_policy();  // site-2's simulated guest has DEBUG set: rejected
  spec.sites = {{"site-1", lenient_policy(), false}, {"site-2", lenient_policy(), true}};
  ASSERT_EQ(h.provision(spec).exit_code, 0);
  ASSERT_TRUE(h.start("server", {"--metrics", "127.0.0.1:0"}));
  const int port = metrics_port(h, "server");
  ASSERT_GT(port, 0) << h.log_tails();
  ASSERT_TRUE(h.start("site-1"));
  ASSERT_TRUE(h.start("site-2"));
  ASSERT_TRUE(h.wait_registered({"site-1"})) << h.log_tails();
  ASSERT_TRUE(h.wait_for_log("server", "rejected registration of site-2")) << h.log_tails();
  ASSERT_EQ(h.submit("m-1", {"site-1"}, 1, "payload").exit_code, 0);
  auto job = h.wait_decided("m-1");
  ASSERT_TRUE(job) << h.log_tails();
  ASSERT_EQ(job->value("state", ""), "deployed");

  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(5, 0);
  client.set_read_timeout(5, 0);
  auto res = client.Get("/metrics");
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 200);
  EXPECT_NE(res->get_header_value("Content-Type").find("text/plain; version=0.0.4"), std::string::npos);
  const std::string scrape = "\n" + res->body;
  EXPECT_EQ(sample(scrape, R"(cchost_registrations_total{outcome="accepted"})"), 1) << res->body;
  EXPECT_GE(sample(scrape, R"(cchost_registrations_total{outcome="rejected"})"), 1) << res->body;
  // The rule that rejected site-2, by its id, and the appraisals behind both decisions.
  EXPECT_GE(sample(scrape, R"(cchost_failed_rules_total{rule="snp.policy.debug"})"), 1) << res->body;
  EXPECT_GE(sample(scrape, R"(cchost_appraisals_total{outcome="rejected"})"), 1) << res->body;
  EXPECT_GE(sample(scrape, R"(cchost_appraisals_total{outcome="accepted"})"), 1) << res->body;
  const double verified = sample(scrape, R"(cchost_verifications_total{namespace="x-snp",outcome="verified"})");
  EXPECT_GE(verified, 2) << res->body;
  EXPECT_EQ(sample(scrape, R"(cchost_verification_seconds_count{namespace="x-snp"})"), verified) << res->body;
  EXPECT_EQ(sample(scrape, R"(cchost_verification_seconds_bucket{namespace="x-snp",le="+Inf"})"), verified);
  EXPECT_EQ(sample(scrape, R"(cchost_jobs_submitted_total)"), 1) << res->body;
  EXPECT_EQ(sample(scrape, R"(cchost_jobs_concluded_total{state="deployed"})"), 1) << res->body;
  EXPECT_GT(sample(scrape, "process_resident_memory_bytes"), 1e6) << res->body;
  EXPECT_NE(res->body.find("# TYPE cchost_verification_seconds histogram"), std::string::npos);

  auto health = client.Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  auto body = nlohmann::json::parse(health->body);
  EXPECT_EQ(body["schema"], "cchost.health/v1");
  EXPECT_EQ(body["status"], "ok");
  EXPECT_EQ(body["participant"], "server");
  EXPECT_EQ(body["role"], "server");
  // Nothing else is served, and nothing is accepted with a body.
  auto other = client.Get("/admin");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 404);
  auto posted = client.Post("/metrics", std::string(4096, 'x'), "text/plain");
  ASSERT_TRUE(posted);
  EXPECT_NE(posted->status, 200);
}

TEST(OpsMonitoring, AMetricsAddressInUseOrMalformedStopsTheStartNamingIt) {
  RuntimeHarness h("ops-metrics-bad");
  ProjectSpec spec;
  spec.server_policy = lenient_policy();
  spec.sites = {{"site-1", lenient_policy(), false}};
  ASSERT_EQ(h.provision(spec).exit_code, 0);
  auto malformed = h.cchost({"run", "--kit", h.kit("server").string(), "--workspace", h.workspace("server").string(),
                             "--metrics", "localhost:http"}, std::chrono::seconds(20));
  EXPECT_EQ(malformed.exit_code, 2) << malformed.output;
  EXPECT_NE(malformed.output.find("metrics address 'localhost:http'"), std::string::npos) << malformed.output;
  // A port someone already listens on.
  httplib::Server squatter;
  const int taken = squatter.bind_to_any_port("127.0.0.1");
  ASSERT_GT(taken, 0);
  auto in_use = h.cchost({"run", "--kit", h.kit("server").string(), "--workspace", h.workspace("server").string(),
                          "--metrics", "127.0.0.1:" + std::to_string(taken)}, std::chrono::seconds(20));
  EXPECT_EQ(in_use.exit_code, 2) << in_use.output;
  EXPECT_NE(in_use.output.find("metrics: cannot listen on 127.0.0.1:" + std::to_string(taken)), std::string::npos)
      << in_use.output;
}

// A datagram socket standing in for systemd's notify socket.
class NotifySocket {
 public:
  explicit NotifySocket(const fs::path& path) : path_(path) {
    fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
    ok_ = fd_ >= 0 && bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    timeval tv{0, 200 * 1000};
    if (ok_) setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  ~NotifySocket() {
    if (fd_ >= 0) close(fd_);
    std::error_code ec;
    fs::remove(path_, ec);
  }
  bool ok() const { return ok_; }
  // Every datagram until `done` holds for one of them or `deadline` passes; all of them, in order.
  std::vector<std::string> read_until(const std::function<bool(const std::string&)>& done, std::chrono::seconds deadline) {
    const auto end = std::chrono::steady_clock::now() + deadline;
    while (std::chrono::steady_clock::now() < end) {
      char buf[4096];
      const ssize_t n = recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) continue;
      got_.emplace_back(buf, static_cast<std::size_t>(n));
      if (done(got_.back())) break;
    }
    return got_;
  }

 private:
  fs::path path_;
  int fd_ = -1;
  bool ok_ = false;
  std::vector<std::string> got_;
};

std::size_t count_containing(const std::vector<std::string>& messages, const std::string& needle) {
  std::size_t n = 0;
  for (const auto& m : messages) n += m.find(needle) != std::string::npos;
  return n;
}

TEST(OpsMonitoring, TellsTheServiceManagerReadyPingsTheWatchdogAndSaysStopping) {
  RuntimeHarness h("ops-notify");
  ProjectSpec spec;
  spec.server_policy = lenient_policy();
  spec.sites = {{"site-1", lenient_policy(), false}};
  ASSERT_EQ(h.provision(spec).exit_code, 0);
  NotifySocket notify(h.dir() / "notify.sock");
  ASSERT_TRUE(notify.ok());
  // Only the server is started under the "service manager"; the environment is inherited.
  setenv("NOTIFY_SOCKET", (h.dir() / "notify.sock").c_str(), 1);
  setenv("WATCHDOG_USEC", "200000", 1);
  const bool started = h.start("server");
  unsetenv("NOTIFY_SOCKET");
  unsetenv("WATCHDOG_USEC");
  ASSERT_TRUE(started);
  auto got = notify.read_until([](const std::string& m) { return m.find("READY=1") != std::string::npos; },
                               std::chrono::seconds(20));
  ASSERT_EQ(count_containing(got, "READY=1"), 1u) << h.log_tails();
  EXPECT_EQ(count_containing(got, "STATUS=server server listening on tcp://"), 1u);
  // Pings every 100 ms (half of WATCHDOG_USEC), from the event loop.
  std::size_t pings = 0;
  got = notify.read_until([&pings](const std::string& m) { return (pings += m == "WATCHDOG=1") >= 3; },
                          std::chrono::seconds(5));
  EXPECT_GE(count_containing(got, "WATCHDOG=1"), 3u);
  // A stopped (SIGSTOP) loop sends none: this is what lets systemd restart a wedged participant.
  h.signal("server", SIGSTOP);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const auto before = notify.read_until([](const std::string&) { return false; }, std::chrono::seconds(1));
  const auto pings_while_stopped = count_containing(before, "WATCHDOG=1") - count_containing(got, "WATCHDOG=1");
  EXPECT_LE(pings_while_stopped, 1u) << "at most one ping already queued when the process stopped";
  h.signal("server", SIGCONT);
  EXPECT_EQ(h.stop("server"), 0);
  got = notify.read_until([](const std::string& m) { return m.find("STOPPING=1") != std::string::npos; },
                          std::chrono::seconds(5));
  EXPECT_EQ(count_containing(got, "STOPPING=1"), 1u);
}

}  // namespace
}  // namespace cchost::runtime_test
