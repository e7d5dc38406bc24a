#pragma once
// What `cchost verify --evidence NS=FILE ...` prints: each namespace's claims, then the
// composite stages' derived claims (and the stages not run), then the policy decision.
#include <iosfwd>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace cchost::cli {

inline constexpr const char* kVerifyMultiSchema = "cchost.verify.multi/v1";

struct NamespaceReport {  // one --evidence NS=FILE
  std::string ns;
  std::string plugin_file;
  bool verified = false;
  nlohmann::json claims_document;  // cchost.claims/v2, or null
  std::vector<std::string> errors; // each names the namespace
};

struct DerivedReport {  // one composite stage that ran
  std::string ns;
  std::string plugin_file;
  std::vector<std::string> relates;
  bool derived = false;
  nlohmann::json claims_document;  // cchost.claims/v2, or null
  std::vector<std::string> errors;
};

struct SkippedReport {  // a composite stage relating a given namespace whose inputs are not all verified
  std::string ns;
  std::string plugin_file;
  std::vector<std::string> relates;
  std::vector<std::string> missing;  // relates not verified, in relates order
  std::string reason;
};

struct MultiVerifyReport {
  std::vector<NamespaceReport> namespaces;
  std::vector<DerivedReport> derived;
  std::vector<SkippedReport> skipped;
  nlohmann::json decision = nullptr;  // null without --policy, or when it was not evaluated
  std::vector<std::string> errors;    // not of one namespace: usage, policy

  // Every namespace verified and every stage that ran derived its claims.
  bool verified() const;
};

// {"schema":"cchost.verify.multi/v1","verified":..,
//  "namespaces":[{"namespace","plugin","verified","simulated","issued_at","records","errors"}],
//  "derived":[{"namespace","plugin","relates","derived","simulated","issued_at","records","errors"}],
//  "skipped":[{"namespace","plugin","relates","missing","reason"}],
//  "decision":..,"errors":[every error above, then the report's own]}
nlohmann::json multi_verify_report_json(const MultiVerifyReport& report);

// Human form: per namespace the single form's lines (verify_report.hpp), then `derived:` and
// `skipped:` sections, then the decision and the report's own errors; a blank line between.
void print_multi_verify_report_text(const MultiVerifyReport& report, std::ostream& out);

}  // namespace cchost::cli
