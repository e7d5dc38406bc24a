#pragma once
// The floor bench_runtime reads every appraisal against (issue 16, goal 1): one participant's
// evidence, verified warm by the plugin alone (Authorizer::verify through the real loader, the
// cost a deployment cannot avoid) and appraised whole by another participant's PluginAttestor
// (bundle checks, binding, verify, claims, policy), each for `seconds` of CPU in this process.
#include <filesystem>

#include "../in_process_site.hpp"

namespace cchost::runtime_test {

struct AppraisalFloor {
  double plugin_verify_per_cpu_s = 0;
  double appraise_per_cpu_s = 0;
};

Result<AppraisalFloor> measure_appraisal_floor(const AuthorizerTemplate& t, const std::filesystem::path& policy,
                                               double seconds);

}  // namespace cchost::runtime_test
