// Strict parser and writer for the "cchost.claims/v1" JSON. The input comes from plugins
// (third-party code), so nothing is trusted: unknown keys, wrong types and malformed hex or
// versions are errors that name the claim, never silently dropped values.
#include <limits>

#include "cchost/claims/namespace_claims.hpp"

namespace cchost::claims {
namespace {

constexpr std::size_t kMaxNameLength = 128;
constexpr std::size_t kMaxNamespaceLength = 64;

std::string json_kind(const nlohmann::json& j) { return j.type_name(); }

Result<ClaimValue> parse_one_claim(const std::string& name, const nlohmann::json& entry) {
  const std::string where = "claim \"" + name + "\"";
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

}  // namespace

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
  for (const auto& [key, _] : j.items()) {
    if (key != "schema" && key != "namespace" && key != "simulated" && key != "issued_at" && key != "claims") {
      return make_error("claims: unknown key \"" + key + "\"");
    }
  }
  const auto schema = j.find("schema");
  if (schema == j.end() || !schema->is_string() || schema->get<std::string>() != kClaimsSchema) {
    return make_error("claims: \"schema\" must be \"" + std::string(kClaimsSchema) + "\"");
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
  const auto claims = j.find("claims");
  if (claims == j.end() || !claims->is_object()) return make_error("claims: missing object \"claims\"");
  for (const auto& [name, entry] : claims->items()) {
    if (!is_valid_claim_name(name)) return make_error("claim \"" + name + "\": invalid name (expected [a-z0-9_.]+)");
    auto value = parse_one_claim(name, entry);
    if (!value) return value.error();
    out.claims.emplace(name, std::move(*value));
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
                        {"claims", nlohmann::json::object()}};
  if (claims.issued_at) out["issued_at"] = *claims.issued_at;
  for (const auto& [name, value] : claims.claims) out["claims"][name] = claim_value_to_json(value);
  return out;
}

}  // namespace cchost::claims
