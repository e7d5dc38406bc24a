#pragma once
// Validators for names and values that end up in file paths or on the wire. Deny by default:
// anything outside the small alphabet is refused rather than escaped.
#include <cstdint>
#include <string_view>

#include "cchost/kit/kit.hpp"
#include "cchost/result.hpp"

namespace cchost::kit {

// Participant, project and plugin file names: [A-Za-z0-9._-]{1,64}, not starting with '.'.
// Stops path traversal ("../x") and hidden files through a name.
bool is_safe_name(std::string_view name);

// A kit-relative path: safe names joined by '/', no empty, "." or ".." segments.
bool is_safe_relative_path(std::string_view path);

// A CURVE key in Z85 text: exactly 40 characters of the ZeroMQ Z85 alphabet (RFC 32/Z85).
bool is_z85_key(std::string_view text);

// Lowercase hex SHA-256: exactly 64 characters [0-9a-f].
bool is_sha256_hex(std::string_view text);

// "90s", "10m", "2h", "1d"; a positive whole number and one unit. Returns seconds.
Result<std::uint64_t> parse_duration(std::string_view text);
std::string format_duration(std::uint64_t seconds);  // the largest exact unit

Result<Role> parse_role(std::string_view text);

}  // namespace cchost::kit
