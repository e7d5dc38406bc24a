// Appraisal: bundle-level checks (required namespaces, simulated roots, evidence age), then
// the peer's precompiled rules in order. The hot path (every rule passes, passed rules not
// recorded) allocates nothing beyond the Decision itself.
#include "cchost/policy/decision.hpp"
#include "rule_check.hpp"

namespace cchost::policy {
namespace {

void record(Decision& d, bool passed, bool record_passed, RuleOutcome outcome) {
  if (!passed) d.failed.push_back(std::move(outcome));
  else if (record_passed) d.passed.push_back(std::move(outcome));
}

void check_bundle(const Policy& policy, const std::map<std::string, claims::NamespaceClaims>& claims_by_ns,
                  const PeerContext& peer, EvaluateOptions options, Decision& d) {
  for (const std::string& ns : policy.require()) {
    const bool present = claims_by_ns.find(ns) != claims_by_ns.end();
    if (!present || options.record_passed) {
      record(d, present, options.record_passed,
             // Bundle-level checks read no single claim: the id itself must say what failed,
             // because the wire carries the id (and not the claim) for them.
             {"policy.require: " + ns + (present ? " present" : " missing"), ns, "", "evidence present",
              present ? "present" : "(missing)",
              present ? "The peer presented " + ns + " evidence."
                      : "The policy requires " + ns + " evidence and the peer presented none."});
    }
  }
  // A simulated vendor root proves nothing about hardware: only a policy that says so accepts it.
  const bool sim_ok = policy.allow_simulated();
  if (peer.simulated || options.record_passed) {
    record(d, !peer.simulated || sim_ok, options.record_passed,
           {"policy.allow_simulated", "", "", sim_ok ? "any" : "false", peer.simulated ? "true" : "false",
            peer.simulated ? (sim_ok ? "The bundle is simulated, which allow_simulated permits."
                                     : "The bundle is simulated and the policy does not set allow_simulated = true.")
                           : "The bundle is not simulated."});
  }
  for (const auto& [ns, nc] : claims_by_ns) {
    if (!nc.simulated && !options.record_passed) continue;
    record(d, !nc.simulated || sim_ok, options.record_passed,
           {"policy.allow_simulated", ns, "", sim_ok ? "any" : "false", nc.simulated ? "true" : "false",
            nc.simulated ? (sim_ok ? "The " + ns + " evidence is simulated, which allow_simulated permits."
                                   : "The " + ns + " evidence is rooted in a simulated vendor CA and the policy does not set allow_simulated = true.")
                         : "The " + ns + " evidence is not simulated."});
  }
  if (const auto max_age = policy.max_evidence_age_seconds()) {
    const auto& age = peer.evidence_age_seconds;
    const bool ok = age && *age >= 0 && *age <= *max_age;
    if (!ok || options.record_passed) {
      std::string why;
      if (!age) why = "The evidence age is unknown, and the policy sets max_evidence_age.";
      else if (*age < 0) why = "The evidence claims to be issued " + std::to_string(-*age) + "s in the future.";
      else if (*age > *max_age) why = "The evidence is " + std::to_string(*age) + "s old, older than max_evidence_age " + std::to_string(*max_age) + "s.";
      else why = "The evidence is " + std::to_string(*age) + "s old, within max_evidence_age.";
      record(d, ok, options.record_passed,
             {"policy.max_evidence_age", "", "evidence_age_seconds", "<= " + std::to_string(*max_age),
              age ? std::to_string(*age) : "(unknown)", std::move(why)});
    }
  }
}

}  // namespace

Decision evaluate(const Policy& policy, const std::map<std::string, claims::NamespaceClaims>& claims_by_ns,
                  const PeerContext& peer, EvaluateOptions options) {
  Decision d;
  check_bundle(policy, claims_by_ns, peer, options, d);
  const std::string* cached_ns = nullptr;
  const claims::NamespaceClaims* ns_claims = nullptr;
  for (const Rule& rule : policy.rules_for(peer.name, peer.role)) {
    if (cached_ns == nullptr || *cached_ns != rule.ns) {  // rules come grouped by namespace
      const auto it = claims_by_ns.find(rule.ns);
      ns_claims = it == claims_by_ns.end() ? nullptr : &it->second;
      cached_ns = &rule.ns;
    }
    const bool passed = detail::rule_passes(rule, ns_claims);
    if (passed && !options.record_passed) continue;
    auto why = detail::explain_rule(rule, ns_claims, passed);
    record(d, passed, options.record_passed,
           {rule.id, rule.ns, rule.claim, rule.expected, std::move(why.actual), std::move(why.why)});
  }
  d.accept = d.failed.empty();
  return d;
}

}  // namespace cchost::policy
