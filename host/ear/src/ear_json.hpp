#pragma once
// JSON parsing for the two untrusted parts of an EAR token (header, claims): no exceptions,
// an object only, a bounded nesting depth, and duplicate member names refused (RFC 7515 §5.2:
// a parser that keeps the last of two "alg" members would let the token show one algorithm to
// another tool and another to us; the same holds for two "ear.status").
#include <string_view>

#include <nlohmann/json.hpp>

#include "cchost/result.hpp"

namespace cchost::ear::detail {

inline constexpr int kMaxJsonDepth = 16;

// `what` names the part in errors ("EAR header").
Result<nlohmann::json> parse_strict_object(std::string_view text, std::string_view what);

}  // namespace cchost::ear::detail
