#pragma once
// JSON parsing for untrusted JOSE objects: no exceptions, and duplicate member names are an
// error (RFC 7515 §5.2 step 4: a parser that keeps the last of two "alg" members would let
// an attacker show one algorithm to a reviewer's tool and another to us).
#include <nlohmann/json.hpp>

#include <string_view>

#include "cchost/result.hpp"

namespace cchost::crypto::detail {

// Parses `text` as a JSON object; `what` names it in errors ("JWS header").
Result<nlohmann::json> parse_json_object(std::string_view text, std::string_view what);

}  // namespace cchost::crypto::detail
