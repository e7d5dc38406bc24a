#pragma once
// The shape an EAR must have to be read as one (draft-ietf-rats-ear §3, Veraison EAR profile):
// eat_profile exactly the profile, iat an integer, ear.verifier-id {developer, build}, at least
// one submodule, each with a known ear.status, a vector of known claims with values in
// [-128, 127], and a status no better than its worst claim (§3.1). cchost's "ear.cchost.*"
// extensions are type-checked when present; other unknown claims are allowed (§3: extensions).
#include <nlohmann/json.hpp>

#include "cchost/result.hpp"

namespace cchost::ear {

inline constexpr std::size_t kMaxSubmods = 64;
inline constexpr std::size_t kMaxNameBytes = 256;

// Errors name the claim path and what was expected ("submods.site-1.ear.status: expected one of
// affirming, warning, contraindicated, none; got \"ok\"").
Status check_ear_claims(const nlohmann::json& claims);

}  // namespace cchost::ear
