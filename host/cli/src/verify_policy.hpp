#pragma once
// The policy step of `cchost verify --policy FILE`.
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "cchost/policy/vocabulary.hpp"
#include "cchost/result.hpp"

namespace cchost::cli {

// Appraises a plugin's claims document ("cchost.claims/v2"), compiled with `catalog` against the policy in
// `policy_file`. Returns the "decision" object of the verify contract:
//   {"accept":bool, "failed":[{"rule":..,"claim":..,"expected":..,"actual":..,"why":..}]}
// `evidence_age_seconds`: how old the evidence is at the verification time, when known.
// An Error means the policy could not be evaluated (unreadable, invalid): a usage error.
Result<nlohmann::json> evaluate_policy_for_verify(const std::string& policy_file,
                                                  const std::string& ns,
                                                  const nlohmann::json& claims_document,
                                                  std::optional<std::int64_t> evidence_age_seconds,
                                                  const policy::Catalog& catalog);

}  // namespace cchost::cli
