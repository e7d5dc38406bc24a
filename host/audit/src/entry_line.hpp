#pragma once
// Writing and hashing one audit line: shared by the writer (AuditLog) and the verifier, so
// both agree on the bytes that are hashed.
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "cchost/result.hpp"

namespace cchost::audit::detail {

// Lowercase hex SHA-256 of the line's bytes, '\n' excluded.
std::string line_hash(std::string_view line);

// The current UTC time as RFC 3339 with milliseconds: "2026-11-23T18:00:25.123Z".
std::string utc_now_rfc3339();

// "YYYY-MM-DDTHH:MM:SS[.fraction]Z": the shape utc_now_rfc3339() writes.
bool looks_like_rfc3339_utc(std::string_view text);

// Lowercase letters, digits, '.', '_' and '-', 1..64 characters: names stay greppable.
bool is_valid_entry_type(std::string_view type);

// One entry, without the trailing '\n'. Fails on a non-object `fields`, a field that
// reuses a header key, text that is not UTF-8, or a line over kMaxLineBytes.
Result<std::string> format_entry_line(std::uint64_t seq, std::string_view time,
                                      std::string_view type, std::string_view prev,
                                      const nlohmann::json& fields);

}  // namespace cchost::audit::detail
