// Strict parser and writer for the "cchost.claims/v2" JSON. The input comes from plugins
// (third-party code), so nothing is trusted: unknown keys, wrong types and malformed hex or
// versions are errors that name the claim, never silently dropped values.
#include <limits>

#include "cchost/claims/namespace_claims.hpp"

namespace cchost::claims {
namespace {

constexpr std::size_t kMaxNameLength = 128;
constexpr std::size_t kMaxNamespaceLength = 64;
constexpr std::size_t kMaxClassLength = 32;
constexpr std::size_t kMaxRecordIdLength = 128;
constexpr std::uint32_t kMaxRecordIndex = 65535;

std::string json_kind(const nlohmann::json& j) { return j.type_name(); }

Result<ClaimValue> parse_one_claim(const std::string& record, const std::string& name, const nlohmann::json& entry) {
  const std::string where = record + "claim \"" + name + "\"";
  if (!entry.is_object()) return make_error(where + ": expected an object {type, value}, got " + json_kind(entry));
  for (const auto& [key, _] : entry.items()) {
    if (key != "type" && key != "value") return make_error(where + ": unknown key \"" + key + "\"");
  }
  const auto type_it = entry.find("type");
  const auto value_it = entry.find("value");
  if (type_it == entry.end() || !type_it->is_string()) return make_error(where + ": missing string \"type\"");
  if (value_it == entry.end()) return make_error(where + ": missing \"value\"");
  const auto type = claim_type_from_name(type_it->get<std::string>());
  if (!type) {
    return make_error(where + ": unknown type \"" + type_it->get<std::string>() +
                      "\" (expected bool, int, string, hex or version)");
  }
  const nlohmann::json& v = *value_it;
  switch (*type) {
    case ClaimType::Bool:
      if (!v.is_boolean()) return make_error(where + ": type bool needs a JSON boolean, got " + json_kind(v));
      return ClaimValue::of_bool(v.get<bool>());
    case ClaimType::Int:
      if (v.is_number_integer()) {
        if (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
          return make_error(where + ": int value out of the signed 64-bit range");
        }
        return ClaimValue::of_int(v.get<std::int64_t>());
      }
      return make_error(where + ": type int needs a JSON integer, got " + json_kind(v));
    case ClaimType::String:
      if (!v.is_string()) return make_error(where + ": type string needs a JSON string, got " + json_kind(v));
      return ClaimValue::of_string(v.get<std::string>());
    case ClaimType::Hex: {
      if (!v.is_string()) return make_error(where + ": type hex needs a JSON string, got " + json_kind(v));
      auto c = ClaimValue::of_hex(v.get<std::string>());
      if (!c) return make_error(where + ": not hex (expected an even number of hex digits): \"" + v.get<std::string>() + "\"");
      return std::move(*c);
    }
    case ClaimType::Version: {
      if (!v.is_string()) return make_error(where + ": type version needs a JSON string, got " + json_kind(v));
      auto c = ClaimValue::of_version(v.get<std::string>());
      if (!c) return make_error(where + ": not a dotted numeric version: \"" + v.get<std::string>() + "\"");
      return std::move(*c);
    }
  }
  return make_error(where + ": unreachable type");
}

bool printable(std::string_view s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) return false;
  }
  return true;
}

Result<ClaimRecord> parse_record(std::size_t i, const nlohmann::json& r) {
  const std::string where = "record " + std::to_string(i);
  if (!r.is_object()) return make_error("claims: " + where + ": expected an object {class, index, id, claims}, got " + json_kind(r));
  for (const auto& [key, _] : r.items()) {
    if (key != "class" && key != "index" && key != "id" && key != "claims") {
      return make_error("claims: " + where + ": unknown key \"" + key + "\"");
    }
  }
  ClaimRecord out;
  const auto cls = r.find("class");
  if (cls == r.end() || !cls->is_string() || !is_valid_record_class(cls->get<std::string>())) {
    return make_error("claims: " + where + ": \"class\" must be a string of [a-z0-9_-]{1,32}");
  }
  out.cls = cls->get<std::string>();
  const auto index = r.find("index");
  if (index == r.end() || !index->is_number_unsigned() || index->get<std::uint64_t>() > kMaxRecordIndex) {
    return make_error("claims: " + where + ": \"index\" must be an integer 0.." + std::to_string(kMaxRecordIndex));
  }
  out.index = static_cast<std::uint32_t>(index->get<std::uint64_t>());
  const auto id = r.find("id");
  if (id == r.end() || !id->is_string() || id->get<std::string>().size() > kMaxRecordIdLength ||
      !printable(id->get<std::string>())) {
    return make_error("claims: " + where + ": \"id\" must be a string of at most " +
                      std::to_string(kMaxRecordIdLength) + " printable characters");
  }
  out.id = id->get<std::string>();
  const auto claims = r.find("claims");
  if (claims == r.end() || !claims->is_object()) return make_error("claims: " + where + ": missing object \"claims\"");
  const std::string prefix = i == 0 ? std::string() : where + " ";
  for (const auto& [name, entry] : claims->items()) {
    if (!is_valid_claim_name(name)) return make_error(prefix + "claim \"" + name + "\": invalid name (expected [a-z0-9_.]+)");
    auto value = parse_one_claim(prefix, name, entry);
    if (!value) return value.error();
    out.claims.emplace(name, std::move(*value));
  }
  return out;
}

}  // namespace

bool is_valid_record_class(std::string_view cls) {
  if (cls.empty() || cls.size() > kMaxClassLength) return false;
  for (char c : cls) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
  }
  return true;
}

bool is_valid_namespace(std::string_view ns) {
  if (ns.size() < 3 || ns.size() > kMaxNamespaceLength || ns.substr(0, 2) != "x-") return false;
  for (char c : ns.substr(2)) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

bool is_valid_claim_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameLength) return false;
  if (name.front() == '.' || name.back() == '.') return false;
  char prev = 0;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.')) return false;
    if (c == '.' && prev == '.') return false;
    prev = c;
  }
  return true;
}

Result<NamespaceClaims> claims_from_json(const nlohmann::json& j) {
  if (!j.is_object()) return make_error("claims: expected a JSON object, got " + json_kind(j));
  // The schema first: a document of another version is named as such, not as unknown keys.
  const auto schema = j.find("schema");
  if (schema == j.end() || !schema->is_string() || schema->get<std::string>() != kClaimsSchema) {
    return make_error("claims: \"schema\" must be \"" + std::string(kClaimsSchema) + "\"");
  }
  for (const auto& [key, _] : j.items()) {
    if (key != "schema" && key != "namespace" && key != "simulated" && key != "issued_at" && key != "records") {
      return make_error("claims: unknown key \"" + key + "\"");
    }
  }
  NamespaceClaims out;
  const auto ns = j.find("namespace");
  if (ns == j.end() || !ns->is_string()) return make_error("claims: missing string \"namespace\"");
  out.ns = ns->get<std::string>();
  if (!is_valid_namespace(out.ns)) return make_error("claims: invalid namespace \"" + out.ns + "\" (expected x-[a-z0-9-]+)");
  const auto sim = j.find("simulated");
  if (sim == j.end() || !sim->is_boolean()) return make_error("claims: missing boolean \"simulated\"");
  out.simulated = sim->get<bool>();
  const auto issued = j.find("issued_at");
  if (issued != j.end() && !issued->is_null()) {
    if (!issued->is_number_integer() || (issued->is_number_unsigned() && issued->get<std::uint64_t>() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))) {
      return make_error("claims: \"issued_at\" must be an integer (seconds since the epoch) or null");
    }
    out.issued_at = issued->get<std::int64_t>();
  }
  const auto records = j.find("records");
  if (records == j.end() || !records->is_array()) return make_error("claims: missing array \"records\"");
  if (records->empty() || records->size() > kMaxRecords) {
    return make_error("claims: \"records\" holds " + std::to_string(records->size()) + " records, expected 1.." +
                      std::to_string(kMaxRecords));
  }
  out.records.reserve(records->size());
  for (std::size_t i = 0; i < records->size(); ++i) {
    auto record = parse_record(i, (*records)[i]);
    if (!record) return record.error();
    out.records.push_back(std::move(*record));
  }
  return out;
}

Result<NamespaceClaims> parse_claims_json(std::string_view json_text) {
  auto j = nlohmann::json::parse(json_text.begin(), json_text.end(), nullptr, false);
  if (j.is_discarded()) return make_error("claims: not valid JSON");
  return claims_from_json(j);
}

nlohmann::json claim_value_to_json(const ClaimValue& value) {
  nlohmann::json v;
  switch (value.type) {
    case ClaimType::Bool: v = value.boolean; break;
    case ClaimType::Int: v = value.integer; break;
    case ClaimType::String:
    case ClaimType::Hex:
    case ClaimType::Version: v = value.text; break;
  }
  return {{"type", std::string(claim_type_name(value.type))}, {"value", v}};
}

nlohmann::json to_json(const NamespaceClaims& claims) {
  nlohmann::json out = {{"schema", std::string(kClaimsSchema)},
                        {"namespace", claims.ns},
                        {"simulated", claims.simulated},
                        {"issued_at", nullptr},
                        {"records", nlohmann::json::array()}};
  if (claims.issued_at) out["issued_at"] = *claims.issued_at;
  for (const auto& r : claims.records) {
    nlohmann::json values = nlohmann::json::object();
    for (const auto& [name, value] : r.claims) values[name] = claim_value_to_json(value);
    out["records"].push_back({{"class", r.cls}, {"index", r.index}, {"id", r.id}, {"claims", std::move(values)}});
  }
  return out;
}

}  // namespace cchost::claims
