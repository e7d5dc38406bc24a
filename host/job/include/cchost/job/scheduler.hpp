#pragma once
// The last step of a deployment attempt: after attestation and peer votes have produced the
// set of sites everyone accepts, check each site's resources and `min_sites`.
#include <map>
#include <string>
#include <vector>

#include "cchost/job/job_spec.hpp"

namespace cchost::job {

struct SchedulingOutcome {
  bool deployable = false;
  std::vector<std::string> sites;                 // sorted; who receives the payload
  std::map<std::string, std::string> excluded;    // name -> reason (resources)
  std::string reason;                             // why not deployable
};

// available: what each site offers (from its registration); a site missing a resource key
// offers 0 of it.
SchedulingOutcome schedule(const JobSpec& spec, const std::vector<std::string>& trusted_sites,
                           const std::map<std::string, std::map<std::string, std::int64_t>>& available);

// Backoff before retry `attempt` (1-based): 1 s, 2 s, 4 s ... capped at 30 s.
int retry_backoff_ms(int attempt);

}  // namespace cchost::job
