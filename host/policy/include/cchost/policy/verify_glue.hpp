#pragma once
// The entry point for `cchost verify --policy FILE`: load a policy file and appraise the claims
// one verification produced. Load errors come back as one Error listing every FILE:LINE:COL.
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "cchost/claims/namespace_claims.hpp"
#include "cchost/policy/decision.hpp"
#include "cchost/policy/vocabulary.hpp"
#include "cchost/result.hpp"

namespace cchost::policy {

// `catalog`: the vocabularies of the plugins in use (loader.hpp).
Result<Decision> evaluate_policy_file(const std::string& path, const claims::NamespaceClaims& claims,
                                      const PeerContext& peer = {}, const Catalog& catalog = {});
Result<Decision> evaluate_policy_file(const std::string& path,
                                      const std::map<std::string, claims::NamespaceClaims>& claims_by_ns,
                                      const PeerContext& peer = {}, const Catalog& catalog = {});

}  // namespace cchost::policy

// decision_to_json lives in render.hpp; included here so verify needs one header.
#include "cchost/policy/render.hpp"
