#pragma once
// What `cchost verify` prints: one claim per line, or the contract's JSON object.
#include <iosfwd>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace cchost::cli {

struct VerifyReport {
  bool verified = false;
  std::string ns;
  std::string plugin_file;
  nlohmann::json claims_document;     // the plugin's "cchost.claims/v2" object, or null
  nlohmann::json decision = nullptr;  // the policy decision, or null without --policy
  std::vector<std::string> errors;
};

// {"verified":..,"namespace":..,"simulated":..,"issued_at":..,"records":[..],"decision":..,
//  "errors":[..]}
nlohmann::json verify_report_json(const VerifyReport& report);

// Human form: a status line, then `name = value (type)` per claim, then the decision and errors.
void print_verify_report_text(const VerifyReport& report, std::ostream& out);

// The pieces of that form, shared with the several-namespace report (verify_multi_report.hpp):
// `simulated`, `issued_at` and the claims of a cchost.claims/v2 document (nothing for null);
// the policy decision and each failed rule (nothing for null).
void print_claims_text(const nlohmann::json& claims_document, std::ostream& out);
void print_decision_text(const nlohmann::json& decision, std::ostream& out);

}  // namespace cchost::cli
