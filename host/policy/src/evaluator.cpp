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
  for (const std::string& ns : policy.require_for(peer.name, peer.role)) {
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

std::size_t count_records(const Rule& rule, const claims::NamespaceClaims* nc) {
  if (nc == nullptr) return 0;
  if (rule.record_class.empty()) return nc->records.size();
  std::size_t n = 0;
  for (const auto& r : nc->records) n += r.cls == rule.record_class ? 1 : 0;
  return n;
}

std::string record_name(const claims::ClaimRecord& r) {
  return r.cls + "[" + std::to_string(r.index) + "]" + (r.id.empty() ? std::string() : " (" + r.id + ")");
}

// Count / CountMin: how many devices of a class the peer's evidence covers.
void check_count(const Rule& rule, const claims::NamespaceClaims* nc, EvaluateOptions options, Decision& d) {
  const std::size_t n = count_records(rule, nc);
  const std::int64_t want = rule.operands.empty() ? 0 : rule.operands.front().integer;
  const bool passed = rule.op == Op::Count ? static_cast<std::int64_t>(n) == want : static_cast<std::int64_t>(n) >= want;
  if (passed && !options.record_passed) return;
  const std::string what = rule.record_class.empty() ? "record(s)" : rule.record_class + " record(s)";
  record(d, passed, options.record_passed,
         {rule.id, rule.ns, "", rule.expected, std::to_string(n),
          "The " + rule.ns + " evidence holds " + std::to_string(n) + " " + what + (passed ? ", which satisfies " : "; the policy requires ") +
              rule.expected + "."});
}

// A claim rule holds for every record (of its class). The first failing record is reported,
// named when the evidence has more than one.
void check_claim_rule(const Rule& rule, const claims::NamespaceClaims* nc, EvaluateOptions options, Decision& d) {
  if (nc == nullptr) {
    const bool passed = detail::rule_passes(rule, nullptr);
    if (passed && !options.record_passed) return;
    auto why = detail::explain_rule(rule, nullptr, passed);
    record(d, passed, options.record_passed,
           {rule.id, rule.ns, rule.claim, rule.expected, std::move(why.actual), std::move(why.why)});
    return;
  }
  static const claims::ClaimMap kNoClaims;
  const claims::ClaimRecord* failing = nullptr;
  const claims::ClaimMap* last = &kNoClaims;  // no record of the class: its claims are missing
  for (const auto& r : nc->records) {
    if (!rule.record_class.empty() && r.cls != rule.record_class) continue;
    last = &r.claims;
    if (!detail::rule_passes(rule, &r.claims)) {
      failing = &r;
      break;
    }
  }
  const bool passed = failing != nullptr ? false : (last != &kNoClaims || detail::rule_passes(rule, last));
  if (passed && !options.record_passed) return;
  const claims::ClaimMap* shown = failing != nullptr ? &failing->claims : last;
  auto why = detail::explain_rule(rule, shown, passed);
  if (failing != nullptr && nc->records.size() > 1) why.why = "Record " + record_name(*failing) + ": " + why.why;
  record(d, passed, options.record_passed,
         {rule.id, rule.ns, rule.claim, rule.expected, std::move(why.actual), std::move(why.why)});
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
    if (rule.op == Op::Count || rule.op == Op::CountMin) {
      check_count(rule, ns_claims, options, d);
    } else {
      check_claim_rule(rule, ns_claims, options, d);
    }
  }
  d.accept = d.failed.empty();
  return d;
}

}  // namespace cchost::policy
