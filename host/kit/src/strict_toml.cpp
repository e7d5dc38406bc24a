#include "cchost/kit/strict_toml.hpp"

#include <sstream>

namespace cchost::kit {

namespace {
std::string type_name(const toml::node& node) {
  std::ostringstream out;
  out << node.type();
  return out.str();
}
}  // namespace

std::string where(const std::string& source, const toml::source_region& region) {
  if (region.begin.line == 0) return source;
  return source + ":" + std::to_string(region.begin.line);
}

Result<toml::table> parse_toml_text(std::string_view text, const std::string& source) {
  try {
    return toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    return make_error(where(source, e.source()) + ": " + std::string(e.description()));
  }
}

TableReader::TableReader(const toml::table& table, std::string source, std::string context)
    : table_(table), source_(std::move(source)), context_(std::move(context)) {}

std::string TableReader::where_table() const { return where(source_, table_.source()); }

std::string TableReader::where_key(std::string_view key) const {
  auto it = table_.find(key);
  if (it == table_.end()) return where_table();
  return where(source_, it->first.source());
}

const toml::node* TableReader::take(std::string_view key) {
  known_.emplace(key);
  return table_.get(key);
}

Result<std::string> TableReader::required_string(std::string_view key) {
  auto value = optional_string(key);
  if (!value) return value.error();
  if (!value->has_value()) {
    return make_error(where_table() + ": " + context_ + " is missing required key '" +
                      std::string(key) + "'");
  }
  return std::move(**value);
}

Result<std::optional<std::string>> TableReader::optional_string(std::string_view key) {
  const toml::node* node = take(key);
  if (node == nullptr) return std::optional<std::string>{};
  if (!node->is_string()) {
    return make_error(where(source_, node->source()) + ": " + context_ + " key '" +
                      std::string(key) + "' must be a string, got " +
                      type_name(*node));
  }
  return std::optional<std::string>{*node->value<std::string>()};
}

Result<std::int64_t> TableReader::required_int(std::string_view key) {
  const toml::node* node = take(key);
  if (node == nullptr) {
    return make_error(where_table() + ": " + context_ + " is missing required key '" +
                      std::string(key) + "'");
  }
  if (!node->is_integer()) {
    return make_error(where(source_, node->source()) + ": " + context_ + " key '" +
                      std::string(key) + "' must be an integer");
  }
  return *node->value<std::int64_t>();
}

Result<bool> TableReader::optional_bool(std::string_view key, bool fallback) {
  const toml::node* node = take(key);
  if (node == nullptr) return fallback;
  if (!node->is_boolean()) {
    return make_error(where(source_, node->source()) + ": " + context_ + " key '" +
                      std::string(key) + "' must be true or false");
  }
  return *node->value<bool>();
}

Result<const toml::table*> TableReader::optional_table(std::string_view key) {
  const toml::node* node = take(key);
  if (node == nullptr) return static_cast<const toml::table*>(nullptr);
  if (!node->is_table()) {
    return make_error(where(source_, node->source()) + ": " + context_ + " key '" +
                      std::string(key) + "' must be a table");
  }
  return node->as_table();
}

Result<const toml::array*> TableReader::optional_array(std::string_view key) {
  const toml::node* node = take(key);
  if (node == nullptr) return static_cast<const toml::array*>(nullptr);
  if (!node->is_array()) {
    return make_error(where(source_, node->source()) + ": " + context_ + " key '" +
                      std::string(key) + "' must be an array");
  }
  return node->as_array();
}

Status TableReader::finish() const {
  for (const auto& [key, node] : table_) {
    if (known_.find(key.str()) == known_.end()) {
      return make_error(where(source_, key.source()) + ": unknown key '" + std::string(key.str()) +
                        "' in " + context_);
    }
  }
  return {};
}

}  // namespace cchost::kit
