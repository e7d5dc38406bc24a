#pragma once
// Appraisal: claims of one peer + a Policy -> Decision, with every failed rule named.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cchost/claims/namespace_claims.hpp"
#include "cchost/policy/policy.hpp"

namespace cchost::policy {

struct RuleOutcome {
  std::string rule;      // rule id: "snp.debug", "policy.allow_simulated", "rule.no-debug"
  std::string ns;        // the namespace of the claim ("" for bundle-level checks)
  std::string claim;     // the claim the rule reads
  std::string expected;  // what the rule requires
  std::string actual;    // what the evidence holds ("(missing)" when absent)
  std::string why;       // one sentence
};

struct Decision {
  bool accept = false;
  std::vector<RuleOutcome> failed;
  std::vector<RuleOutcome> passed;  // filled only with EvaluateOptions::record_passed
};

struct PeerContext {
  std::string name;
  std::string role;
  std::optional<std::int64_t> evidence_age_seconds;  // now - issue time, as the runtime measured it
  bool simulated = false;  // the bundle as a whole is simulated (OR-ed with each namespace's flag)
};

struct EvaluateOptions {
  bool record_passed = false;  // `policy explain` lists passed rules too
};

// Deterministic: the same inputs give the same Decision, outcomes in rule order (bundle checks,
// platform knobs in schema order, then generic rules in file order).
Decision evaluate(const Policy& policy, const std::map<std::string, claims::NamespaceClaims>& claims_by_ns,
                  const PeerContext& peer, EvaluateOptions options = {});

}  // namespace cchost::policy
