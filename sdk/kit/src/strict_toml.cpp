// The kit's one strict TOML reader (plugins read their config with it).
#include "cchost/verify/strict_toml.hpp"

namespace cchost::vkit {
namespace {
int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

Result<toml::table> parse_toml(std::string_view text, const std::string& source) {
  try {
    return toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    const auto& begin = e.source().begin;
    std::string where = source;
    if (begin.line != 0) where += ":" + std::to_string(begin.line) + ":" + std::to_string(begin.column);
    return make_error(where + ": " + std::string(e.description()));
  }
}

Result<Bytes> decode_hex(std::string_view text) {
  if (text.size() % 2 != 0) {
    return make_error("odd length: expected an even number of hex digits, got " +
                      std::to_string(text.size()));
  }
  Bytes out;
  out.reserve(text.size() / 2);
  for (std::size_t i = 0; i < text.size(); i += 2) {
    const int hi = hex_digit(text[i]);
    const int lo = hex_digit(text[i + 1]);
    if (hi < 0 || lo < 0) {
      return make_error("invalid character at position " + std::to_string(hi < 0 ? i : i + 1) +
                        ": expected 0-9, a-f or A-F");
    }
    out.push_back(static_cast<std::uint8_t>((hi << 4) | lo));
  }
  return out;
}

std::string toml_type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::date:
    case toml::node_type::time:
    case toml::node_type::date_time: return "a date/time";
    default: return "nothing";
  }
}

StrictTable::StrictTable(const toml::table& table, std::string context)
    : table_(table), context_(std::move(context)) {}

Error StrictTable::error(std::string_view key, const std::string& what) const {
  return make_error(context_ + " " + std::string(key) + ": " + what);
}

const toml::node* StrictTable::lookup(std::string_view key) {
  known_.emplace(key);
  return table_.get(key);
}

Result<std::optional<std::string>> StrictTable::string(std::string_view key) {
  const toml::node* node = lookup(key);
  if (node == nullptr) return std::optional<std::string>{};
  if (!node->is_string()) return error(key, "expected a string, got " + toml_type_name(*node));
  return std::optional<std::string>{node->as_string()->get()};
}

Result<std::optional<bool>> StrictTable::boolean(std::string_view key) {
  const toml::node* node = lookup(key);
  if (node == nullptr) return std::optional<bool>{};
  if (!node->is_boolean()) return error(key, "expected true or false, got " + toml_type_name(*node));
  return std::optional<bool>{node->as_boolean()->get()};
}

Result<std::optional<std::int64_t>> StrictTable::integer(std::string_view key, std::int64_t min,
                                                         std::int64_t max) {
  const toml::node* node = lookup(key);
  if (node == nullptr) return std::optional<std::int64_t>{};
  if (!node->is_integer()) return error(key, "expected an integer, got " + toml_type_name(*node));
  const std::int64_t v = node->as_integer()->get();
  if (v < min || v > max) {
    return error(key, "expected " + std::to_string(min) + ".." + std::to_string(max) + ", got " +
                          std::to_string(v));
  }
  return std::optional<std::int64_t>{v};
}

Result<std::optional<Bytes>> StrictTable::hex(std::string_view key,
                                              std::initializer_list<std::size_t> sizes) {
  auto text = string(key);
  if (!text) return text.error();
  if (!*text) return std::optional<Bytes>{};
  auto decoded = decode_hex(**text);
  if (!decoded) return error(key, "not a hex string: " + decoded.message());
  std::string expected;
  for (std::size_t size : sizes) {
    if (decoded->size() == size) return std::optional<Bytes>{std::move(*decoded)};
    expected += (expected.empty() ? "" : " or ") + std::to_string(size);
  }
  return error(key, "expected " + expected + " bytes (" + std::to_string(2 * *sizes.begin()) +
                        " hex digits), got " + std::to_string(decoded->size()) + " bytes");
}

Result<const toml::table*> StrictTable::table(std::string_view key) {
  const toml::node* node = lookup(key);
  if (node == nullptr) return static_cast<const toml::table*>(nullptr);
  if (!node->is_table()) return error(key, "expected a table, got " + toml_type_name(*node));
  return node->as_table();
}

Result<const toml::array*> StrictTable::array(std::string_view key) {
  const toml::node* node = lookup(key);
  if (node == nullptr) return static_cast<const toml::array*>(nullptr);
  if (!node->is_array()) return error(key, "expected an array, got " + toml_type_name(*node));
  return node->as_array();
}

Status StrictTable::finish() const {
  for (const auto& [key, value] : table_) {
    if (known_.find(key.str()) == known_.end()) {
      std::string expected;
      for (const auto& k : known_) expected += (expected.empty() ? "" : ", ") + k;
      return make_error(context_ + " " + std::string(key.str()) + ": unknown key" +
                        (expected.empty() ? std::string(" (no keys are accepted here)")
                                          : " (expected one of " + expected + ")"));
    }
  }
  return {};
}

}  // namespace cchost::vkit
