// ============================================================================================
// POLICY HOOK FOR `cchost verify --policy`: a placeholder until the policy engine (host/policy)
// is wired in by the lead. Replace the body of evaluate_policy_for_verify() only; its contract
// is in verify_policy.hpp and cmd_verify.cpp already prints and exits on what it returns.
// ============================================================================================
#include "verify_policy.hpp"

namespace cchost::cli {

Result<nlohmann::json> evaluate_policy_for_verify(const std::string& policy_file,
                                                  const std::string& ns,
                                                  const nlohmann::json& claims_document) {
  return make_error("--policy " + policy_file +
                    ": policy evaluation arrives with the policy engine");
}

}  // namespace cchost::cli
