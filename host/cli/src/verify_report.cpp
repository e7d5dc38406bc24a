#include "verify_report.hpp"

#include <ostream>

namespace cchost::cli {
namespace {

using nlohmann::json;

json field_or_null(const json& doc, const char* key) {
  return doc.is_object() && doc.contains(key) ? doc[key] : json(nullptr);
}

// Strings are quoted (they may hold spaces or be empty); hex and versions are printed bare.
std::string claim_value_text(const json& claim) {
  const json& value = claim.value("value", json());
  const std::string type = claim.value("type", std::string());
  if ((type == "hex" || type == "version") && value.is_string()) return value.get<std::string>();
  return value.dump();
}

}  // namespace

json verify_report_json(const VerifyReport& r) {
  json records = field_or_null(r.claims_document, "records");
  return json{{"schema", "cchost.verify/v1"},
              {"verified", r.verified},
              {"namespace", r.ns},
              {"simulated", field_or_null(r.claims_document, "simulated")},
              {"issued_at", field_or_null(r.claims_document, "issued_at")},
              {"records", records.is_array() ? records : json::array()},
              {"decision", r.decision},
              {"errors", r.errors}};
}

void print_claims_text(const json& claims_document, std::ostream& out) {
  if (!claims_document.is_object()) return;
  out << "simulated = " << field_or_null(claims_document, "simulated").dump() << "\n";
  out << "issued_at = " << field_or_null(claims_document, "issued_at").dump() << "\n";
  json records = field_or_null(claims_document, "records");
  if (!records.is_array()) records = json::array();
  for (const auto& record : records) {
    // One device: the claims alone, as before records existed; several: a header each.
    if (records.size() > 1) {
      out << "record " << record.value("class", "?") << "[" << record.value("index", 0) << "]";
      const std::string id = record.value("id", "");
      if (!id.empty()) out << " " << id;
      out << "\n";
    }
    if (!record.contains("claims") || !record["claims"].is_object()) continue;
    for (const auto& [name, claim] : record["claims"].items()) {
      out << (records.size() > 1 ? "  " : "") << name << " = " << claim_value_text(claim) << " ("
          << claim.value("type", "?") << ")\n";
    }
  }
}

void print_decision_text(const json& decision, std::ostream& out) {
  if (!decision.is_object()) return;
  out << "decision: " << (decision.value("accept", false) ? "accept" : "reject") << "\n";
  for (const auto& failed : decision.value("failed", json::array())) {
    out << "  failed rule " << failed.value("rule", "?") << " on " << failed.value("claim", "?")
        << ": expected " << failed.value("expected", json()).dump() << ", actual "
        << failed.value("actual", json()).dump() << " (" << failed.value("why", "") << ")\n";
  }
}

void print_verify_report_text(const VerifyReport& r, std::ostream& out) {
  out << (r.verified ? "verified: " : "NOT verified: ") << r.ns;
  if (!r.plugin_file.empty()) out << " (plugin " << r.plugin_file << ")";
  out << "\n";
  print_claims_text(r.claims_document, out);
  print_decision_text(r.decision, out);
  for (const auto& error : r.errors) out << "error: " << error << "\n";
}

}  // namespace cchost::cli
