#pragma once
// One server and N sites in this process, over real CURVE sockets on 127.0.0.1: the server on
// its own io_context thread, every site on one shared io_context thread; each participant has
// its own PluginAttestor (wrapped in TimedAttestor) over the real snp_authorizer.so. Registers
// all sites, submits `jobs` jobs naming every site, one after another, and measures each.
// `workers` > 0: the sites appraise their peers on a pool of that many threads (0: inline). Used by bench_runtime and by the
// many-sites regression test.
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "in_process_site.hpp"

namespace cchost::runtime_test {

// One job naming every site, measured from its submission to its decision.
struct JobRun {
  double deploy_ms = 0;         // submit -> job.decided
  double appraise_cpu_ms = 0;   // CPU inside Attestor::appraise during the deployment, all threads
  double process_cpu_ms = 0;    // the whole process's CPU during the deployment
  std::int64_t appraisals = 0;
  std::string state;            // the decision
  std::size_t deployed_sites = 0;
  nlohmann::json decision;
};

struct DeploymentRun {
  int n = 0;
  double register_ms = 0;       // all sites started -> N registration decisions
  int rejected_registrations = 0;
  // In order. The first job meets every peer's evidence for the first time (each site verifies
  // each peer's certificate chain once); later ones find the chains cached (the steady state).
  std::vector<JobRun> jobs;
};

Result<DeploymentRun> run_in_process_deployment(int n, const AuthorizerTemplate& t, const std::filesystem::path& policy,
                                                const std::filesystem::path& workdir, int jobs = 1,
                                                unsigned workers = 0);

}  // namespace cchost::runtime_test
