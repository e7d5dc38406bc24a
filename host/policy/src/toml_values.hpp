#pragma once
// Typed reads of TOML values that report a located error instead of guessing.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <toml++/toml.h>

#include "error_sink.hpp"

namespace cchost::policy::detail {

std::string toml_type_name(const toml::node& node);

std::optional<bool> read_bool(const toml::node& node, const std::string& what, ErrorSink& sink);
std::optional<std::int64_t> read_int(const toml::node& node, const std::string& what, std::int64_t lo,
                                     std::int64_t hi, ErrorSink& sink);
std::optional<std::string> read_string(const toml::node& node, const std::string& what, ErrorSink& sink);

struct LocatedString {
  std::string value;
  toml::source_region where;
};
// A string, or a non-empty array of strings (a single value is a one-element list).
std::optional<std::vector<LocatedString>> read_string_list(const toml::node& node, const std::string& what,
                                                           ErrorSink& sink);

// Hex of exactly `bytes` bytes (0 = any even length), folded to lowercase.
std::optional<std::string> check_hex(const LocatedString& s, const std::string& what, std::size_t bytes,
                                     ErrorSink& sink);

// "10m", "30s", "1h30m", "2d", or an integer number of seconds; must be > 0.
std::optional<std::int64_t> read_duration(const toml::node& node, const std::string& what, ErrorSink& sink);

}  // namespace cchost::policy::detail
