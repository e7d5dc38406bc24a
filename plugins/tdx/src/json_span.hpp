#pragma once
// Exact byte spans of a JSON object's top-level members. Intel signs the raw bytes of the
// `tcbInfo` / `enclaveIdentity` value as it appears in the PCS response (NOTES.md §5): a
// verifier that re-serialises the parsed value checks a signature over bytes Intel never
// signed. This scanner finds the spans without interpreting them, strictly (RFC 8259 syntax,
// no duplicate top-level key, bounded nesting), so the bytes checked are the bytes parsed.
#include <map>
#include <string>
#include <string_view>

#include "cchost/result.hpp"

namespace cchost::tdx {

// `json` must be one object. Keys are returned as written between the quotes (no escapes
// allowed in keys); values as the exact text of each value, surrounding whitespace excluded.
Result<std::map<std::string, std::string_view>> json_top_level_members(std::string_view json);

}  // namespace cchost::tdx
