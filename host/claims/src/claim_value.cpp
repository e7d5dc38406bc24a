// Typed claim values: parsing of the hex and version text forms.
#include "cchost/claims/claim_value.hpp"

namespace cchost::claims {

std::string_view claim_type_name(ClaimType type) {
  switch (type) {
    case ClaimType::Bool: return "bool";
    case ClaimType::Int: return "int";
    case ClaimType::String: return "string";
    case ClaimType::Hex: return "hex";
    case ClaimType::Version: return "version";
  }
  return "?";
}

std::optional<ClaimType> claim_type_from_name(std::string_view name) {
  if (name == "bool") return ClaimType::Bool;
  if (name == "int") return ClaimType::Int;
  if (name == "string") return ClaimType::String;
  if (name == "hex") return ClaimType::Hex;
  if (name == "version") return ClaimType::Version;
  return std::nullopt;
}

std::optional<Version> parse_version(std::string_view text) {
  constexpr std::size_t kMaxParts = 16;
  constexpr std::size_t kMaxDigits = 9;  // fits u32 without overflow checks
  Version v;
  v.text = std::string(text);
  std::size_t i = 0;
  while (true) {
    std::size_t digits = 0;
    std::uint32_t part = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      if (++digits > kMaxDigits) return std::nullopt;
      part = part * 10 + static_cast<std::uint32_t>(text[i] - '0');
      ++i;
    }
    if (digits == 0) return std::nullopt;  // "", ".1", "1.", "1..2", "x"
    if (v.parts.size() == kMaxParts) return std::nullopt;
    v.parts.push_back(part);
    if (i == text.size()) return v;
    if (text[i] != '.') return std::nullopt;
    ++i;
  }
}

std::strong_ordering compare_versions(const Version& a, const Version& b) {
  const std::size_t n = a.parts.size() > b.parts.size() ? a.parts.size() : b.parts.size();
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint32_t x = i < a.parts.size() ? a.parts[i] : 0;
    const std::uint32_t y = i < b.parts.size() ? b.parts[i] : 0;
    if (x != y) return x <=> y;
  }
  return std::strong_ordering::equal;
}

std::optional<std::string> normalize_hex(std::string_view text) {
  if (text.size() % 2 != 0) return std::nullopt;
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
    const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    if (!hex) return std::nullopt;
  }
  return out;
}

ClaimValue ClaimValue::of_bool(bool v) {
  ClaimValue c;
  c.type = ClaimType::Bool;
  c.boolean = v;
  return c;
}

ClaimValue ClaimValue::of_int(std::int64_t v) {
  ClaimValue c;
  c.type = ClaimType::Int;
  c.integer = v;
  return c;
}

ClaimValue ClaimValue::of_string(std::string v) {
  ClaimValue c;
  c.type = ClaimType::String;
  c.text = std::move(v);
  return c;
}

std::optional<ClaimValue> ClaimValue::of_hex(std::string_view hex_text) {
  auto hex = normalize_hex(hex_text);
  if (!hex) return std::nullopt;
  ClaimValue c;
  c.type = ClaimType::Hex;
  c.text = std::move(*hex);
  return c;
}

std::optional<ClaimValue> ClaimValue::of_version(std::string_view dotted) {
  auto v = parse_version(dotted);
  if (!v) return std::nullopt;
  ClaimValue c;
  c.type = ClaimType::Version;
  c.text = v->text;
  c.version = std::move(*v);
  return c;
}

std::string ClaimValue::display() const {
  switch (type) {
    case ClaimType::Bool: return boolean ? "true" : "false";
    case ClaimType::Int: return std::to_string(integer);
    case ClaimType::String: return "\"" + text + "\"";
    case ClaimType::Hex:
    case ClaimType::Version: return text;
  }
  return "?";
}

bool operator==(const ClaimValue& a, const ClaimValue& b) {
  if (a.type != b.type) return false;
  switch (a.type) {
    case ClaimType::Bool: return a.boolean == b.boolean;
    case ClaimType::Int: return a.integer == b.integer;
    case ClaimType::String:
    case ClaimType::Hex: return a.text == b.text;
    case ClaimType::Version: return compare_versions(a.version, b.version) == 0;
  }
  return false;
}

}  // namespace cchost::claims
