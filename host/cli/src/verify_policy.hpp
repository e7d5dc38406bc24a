#pragma once
// The policy step of `cchost verify --policy FILE`.
#include <string>

#include <nlohmann/json.hpp>

#include "cchost/result.hpp"

namespace cchost::cli {

// Appraises a plugin's claims document ("cchost.claims/v1") against the policy in
// `policy_file`. Returns the "decision" object of the verify contract:
//   {"accept":bool, "failed":[{"rule":..,"claim":..,"expected":..,"actual":..,"why":..}]}
// An Error means the policy could not be evaluated (unreadable, invalid): a usage error.
Result<nlohmann::json> evaluate_policy_for_verify(const std::string& policy_file,
                                                  const std::string& ns,
                                                  const nlohmann::json& claims_document);

}  // namespace cchost::cli
