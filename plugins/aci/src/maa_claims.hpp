#pragma once
// The claims of a verified MAA token (NOTES §3), typed and size-checked: a claim of the wrong
// JSON type or length is an error, never coerced, because MAA writes each one with one type
// (hex lowercase, integers as numbers, booleans as booleans; only the UVM endorsement's svn is
// a decimal string).
#include <cstdint>

#include "aci_claims.hpp"
#include "cchost/result.hpp"
#include "json_strict.hpp"

namespace cchost::aci {

// `at`: the verification time, for aci.token_age.
Result<AciClaims> claims_from_maa(const Json& payload, const std::string& issuer, bool simulated, std::int64_t at);

// A decimal string of 1..10 digits without sign or leading zeros ("101").
Result<std::int64_t> parse_decimal_svn(const std::string& text);

}  // namespace cchost::aci
