#pragma once
// The policy step of `cchost verify --policy FILE`.
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "cchost/claims/namespace_claims.hpp"
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

// The same over several namespaces at once (verified and derived by composite stages), as the
// runtime appraises one bundle: `require` and rules see all of them together.
Result<nlohmann::json> evaluate_policy_for_verify(const std::string& policy_file,
                                                  const std::map<std::string, claims::NamespaceClaims>& claims_by_ns,
                                                  std::optional<std::int64_t> evidence_age_seconds,
                                                  const policy::Catalog& catalog);

}  // namespace cchost::cli
