#pragma once
// One rule against one namespace's claims. `passes` is the allocation-free hot path;
// `explain` recomputes with the actual value and a reason sentence (failures, explain mode).
#include <string>

#include "cchost/claims/namespace_claims.hpp"
#include "cchost/policy/rule.hpp"

namespace cchost::policy::detail {

// `ns_claims` is null when the peer presented no evidence of the rule's namespace.
bool rule_passes(const Rule& rule, const claims::NamespaceClaims* ns_claims);

struct RuleExplanation {
  std::string actual;
  std::string why;
};
RuleExplanation explain_rule(const Rule& rule, const claims::NamespaceClaims* ns_claims, bool passed);

}  // namespace cchost::policy::detail
