#pragma once
// Strict reading of TOML configuration: every key read is recorded, wrong types and out-of-range
// values are errors naming the key, and finish() rejects keys nobody asked for (a typo such as
// `debgu = true` must not silently fall back to the default).
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include <toml++/toml.h>

#include "cchost/bytes.hpp"
#include "cchost/result.hpp"

namespace cchost::vkit {

// Parses TOML text; a syntax error reads "<source>:LINE:COL: <what>".
Result<toml::table> parse_toml(std::string_view text, const std::string& source);

class StrictTable {
 public:
  // `context` prefixes every message, e.g. "[sim]" gives "[sim] measurement: ...". The table
  // must outlive the reader.
  StrictTable(const toml::table& table, std::string context);

  Result<std::optional<std::string>> string(std::string_view key);
  Result<std::optional<bool>> boolean(std::string_view key);
  Result<std::optional<std::int64_t>> integer(std::string_view key, std::int64_t min,
                                              std::int64_t max);
  // A hex string (no prefix, no separators) of exactly one of `sizes` bytes.
  Result<std::optional<Bytes>> hex(std::string_view key, std::initializer_list<std::size_t> sizes);
  Result<const toml::table*> table(std::string_view key);  // nullptr when absent
  Result<const toml::array*> array(std::string_view key);  // nullptr when absent

  // Marks `key` as read by another reader this table is handed to (it is not unknown).
  void allow(std::string_view key) { known_.emplace(key); }

  // Errors on the first key that no getter read, listing the keys that were asked for.
  Status finish() const;

  const std::string& context() const { return context_; }
  Error error(std::string_view key, const std::string& what) const;

 private:
  const toml::node* lookup(std::string_view key);
  const toml::table& table_;
  std::string context_;
  std::set<std::string, std::less<>> known_;
};

// "a string", "an integer", ... for messages.
std::string toml_type_name(const toml::node& node);

// Hex digits (either case, no prefix, no separators) to bytes; errors name the bad position.
Result<Bytes> decode_hex(std::string_view text);

}  // namespace cchost::vkit
