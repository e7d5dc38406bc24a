#include "verify_multi_report.hpp"

#include <ostream>

#include "verify_report.hpp"

namespace cchost::cli {
namespace {

using nlohmann::json;

json field_or_null(const json& doc, const char* key) {
  return doc.is_object() && doc.contains(key) ? doc[key] : json(nullptr);
}

json records_of(const json& doc) {
  json records = field_or_null(doc, "records");
  return records.is_array() ? records : json::array();
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

}  // namespace

bool MultiVerifyReport::verified() const {
  if (namespaces.empty()) return false;
  for (const auto& n : namespaces)
    if (!n.verified) return false;
  for (const auto& d : derived)
    if (!d.derived) return false;
  return true;
}

json multi_verify_report_json(const MultiVerifyReport& r) {
  json namespaces = json::array(), derived = json::array(), skipped = json::array(), errors = json::array();
  for (const auto& n : r.namespaces) {
    namespaces.push_back({{"namespace", n.ns},
                          {"plugin", n.plugin_file},
                          {"verified", n.verified},
                          {"simulated", field_or_null(n.claims_document, "simulated")},
                          {"issued_at", field_or_null(n.claims_document, "issued_at")},
                          {"records", records_of(n.claims_document)},
                          {"errors", n.errors}});
    for (const auto& e : n.errors) errors.push_back(e);
  }
  for (const auto& d : r.derived) {
    derived.push_back({{"namespace", d.ns},
                       {"plugin", d.plugin_file},
                       {"relates", d.relates},
                       {"derived", d.derived},
                       {"simulated", field_or_null(d.claims_document, "simulated")},
                       {"issued_at", field_or_null(d.claims_document, "issued_at")},
                       {"records", records_of(d.claims_document)},
                       {"errors", d.errors}});
    for (const auto& e : d.errors) errors.push_back(e);
  }
  for (const auto& s : r.skipped) {
    skipped.push_back({{"namespace", s.ns},
                       {"plugin", s.plugin_file},
                       {"relates", s.relates},
                       {"missing", s.missing},
                       {"reason", s.reason}});
  }
  for (const auto& e : r.errors) errors.push_back(e);
  return json{{"schema", kVerifyMultiSchema}, {"verified", r.verified()}, {"namespaces", namespaces},
              {"derived", derived},          {"skipped", skipped},         {"decision", r.decision},
              {"errors", errors}};
}

void print_multi_verify_report_text(const MultiVerifyReport& r, std::ostream& out) {
  bool first = true;
  auto section = [&] {
    if (!first) out << "\n";
    first = false;
  };
  for (const auto& n : r.namespaces) {
    section();
    out << (n.verified ? "verified: " : "NOT verified: ") << n.ns;
    if (!n.plugin_file.empty()) out << " (plugin " << n.plugin_file << ")";
    out << "\n";
    print_claims_text(n.claims_document, out);
    for (const auto& e : n.errors) out << "error: " << e << "\n";
  }
  for (const auto& d : r.derived) {
    section();
    out << (d.derived ? "derived: " : "NOT derived: ") << d.ns << " (plugin " << d.plugin_file << ", from "
        << joined(d.relates) << ")\n";
    print_claims_text(d.claims_document, out);
    for (const auto& e : d.errors) out << "error: " << e << "\n";
  }
  for (const auto& s : r.skipped) {
    section();
    out << "skipped: " << s.ns << " (plugin " << s.plugin_file << "): " << s.reason << "\n";
  }
  if (r.decision.is_object() || !r.errors.empty()) section();
  print_decision_text(r.decision, out);
  for (const auto& e : r.errors) out << "error: " << e << "\n";
}

}  // namespace cchost::cli
