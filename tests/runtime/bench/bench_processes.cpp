// bench_processes: a deployment of real processes at scale (issue 16, goals 3, 4 and 6).
//
// For each N (default 8 32 64 128): ccprovision writes the kits of a server, an admin and N
// sites; the server and every site run as separate `cchost run` processes on loopback (SNP sim
// evidence through the real snp_authorizer.so, CURVE); `cchost admin` submits one job naming
// every site; the processes are read from /proc. Printed per N:
//   register   first process started -> every site registered (s)
//   decide     submit -> the job's decision (s)
//   server CPU / mean site CPU during the job (s), and what one site spent per appraisal
//              (site CPU over the N bundles it appraised) beside one P-384 verify
//   RSS of the server and the mean site after the job (MiB)
//   bytes the server sent during the job (its transport counters), and per (site, peer) pair
//   idle       the same processes over 20 s from three heartbeats after the job: % of one
//              core, RSS (heartbeats every 2 s, the default, or longer as the server paces them)
// Floors, measured in this run: `openssl speed ecdsap384` (the signature each appraisal needs)
// and bench_net's loopback CURVE round trip.
//
// A benchmark that prints a table, not a timed test. Run it on a quiet machine:
//   build/release/bench/bench_processes [--mixed] [N ...]
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "../runtime_harness.hpp"
#include "cchost/test/bench_floor.hpp"
#include "process_usage.hpp"

namespace rt = cchost::runtime_test;
using Clock = std::chrono::steady_clock;

namespace {

// `cchost run`'s default: the idle figures are those of an operator who changed nothing.
constexpr int kHeartbeatMs = 2000;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// bench_net's p50 round trip (us), run from the folder this benchmark lives in; 0 if absent.
double bench_net_round_trip_us(const std::string& self) {
  const std::string dir = self.substr(0, self.find_last_of('/') + 1);
  FILE* p = popen((dir + "bench_net 2>/dev/null").c_str(), "r");
  if (!p) return 0;
  char line[512];
  double us = 0;
  while (std::fgets(line, sizeof line, p)) {
    std::string s(line);
    const auto at = s.find("round trip p50");
    if (at != std::string::npos) us = std::atof(s.substr(at + 14).c_str());
  }
  pclose(p);
  return us;
}

struct Sample {
  rt::ProcessUsage server;
  std::vector<rt::ProcessUsage> sites;
  double site_cpu_sum() const {
    double s = 0;
    for (const auto& u : sites) s += u.cpu_s;
    return s;
  }
  double site_rss_mean_mib() const {
    double s = 0;
    for (const auto& u : sites) s += static_cast<double>(u.rss_kib);
    return sites.empty() ? 0 : s / static_cast<double>(sites.size()) / 1024.0;
  }
};

Sample sample(const rt::RuntimeHarness& h, const std::vector<std::string>& sites) {
  Sample s;
  s.server = rt::process_usage(h.pid("server"));
  for (const auto& name : sites) s.sites.push_back(rt::process_usage(h.pid(name)));
  return s;
}

std::uint64_t server_bytes_sent(rt::RuntimeHarness& h) {
  auto report = h.status(std::nullopt, 30);
  if (!report) return 0;
  return (*report)["transport"].value("bytes_sent", std::uint64_t{0});
}

struct Row {
  int n = 0;
  double register_s = 0, decide_s = 0;
  double server_cpu_s = 0, site_cpu_mean_s = 0;
  double server_rss_mib = 0, site_rss_mib = 0;
  double bytes_sent = 0;
  double idle_server_pct = 0, idle_site_pct = 0, idle_server_rss_mib = 0, idle_site_rss_mib = 0;
  std::string outcome;
};

// --mixed (issue 16, goal 5): site-i is an SEV-SNP site when i % 3 == 1, an Intel TDX site
// when i % 3 == 2, and an SEV-SNP site with a board of 8 GPUs and 4 NVSwitches when i % 3 == 0
// (each simulated). Every participant verifies every platform (`verify_only` where it runs
// another) and its policy requires of each peer what that peer's platform presents.
enum class Platform { snp, tdx, gpus };
Platform platform_of(int i) { return i % 3 == 1 ? Platform::snp : i % 3 == 2 ? Platform::tdx : Platform::gpus; }

std::string authorizer(const std::string& ns, const std::string& plugin, bool verify_only) {
  return "  namespace = \"" + ns + "\"\n  plugin = \"" + plugin + "\"\n" +
         (verify_only ? "  verify_only = true\n" : "  backend = \"sim\"\n");
}

std::vector<std::string> extra_authorizers(std::optional<Platform> own) {
  return {authorizer("x-tdx", "tdx_authorizer.so", own != Platform::tdx),
          authorizer("x-nv-gpu", "nvgpu_authorizer.so", own != Platform::gpus),
          authorizer("x-nv-switch", "nvswitch_authorizer.so", own != Platform::gpus)};
}

std::string mixed_policy(int n) {
  std::string p = "[policy]\nname = \"mixed-scale\"\nrequire = [\"x-snp\"]\nallow_simulated = true\n";
  for (int i = 1; i <= n; ++i) {
    if (platform_of(i) == Platform::tdx)
      p += "[peer.\"site-" + std::to_string(i) + "\"]\nrequire = [\"x-tdx\"]\n";
    if (platform_of(i) == Platform::gpus)
      p += "[peer.\"site-" + std::to_string(i) + "\"]\nrequire = [\"x-snp\", \"x-nv-gpu\", \"x-nv-switch\"]\n";
  }
  return p;
}

bool run_one(int n, bool mixed, Row& row) {
  row.n = n;
  rt::RuntimeHarness h("bench-procs-" + std::to_string(n));
  h.heartbeat_ms = kHeartbeatMs;
  rt::ProjectSpec spec;
  spec.server_policy = mixed ? mixed_policy(n) : rt::lenient_policy();
  if (mixed) spec.server_extra_authorizers = extra_authorizers(std::nullopt);
  spec.request_timeout = "300s";
  std::vector<std::string> names;
  for (int i = 1; i <= n; ++i) {
    names.push_back("site-" + std::to_string(i));
    if (!mixed) {
      spec.sites.push_back({names.back(), rt::lenient_policy(), false});
      continue;
    }
    spec.sites.push_back({names.back(), mixed_policy(n), false, extra_authorizers(platform_of(i))});
    spec.sites.back().snp_verify_only = platform_of(i) == Platform::tdx;
  }
  auto provisioned = h.provision(spec);
  if (provisioned.exit_code != 0) {
    std::cerr << "bench_processes: ccprovision failed:\n" << provisioned.output;
    return false;
  }
  const auto start = Clock::now();
  if (!h.start("server")) return false;
  for (const auto& name : names)
    if (!h.start(name)) return false;
  if (!h.wait_registered(names, 0, std::chrono::seconds(900))) {
    std::cerr << "bench_processes: N=" << n << ": not every site registered\n" << h.log_tails(600);
    return false;
  }
  row.register_s = seconds_since(start);

  const auto sent_before = server_bytes_sent(h);
  const Sample before = sample(h, names);
  const auto submitted = Clock::now();
  auto submit = h.submit("scale", names, n, "payload of the benchmark job");
  if (submit.exit_code != 0) {
    std::cerr << "bench_processes: submit failed: " << submit.output;
    return false;
  }
  auto decided = h.wait_decided("scale", std::chrono::seconds(900));
  row.decide_s = seconds_since(submitted);
  const Sample after = sample(h, names);
  const auto sent_after = server_bytes_sent(h);
  if (!decided) {
    std::cerr << "bench_processes: N=" << n << ": no decision\n" << h.log_tails(600);
    return false;
  }
  row.outcome = decided->value("state", "?") + " to " +
                std::to_string(decided->value("sites", nlohmann::json::array()).size());
  row.server_cpu_s = after.server.cpu_s - before.server.cpu_s;
  row.site_cpu_mean_s = (after.site_cpu_sum() - before.site_cpu_sum()) / n;
  row.server_rss_mib = static_cast<double>(after.server.rss_kib) / 1024.0;
  row.site_rss_mib = after.site_rss_mean_mib();
  // Everything the server sent meanwhile: the job's messages, and heartbeat acks and the
  // admin's status polls, which are small beside them (a few hundred bytes each).
  row.bytes_sent = static_cast<double>(sent_after - sent_before);

  // Idle: nothing but heartbeats for 20 s, once three heartbeats have carried the sites' new
  // audit heads (each checked and kept by the server once). The server may pace its sites
  // longer than kHeartbeatMs (N / 32 s at its default budget): three of those.
  const int paced_ms = std::max(kHeartbeatMs, n * 1000 / 32);
  std::this_thread::sleep_for(std::chrono::milliseconds(3 * paced_ms + 1000));
  const Sample idle_from = sample(h, names);
  const auto idle_start = Clock::now();
  std::this_thread::sleep_for(std::chrono::seconds(20));
  const Sample idle_to = sample(h, names);
  const double idle_wall = seconds_since(idle_start);
  row.idle_server_pct = 100.0 * (idle_to.server.cpu_s - idle_from.server.cpu_s) / idle_wall;
  row.idle_site_pct = 100.0 * (idle_to.site_cpu_sum() - idle_from.site_cpu_sum()) / n / idle_wall;
  row.idle_server_rss_mib = static_cast<double>(idle_to.server.rss_kib) / 1024.0;
  row.idle_site_rss_mib = idle_to.site_rss_mean_mib();
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int> sizes;
  bool mixed = false;
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--mixed") mixed = true;
    else sizes.push_back(std::atoi(argv[i]));
  }
  if (sizes.empty()) sizes = {8, 32, 64, 128};
  const double p384 = cchost::test::openssl_speed_verify("openssl speed -seconds 2 ecdsap384 2>/dev/null", "384 bits ecdsa");
  const double p384_ms = p384 > 0 ? 1000.0 / p384 : 0;
  const double rtt_us = bench_net_round_trip_us(argv[0]);
  std::printf("bench_processes: server + N sites as `cchost run` processes on loopback (CURVE), %s;\n"
              "%u hardware threads, site heartbeats every %d ms (cchost run's default)\n"
              "floors: openssl speed ecdsap384 verify %.1f/s = %.3f ms; bench_net CURVE round trip p50 %.1f us\n\n",
              mixed ? "mixed sites (1/3 SNP, 1/3 TDX, 1/3 SNP + 8 GPUs + 4 NVSwitches; simulated)" : "SNP sim evidence",
              std::thread::hardware_concurrency(), kHeartbeatMs, p384, p384_ms, rtt_us);
  std::printf("%4s %9s %9s %10s %10s %12s %8s %8s %10s %9s | %7s %7s %8s %8s  %s\n", "N", "register", "decide",
              "server CPU", "site CPU", "site ms/peer", "srv RSS", "site RSS", "sent MiB", "B/pair", "idle sv%",
              "site%", "sv RSS", "site RSS", "outcome");
  std::printf("%4s %9s %9s %10s %10s %12s %8s %8s %10s %9s | %7s %7s %8s %8s\n", "", "(s)", "(s)", "(s)", "(s, mean)",
              "(x p384)", "(MiB)", "(MiB)", "", "", "", "", "(MiB)", "(MiB)");
  for (int n : sizes) {
    Row r;
    if (!run_one(n, mixed, r)) return 1;
    // Each site appraises its N-1 peers and the server: N bundles.
    const double per_peer_ms = 1000.0 * r.site_cpu_mean_s / n;
    std::printf("%4d %9.2f %9.2f %10.2f %10.3f %6.2f %5.2fx %8.1f %8.1f %10.2f %9.0f | %7.2f %7.3f %8.1f %8.1f  %s\n",
                r.n, r.register_s, r.decide_s, r.server_cpu_s, r.site_cpu_mean_s, per_peer_ms,
                p384_ms > 0 ? per_peer_ms / p384_ms : 0.0, r.server_rss_mib, r.site_rss_mib,
                r.bytes_sent / (1024.0 * 1024.0), r.bytes_sent / (static_cast<double>(n) * n), r.idle_server_pct,
                r.idle_site_pct, r.idle_server_rss_mib, r.idle_site_rss_mib, r.outcome.c_str());
    std::fflush(stdout);
  }
  return 0;
}
