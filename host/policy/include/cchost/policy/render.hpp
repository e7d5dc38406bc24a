#pragma once
// Decision and load-error rendering for the CLI, the audit log and the wire.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cchost/policy/decision.hpp"
#include "cchost/policy/loader.hpp"

namespace cchost::policy {

// {"accept":bool,"failed":[{"rule","claim","expected","actual","why"}]} (+ "passed" when recorded).
nlohmann::json decision_to_json(const Decision& decision);
// One line per rule: "PASS snp.debug: ..." / "FAIL ...", then "decision: accept|reject".
std::string decision_to_text(const Decision& decision);

nlohmann::json errors_to_json(const std::vector<PolicyError>& errors);

}  // namespace cchost::policy
