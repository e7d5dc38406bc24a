// bench_runtime: job deployment latency for N = 2, 8, 32, 64 sites on loopback (issue 5
// "Benchmark"). A benchmark that prints a table, not a timed test.
//
// Sites are THREADS of this process, not processes: one ServerRuntime on its own io_context
// thread, and N SiteRuntime sharing a second io_context thread, over real CURVE sockets on
// 127.0.0.1. Every participant has its own PluginAttestor over the real snp_authorizer.so
// (sim backend, the simulated CA of a ccprovision'ed kit), loaded by the real PluginLoader.
// The server appends to a real, fsync'd audit log.
//
// Printed per N: registration (all sites started -> N accepted registrations), deployment
// latency (submit -> job.decided), the CPU time spent inside Attestor::appraise (all
// participants; thread CPU time) and the whole process's CPU time over the deployment, so that
// the protocol's overhead shows as a ratio.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <thread>

#include <spdlog/spdlog.h>

#include "../in_process_cluster.hpp"
#include "../runtime_harness.hpp"
#include "appraisal_floor.hpp"
#include "cchost/test/bench_floor.hpp"

namespace rt = cchost::runtime_test;

int main(int argc, char** argv) {
  spdlog::set_level(spdlog::level::warn);
  std::vector<int> sizes = {2, 8, 32, 64};
  if (argc > 1) {
    sizes.clear();
    for (int i = 1; i < argc; ++i) sizes.push_back(std::atoi(argv[i]));
  }
  // One provisioned kit supplies the plugin, its pinned hash, the sim CA and the trust roots.
  rt::RuntimeHarness h("bench");
  rt::ProjectSpec project;
  project.server_policy = rt::lenient_policy();
  project.sites = {{"site-1", rt::lenient_policy(), false}};
  auto provisioned = h.provision(project);
  if (provisioned.exit_code != 0) {
    std::cerr << "bench_runtime: ccprovision failed:\n" << provisioned.output;
    return 1;
  }
  auto k = cchost::kit::load_kit(h.kit("site-1"));
  if (!k) {
    std::cerr << "bench_runtime: " << k.message() << "\n";
    return 1;
  }
  auto t = rt::make_authorizer_template(*k);
  if (!t) {
    std::cerr << "bench_runtime: " << t.message() << "\n";
    return 1;
  }
  // The sites appraise their peers on one verification pool, a worker per core, as the bus's
  // pool does in `cchost run`; CCHOST_BENCH_WORKERS=0 appraises inline on the io thread.
  const char* workers_env = std::getenv("CCHOST_BENCH_WORKERS");
  const unsigned workers = workers_env ? static_cast<unsigned>(std::atoi(workers_env))
                                       : std::max(1u, std::thread::hardware_concurrency());
  std::printf("bench_runtime: sites are threads (1 server io thread, 1 io thread for all sites, %u appraisal workers), "
              "loopback CURVE,\nSNP sim bundles through snp_authorizer.so; %u hardware threads\n\n",
              workers, std::thread::hardware_concurrency());
  // The floors every runtime figure is read against, measured in this run: one P-384 verify
  // (openssl speed), the plugin's own warm verify of a participant's evidence through the real
  // loader, and the host's whole appraisal of that same bundle outside any deployment.
  const double openssl_p384 = cchost::test::openssl_speed_verify("openssl speed -seconds 2 ecdsap384 2>/dev/null",
                                                                 "384 bits ecdsa");
  auto floor = rt::measure_appraisal_floor(*t, k->policy_path, 2.0);
  if (!floor) {
    std::cerr << "bench_runtime: " << floor.message() << "\n";
    return 1;
  }
  const double verify_ms = 1000.0 / floor->plugin_verify_per_cpu_s;
  std::printf("floors, per CPU-second: openssl speed ecdsap384 verify %.1f/s; plugin warm verify (snp_authorizer.so "
              "through the loader) %.1f/s = %.3f ms; appraisal of the same bundle alone %.1f/s = %.3f ms (%.2fx verify)\n\n",
              openssl_p384, floor->plugin_verify_per_cpu_s, verify_ms, floor->appraise_per_cpu_s,
              1000.0 / floor->appraise_per_cpu_s, floor->plugin_verify_per_cpu_s / floor->appraise_per_cpu_s);
  // "spread": deployment wall time over (verification CPU / cores), 1.0 when every core
  // verifies all the time (issue 16 goal 2: at most 1.5).
  const double cores = std::max(1u, std::thread::hardware_concurrency());
  std::printf("%5s %5s %14s %14s %12s %16s %16s %10s %16s %7s  %s\n", "N", "job", "register(ms)", "deploy(ms)",
              "appraisals", "verify CPU(ms)", "process CPU(ms)", "verify %", "per appraisal", "spread", "outcome");
  for (int n : sizes) {
    // Two jobs: the first meets every peer's chain for the first time, the second is warm.
    auto run = rt::run_in_process_deployment(n, *t, k->policy_path, h.dir() / "bench", 2, workers);
    if (!run) {
      std::cerr << "bench_runtime: " << run.message() << "\n";
      return 1;
    }
    for (std::size_t j = 0; j < run->jobs.size(); ++j) {
      const auto& job = run->jobs[j];
      const double per = job.appraisals ? job.appraise_cpu_ms / job.appraisals : 0.0;
      std::printf("%5d %5s %14.1f %14.1f %12lld %16.1f %16.1f %9.1f%% %8.3fms %4.2fx %7.2f  %s\n", run->n,
                  j == 0 ? "cold" : "warm", run->register_ms, job.deploy_ms, static_cast<long long>(job.appraisals),
                  job.appraise_cpu_ms, job.process_cpu_ms,
                  job.process_cpu_ms > 0 ? 100.0 * job.appraise_cpu_ms / job.process_cpu_ms : 0.0, per, per / verify_ms,
                  job.appraise_cpu_ms > 0 ? job.deploy_ms / (job.appraise_cpu_ms / cores) : 0.0, (job.state + " to " + std::to_string(job.deployed_sites)).c_str());
    }
    std::fflush(stdout);
  }
  return 0;
}
