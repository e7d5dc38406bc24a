#pragma once
// Strict reading of TOML tables: every key must be known, every type right, and every error
// says "SOURCE:LINE: message". Configuration typos must fail loudly, never be ignored.
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include <toml++/toml.h>

#include "cchost/result.hpp"

namespace cchost::kit {

// Parses TOML text; a syntax error becomes "SOURCE:LINE: message".
Result<toml::table> parse_toml_text(std::string_view text, const std::string& source);

// "SOURCE:LINE" of a node (or just SOURCE when toml++ has no position for it).
std::string where(const std::string& source, const toml::source_region& region);

class TableReader {
 public:
  // `context` names the table in messages, e.g. "[server]".
  TableReader(const toml::table& table, std::string source, std::string context);

  // Marks `key` as known and returns its node (nullptr when absent).
  const toml::node* take(std::string_view key);

  Result<std::string> required_string(std::string_view key);
  Result<std::optional<std::string>> optional_string(std::string_view key);
  Result<std::int64_t> required_int(std::string_view key);
  Result<bool> optional_bool(std::string_view key, bool fallback);
  Result<const toml::table*> optional_table(std::string_view key);
  Result<const toml::array*> optional_array(std::string_view key);

  // Fails on the first key that nobody asked for, with its line.
  Status finish() const;

  const std::string& source() const { return source_; }
  std::string where_table() const;
  std::string where_key(std::string_view key) const;

 private:
  const toml::table& table_;
  std::string source_;
  std::string context_;
  std::set<std::string, std::less<>> known_;
};

}  // namespace cchost::kit
