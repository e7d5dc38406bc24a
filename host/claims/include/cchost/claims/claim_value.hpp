#pragma once
// One typed claim value, as produced by an authorizer's verify() ("cchost.claims/v1",
// sdk/include/cchost/authorizer.h). Hex and version values keep their text form and a
// pre-parsed form, so the policy evaluator compares without parsing again.
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cchost::claims {

enum class ClaimType { Bool, Int, String, Hex, Version };

// "bool", "int", "string", "hex", "version" (the wire names).
std::string_view claim_type_name(ClaimType type);
std::optional<ClaimType> claim_type_from_name(std::string_view name);

// A dotted numeric version ("550.54.15", "1.49.3"): 1 to 16 decimal components of at most
// 9 digits each. Comparison pads the shorter one with zeros, so "1.49" == "1.49.0".
struct Version {
  std::vector<std::uint32_t> parts;
  std::string text;
};
std::optional<Version> parse_version(std::string_view text);
std::strong_ordering compare_versions(const Version& a, const Version& b);

// Lowercase hex text of an even length (0 bytes allowed), or nullopt for anything else.
// Upper-case input is accepted and folded, so a policy may paste either case.
std::optional<std::string> normalize_hex(std::string_view text);

struct ClaimValue {
  ClaimType type = ClaimType::Bool;
  bool boolean = false;
  std::int64_t integer = 0;
  std::string text;  // String: the value; Hex: lowercase hex; Version: the dotted text
  Version version;   // Version only

  static ClaimValue of_bool(bool v);
  static ClaimValue of_int(std::int64_t v);
  static ClaimValue of_string(std::string v);
  static std::optional<ClaimValue> of_hex(std::string_view hex_text);
  static std::optional<ClaimValue> of_version(std::string_view dotted);

  // The value as a policy author would write it: true, 42, "Milan", 0a1b..., 1.49.3.
  std::string display() const;
};

bool operator==(const ClaimValue& a, const ClaimValue& b);

}  // namespace cchost::claims
