#pragma once
// The claims one authorizer produced for one peer: the parsed form of the "cchost.claims/v2"
// JSON (sdk/include/cchost/authorizer.h), and its strict parser. This is the one claims model
// of the host: plugin output is validated here, once, and typed from then on.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "cchost/claims/claim_value.hpp"
#include "cchost/result.hpp"

namespace cchost::claims {

inline constexpr std::string_view kClaimsSchema = "cchost.claims/v2";
// One evidence token may cover many devices (a board of 8 GPUs and 4 switches); bounded so a
// hostile plugin output cannot grow without limit.
inline constexpr std::size_t kMaxRecords = 256;

using ClaimMap = std::map<std::string, ClaimValue, std::less<>>;  // sorted: deterministic output

// The claims of one device: class ("cpu", "gpu", ...), 0-based index within the token, an
// identifier the plugin chose (serial, chip id; may be empty), and its claims.
struct ClaimRecord {
  std::string cls;
  std::uint32_t index = 0;
  std::string id;
  ClaimMap claims;
};

struct NamespaceClaims {
  std::string ns;                          // "x-" + the plugin's name
  bool simulated = false;                  // rooted in a simulated vendor CA
  std::optional<std::int64_t> issued_at;   // seconds since the epoch, if the evidence has one
  std::vector<ClaimRecord> records;        // at least one
};

// Namespace names: "x-" then [a-z0-9-]+ (at most 64 characters).
bool is_valid_namespace(std::string_view ns);
// Claim names: [a-z0-9_.]+, no leading/trailing/double dot (at most 128 characters).
bool is_valid_claim_name(std::string_view name);
// Record classes: [a-z0-9_-]{1,32}.
bool is_valid_record_class(std::string_view cls);

// Strict: the schema string must match; every key is known; 1..kMaxRecords records; every claim
// has a known type and a value of that type (hex even-length hex digits, version dotted
// numeric). Errors name the record and the claim.
Result<NamespaceClaims> parse_claims_json(std::string_view json_text);
Result<NamespaceClaims> claims_from_json(const nlohmann::json& j);

nlohmann::json to_json(const NamespaceClaims& claims);
nlohmann::json claim_value_to_json(const ClaimValue& value);

}  // namespace cchost::claims
