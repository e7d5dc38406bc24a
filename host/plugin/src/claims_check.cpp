#include "cchost/plugin/claims_check.hpp"

#include <nlohmann/json.hpp>

namespace cchost::plugin {
namespace {

using nlohmann::json;

bool is_lower_hex(const std::string& s) {
  if (s.size() % 2) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// Dotted numeric: "1", "550.54.15".
bool is_dotted_version(const std::string& s) {
  if (s.empty() || s.front() == '.' || s.back() == '.') return false;
  char prev = '.';
  for (char c : s) {
    if (c == '.' && prev == '.') return false;
    if (c != '.' && !(c >= '0' && c <= '9')) return false;
    prev = c;
  }
  return true;
}

bool valid_claim_name(const std::string& name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.')) return false;
  }
  return true;
}

Status check_claim(const std::string& name, const json& claim) {
  auto fail = [&](const std::string& why) { return make_error("claim '" + name + "': " + why); };
  if (!valid_claim_name(name)) return fail("name: expected [a-z0-9_.]+");
  if (!claim.is_object() || !claim.contains("type") || !claim.contains("value") ||
      !claim["type"].is_string()) {
    return fail("expected {\"type\":..,\"value\":..}");
  }
  const std::string type = claim["type"].get<std::string>();
  const json& value = claim["value"];
  if (type == "bool") return value.is_boolean() ? Status{} : fail("type bool: value is not a boolean");
  if (type == "int") {
    return value.is_number_integer() ? Status{} : fail("type int: value is not an integer");
  }
  if (type == "string") return value.is_string() ? Status{} : fail("type string: value is not a string");
  if (type == "hex") {
    return value.is_string() && is_lower_hex(value.get<std::string>())
               ? Status{}
               : fail("type hex: expected an even number of lowercase hex digits");
  }
  if (type == "version") {
    return value.is_string() && is_dotted_version(value.get<std::string>())
               ? Status{}
               : fail("type version: expected dotted numbers like 1.2.3");
  }
  return fail("type '" + type + "': expected bool, int, string, hex or version");
}

}  // namespace

Status check_claims_json(const std::string& json_text, const std::string& expected_ns) {
  json doc = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) return make_error("claims: not a JSON object");
  if (doc.value("schema", json()) != json("cchost.claims/v1")) {
    return make_error("claims: expected schema \"cchost.claims/v1\", got " +
                      doc.value("schema", json()).dump());
  }
  if (doc.value("namespace", json()) != json(expected_ns)) {
    return make_error("claims: expected namespace \"" + expected_ns + "\", got " +
                      doc.value("namespace", json()).dump());
  }
  if (!doc.contains("claims") || !doc["claims"].is_object()) {
    return make_error("claims: \"claims\" is missing or not an object");
  }
  if (doc.contains("simulated") && !doc["simulated"].is_boolean()) {
    return make_error("claims: \"simulated\" is not a boolean");
  }
  if (doc.contains("issued_at") && !doc["issued_at"].is_null() &&
      !doc["issued_at"].is_number_integer()) {
    return make_error("claims: \"issued_at\" is neither null nor an integer");
  }
  for (const auto& [name, claim] : doc["claims"].items()) {
    if (auto s = check_claim(name, claim); !s) return s;
  }
  return {};
}

}  // namespace cchost::plugin
