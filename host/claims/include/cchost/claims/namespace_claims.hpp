#pragma once
// The claims one authorizer produced for one peer: the parsed form of the "cchost.claims/v1"
// JSON (sdk/include/cchost/authorizer.h), and its strict parser.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "cchost/claims/claim_value.hpp"
#include "cchost/result.hpp"

namespace cchost::claims {

inline constexpr std::string_view kClaimsSchema = "cchost.claims/v1";

struct NamespaceClaims {
  std::string ns;                          // "x-snp", "x-nv-gpu", ...
  bool simulated = false;                  // rooted in a simulated vendor CA
  std::optional<std::int64_t> issued_at;   // seconds since the epoch, if the evidence has one
  std::map<std::string, ClaimValue, std::less<>> claims;  // sorted: deterministic output
};

// Namespace names: "x-" then [a-z0-9-]+ (at most 64 characters).
bool is_valid_namespace(std::string_view ns);
// Claim names: [a-z0-9_.]+, no leading/trailing/double dot (at most 128 characters).
bool is_valid_claim_name(std::string_view name);

// Strict: the schema string must match; every key is known; every claim has a known type and a
// value of that type (hex even-length hex digits, version dotted numeric). Errors name the claim.
Result<NamespaceClaims> parse_claims_json(std::string_view json_text);
Result<NamespaceClaims> claims_from_json(const nlohmann::json& j);

nlohmann::json to_json(const NamespaceClaims& claims);
nlohmann::json claim_value_to_json(const ClaimValue& value);

}  // namespace cchost::claims
