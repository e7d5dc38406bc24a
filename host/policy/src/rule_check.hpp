#pragma once
// One rule against one record of a namespace's claims. `passes` is the allocation-free hot path;
// `explain` recomputes with the actual value and a reason sentence (failures, explain mode).
#include <string>

#include "cchost/claims/namespace_claims.hpp"
#include "cchost/policy/rule.hpp"

namespace cchost::policy::detail {

// One rule against one record's claims. `record` is null when the peer presented no evidence
// of the rule's namespace. (Record quantifiers and counts are the evaluator's.)
bool rule_passes(const Rule& rule, const claims::ClaimMap* record);

struct RuleExplanation {
  std::string actual;
  std::string why;
};
RuleExplanation explain_rule(const Rule& rule, const claims::ClaimMap* record, bool passed);

}  // namespace cchost::policy::detail
