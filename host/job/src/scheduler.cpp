#include "cchost/job/scheduler.hpp"

#include <algorithm>

namespace cchost::job {

SchedulingOutcome schedule(const JobSpec& spec, const std::vector<std::string>& trusted_sites,
                           const std::map<std::string, std::map<std::string, std::int64_t>>& available) {
  SchedulingOutcome out;
  for (const auto& site : trusted_sites) {
    std::string shortfall;
    auto offer = available.find(site);
    for (const auto& [resource, wanted] : spec.resources) {
      std::int64_t have = 0;
      if (offer != available.end()) {
        auto it = offer->second.find(resource);
        if (it != offer->second.end()) have = it->second;
      }
      if (have < wanted) {
        shortfall += (shortfall.empty() ? "" : ", ") + std::string("resource ") + resource + ": has " +
                     std::to_string(have) + ", job needs " + std::to_string(wanted);
      }
    }
    if (shortfall.empty())
      out.sites.push_back(site);
    else
      out.excluded[site] = shortfall;
  }
  std::sort(out.sites.begin(), out.sites.end());
  if (static_cast<std::int64_t>(out.sites.size()) < spec.min_sites) {
    out.reason = "min_sites not met: " + std::to_string(out.sites.size()) + " site(s) eligible, job needs " +
                 std::to_string(spec.min_sites);
    return out;
  }
  out.deployable = true;
  return out;
}

int retry_backoff_ms(int attempt) {
  if (attempt < 1) return 0;
  const int shift = std::min(attempt - 1, 5);
  return std::min(1000 << shift, 30000);
}

}  // namespace cchost::job
