#pragma once
// JSON for untrusted Azure documents (MAA token parts, JWKS, the sidecar's answers): no
// exceptions, duplicate member names refused (two "iss" members must not mean one thing to us
// and another to a reviewer's tool), nesting bounded, member order kept. Order matters: MAA
// copies the caller's runtime JSON into x-ms-runtime and REPORT_DATA holds the SHA-256 of its
// bytes, so the verifier re-serialises that member in the order it was written.
#include <nlohmann/json.hpp>

#include <string_view>

#include "cchost/result.hpp"

namespace cchost::aci {

using Json = nlohmann::ordered_json;

inline constexpr int kMaxJsonDepth = 32;

// Parses `text` as one JSON object; `what` names it in errors ("MAA token payload").
Result<Json> parse_json_object(std::string_view text, std::string_view what);

// Compact serialisation (no whitespace, member order kept, UTF-8 unescaped).
std::string compact_json(const Json& value);

}  // namespace cchost::aci
