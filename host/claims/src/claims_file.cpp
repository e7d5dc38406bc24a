// Claims files for `cchost policy explain`: the shapes listed in claims_file.hpp.
#include <fstream>
#include <sstream>

#include "cchost/claims/claims_file.hpp"

namespace cchost::claims {
namespace {

Status add_one(ClaimsByNamespace& out, const nlohmann::json& j, const std::string& expected_ns) {
  auto parsed = claims_from_json(j);
  if (!parsed) return parsed.error();
  if (!expected_ns.empty() && parsed->ns != expected_ns) {
    return make_error("claims file: key \"" + expected_ns + "\" holds namespace \"" + parsed->ns + "\"");
  }
  if (out.count(parsed->ns) != 0) return make_error("claims file: namespace \"" + parsed->ns + "\" appears twice");
  std::string ns = parsed->ns;
  out.emplace(std::move(ns), std::move(*parsed));
  return {};
}

Status add_collection(ClaimsByNamespace& out, const nlohmann::json& j) {
  if (j.is_array()) {
    for (const auto& item : j) {
      if (auto s = add_one(out, item, ""); !s) return s;
    }
    return {};
  }
  if (j.is_object()) {
    for (const auto& [key, item] : j.items()) {
      if (auto s = add_one(out, item, key); !s) return s;
    }
    return {};
  }
  return make_error(std::string("claims file: expected an array or an object of claims, got ") + j.type_name());
}

// `cchost verify --json` output: {"verified", "namespace", "simulated", "issued_at", "records": [..],
// "decision", "errors"}. Only a verified report yields claims: unverified evidence must not be appraised.
Status add_verify_report(ClaimsByNamespace& out, const nlohmann::json& j) {
  if (!j["verified"].is_boolean() || !j["verified"].get<bool>()) {
    return make_error("claims file: the verify report says the evidence was not verified; its claims cannot be used");
  }
  nlohmann::json doc = {{"schema", std::string(kClaimsSchema)},
                        {"namespace", j.value("namespace", nlohmann::json())},
                        {"simulated", j.value("simulated", nlohmann::json())},
                        {"issued_at", j.value("issued_at", nlohmann::json())},
                        {"records", j["records"]}};
  return add_one(out, doc, "");
}

// A `cchost verify --json` report names its schema; reports written before it did are
// recognised by their fields. Checked before the claims schema, which it would otherwise fail.
bool is_verify_report(const nlohmann::json& j) {
  if (!j.is_object()) return false;
  if (j.contains("schema")) return j["schema"] == "cchost.verify/v1";
  return j.contains("verified") && j.contains("namespace") && j.contains("records");
}

}  // namespace

Result<ClaimsByNamespace> parse_claims_file_text(std::string_view json_text) {
  auto j = nlohmann::json::parse(json_text.begin(), json_text.end(), nullptr, false);
  if (j.is_discarded()) return make_error("claims file: not valid JSON");
  ClaimsByNamespace out;
  Status s;
  if (is_verify_report(j)) {
    s = add_verify_report(out, j);
  } else if (j.is_object() && j.contains("schema")) {
    s = add_one(out, j, "");
  } else if (j.is_object() && j.contains("claims")) {
    s = add_collection(out, j["claims"]);  // wrapper, e.g. `cchost verify --json`
  } else {
    s = add_collection(out, j);
  }
  if (!s) return s.error();
  return out;
}

Result<ClaimsByNamespace> load_claims_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error("claims file: cannot open " + path);
  std::ostringstream text;
  text << in.rdbuf();
  auto r = parse_claims_file_text(text.str());
  if (!r) return make_error(path + ": " + r.message());
  return r;
}

}  // namespace cchost::claims
