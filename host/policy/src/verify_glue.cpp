// `cchost verify --policy FILE`: load, then appraise.
#include "cchost/policy/verify_glue.hpp"

#include "cchost/policy/loader.hpp"

namespace cchost::policy {

Result<Decision> evaluate_policy_file(const std::string& path,
                                      const std::map<std::string, claims::NamespaceClaims>& claims_by_ns,
                                      const PeerContext& peer, const Catalog& catalog) {
  auto load = load_policy_file(path, catalog);
  if (!load.ok()) {
    std::string message = "policy " + path + " has " + std::to_string(load.errors.size()) + " error(s):";
    for (const auto& e : load.errors) message += "\n  " + e.to_string();
    return make_error(std::move(message));
  }
  return evaluate(*load.policy, claims_by_ns, peer);
}

Result<Decision> evaluate_policy_file(const std::string& path, const claims::NamespaceClaims& claims,
                                      const PeerContext& peer, const Catalog& catalog) {
  std::map<std::string, claims::NamespaceClaims> by_ns;
  by_ns.emplace(claims.ns, claims);
  return evaluate_policy_file(path, by_ns, peer, catalog);
}

}  // namespace cchost::policy
