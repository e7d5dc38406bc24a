// Typed reads of TOML values with located errors (expected vs actual type or value).
#include "toml_values.hpp"

#include "cchost/claims/claim_value.hpp"

namespace cchost::policy::detail {

std::string toml_type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    default: return "nothing";
  }
}

std::optional<bool> read_bool(const toml::node& node, const std::string& what, ErrorSink& sink) {
  if (auto v = node.value<bool>(); v && node.is_boolean()) return *v;
  sink.at(node, what + ": expected a boolean, got " + toml_type_name(node));
  return std::nullopt;
}

std::optional<std::int64_t> read_int(const toml::node& node, const std::string& what, std::int64_t lo,
                                     std::int64_t hi, ErrorSink& sink) {
  if (!node.is_integer()) {
    sink.at(node, what + ": expected an integer, got " + toml_type_name(node));
    return std::nullopt;
  }
  const std::int64_t v = *node.value<std::int64_t>();
  if (v < lo || v > hi) {
    sink.at(node, what + ": " + std::to_string(v) + " is out of range [" + std::to_string(lo) + ", " +
                      std::to_string(hi) + "]");
    return std::nullopt;
  }
  return v;
}

std::optional<std::string> read_string(const toml::node& node, const std::string& what, ErrorSink& sink) {
  if (node.is_string()) return *node.value<std::string>();
  sink.at(node, what + ": expected a string, got " + toml_type_name(node));
  return std::nullopt;
}

std::optional<std::vector<LocatedString>> read_string_list(const toml::node& node, const std::string& what,
                                                           ErrorSink& sink) {
  std::vector<LocatedString> out;
  if (node.is_string()) {
    out.push_back({*node.value<std::string>(), node.source()});
    return out;
  }
  const toml::array* arr = node.as_array();
  if (arr == nullptr) {
    sink.at(node, what + ": expected a string or an array of strings, got " + toml_type_name(node));
    return std::nullopt;
  }
  if (arr->empty()) {
    // An empty allow-list accepts nothing; say so instead of rejecting every peer silently.
    sink.at(node, what + ": empty list (it would accept nothing; remove the key to leave it unchecked)");
    return std::nullopt;
  }
  bool ok = true;
  for (const toml::node& item : *arr) {
    if (!item.is_string()) {
      sink.at(item, what + ": expected a string, got " + toml_type_name(item));
      ok = false;
      continue;
    }
    out.push_back({*item.value<std::string>(), item.source()});
  }
  if (!ok) return std::nullopt;
  return out;
}

std::optional<std::string> check_hex(const LocatedString& s, const std::string& what, std::size_t bytes,
                                     ErrorSink& sink) {
  auto hex = claims::normalize_hex(s.value);
  if (!hex) {
    sink.at(s.where, what + ": \"" + s.value + "\" is not hex (expected an even number of hex digits)");
    return std::nullopt;
  }
  if (bytes != 0 && hex->size() != 2 * bytes) {
    sink.at(s.where, what + ": expected " + std::to_string(bytes) + " bytes (" + std::to_string(2 * bytes) +
                         " hex digits), got " + std::to_string(hex->size() / 2) + " bytes");
    return std::nullopt;
  }
  return hex;
}

std::optional<std::int64_t> read_duration(const toml::node& node, const std::string& what, ErrorSink& sink) {
  constexpr std::int64_t kMaxSeconds = 10LL * 365 * 24 * 3600;
  if (node.is_integer()) return read_int(node, what, 1, kMaxSeconds, sink);
  if (!node.is_string()) {
    sink.at(node, what + ": expected a duration string like \"10m\" or seconds, got " + toml_type_name(node));
    return std::nullopt;
  }
  const std::string text = *node.value<std::string>();
  std::int64_t total = 0;
  std::size_t i = 0;
  bool any = false;
  while (i < text.size()) {
    std::int64_t n = 0;
    std::size_t digits = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9' && digits < 9) {
      n = n * 10 + (text[i] - '0');
      ++i;
      ++digits;
    }
    std::int64_t unit = 0;
    if (digits > 0 && i < text.size()) {
      switch (text[i]) {
        case 's': unit = 1; break;
        case 'm': unit = 60; break;
        case 'h': unit = 3600; break;
        case 'd': unit = 86400; break;
        default: break;
      }
    }
    if (unit == 0) {
      sink.at(node, what + ": \"" + text + "\" is not a duration (expected e.g. \"30s\", \"10m\", \"1h30m\", \"2d\")");
      return std::nullopt;
    }
    ++i;
    total += n * unit;
    any = true;
    if (total > kMaxSeconds) break;
  }
  if (!any || total <= 0 || total > kMaxSeconds) {
    sink.at(node, what + ": \"" + text + "\" must be between 1s and 3650d");
    return std::nullopt;
  }
  return total;
}

}  // namespace cchost::policy::detail
