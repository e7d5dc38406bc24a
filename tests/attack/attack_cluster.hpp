#pragma once
// The cluster every job attack runs against: a real `cchost run` server (request_timeout 2 s)
// and site-1 as a real `cchost run` site, both honest, plus site-2 and site-3 played by the
// test over the wire (WireSite) with their own kits' keys. Lenient policies everywhere: what
// is refused is refused by the protocol, not by a policy.
#include <memory>
#include <string>
#include <vector>

#include "runtime_harness.hpp"
#include "wire_site.hpp"

namespace cchost::attack_test {

struct AttackCluster {
  explicit AttackCluster(const std::string& label) : h(label) {}
  RuntimeHarness h;
  std::unique_ptr<WireSite> site2, site3;

  // Provisions, starts the server and site-1, connects site-2 and site-3, registers site-2
  // (site-3 only when `register_site3`). Use with ASSERT_NO_FATAL_FAILURE.
  // `server_args` go to the server's `cchost run` (e.g. --reattest-seconds).
  void start(bool register_site3 = false, const std::vector<std::string>& server_args = {});
  // Submits and waits (hang guard 90 s) for a terminal state; fails the test when none comes.
  nlohmann::json run_job(const std::string& id, const std::vector<std::string>& deploy_map, int min_sites,
                         const std::string& payload = "attack payload");
  std::string audit() const;
};

// Helpers over one job record.
std::string stage_of(const nlohmann::json& job, const std::string& site);
std::string reason_of(const nlohmann::json& job, const std::string& site);
std::vector<std::string> failed_of(const nlohmann::json& job, const std::string& site);
std::vector<std::string> sites_of(const nlohmann::json& job);

}  // namespace cchost::attack_test
