#pragma once
// Checks the claims JSON a plugin returns against the "cchost.claims/v1" schema of
// authorizer.h before the host passes it on: a plugin must not be able to speak for another
// namespace or hand the policy engine values of the wrong type.
#include <string>

#include "cchost/result.hpp"

namespace cchost::plugin {

Status check_claims_json(const std::string& json_text, const std::string& expected_ns);

}  // namespace cchost::plugin
