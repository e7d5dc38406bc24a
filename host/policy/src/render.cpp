// Decision and error rendering (CLI text, JSON for the audit log and `verify --json`).
#include "cchost/policy/render.hpp"

namespace cchost::policy {
namespace {

nlohmann::json outcome_json(const RuleOutcome& o) {
  nlohmann::json j = {{"rule", o.rule}, {"claim", o.claim}, {"expected", o.expected}, {"actual", o.actual}, {"why", o.why}};
  if (!o.ns.empty()) j["namespace"] = o.ns;
  return j;
}

std::string outcome_line(const char* verdict, const RuleOutcome& o) {
  std::string line = std::string(verdict) + " " + o.rule;
  if (!o.ns.empty()) line += " [" + o.ns + "]";
  return line + ": " + (o.claim.empty() ? "" : o.claim + " ") + o.expected + " (actual " + o.actual + ") - " + o.why +
         "\n";
}

}  // namespace

nlohmann::json decision_to_json(const Decision& decision) {
  nlohmann::json j = {{"accept", decision.accept}, {"failed", nlohmann::json::array()}};
  for (const auto& o : decision.failed) j["failed"].push_back(outcome_json(o));
  if (!decision.passed.empty()) {
    j["passed"] = nlohmann::json::array();
    for (const auto& o : decision.passed) j["passed"].push_back(outcome_json(o));
  }
  return j;
}

std::string decision_to_text(const Decision& decision) {
  std::string out;
  for (const auto& o : decision.passed) out += outcome_line("PASS", o);
  for (const auto& o : decision.failed) out += outcome_line("FAIL", o);
  out += std::string("decision: ") + (decision.accept ? "accept" : "reject") + " (" +
         std::to_string(decision.failed.size()) + " failed)\n";
  return out;
}

nlohmann::json errors_to_json(const std::vector<PolicyError>& errors) {
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& e : errors) {
    arr.push_back({{"file", e.file}, {"line", e.line}, {"column", e.column}, {"message", e.message}});
  }
  return arr;
}

}  // namespace cchost::policy
