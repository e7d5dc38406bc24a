#include "cchost/attest/plugin_attestor.hpp"

#include <algorithm>
#include <chrono>
#include <map>

#include "cchost/attest/binding.hpp"
#include "cchost/attest/composite.hpp"
#include "cchost/claims/namespace_claims.hpp"
#include "cchost/metrics/families.hpp"
#include "cchost/policy/decision.hpp"
#include "composite_binding.hpp"

namespace cchost::attest {

PluginAttestor::PluginAttestor(PluginAttestorConfig config) : config_(std::move(config)) {}

std::int64_t PluginAttestor::now() const {
  if (config_.clock) return config_.clock();
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

Result<EvidenceBundle> PluginAttestor::produce(ByteView nonce, ByteView job_key) {
  if (nonce.size() != kNonceSize)
    return make_error("nonce: expected " + std::to_string(kNonceSize) + " bytes, got " + std::to_string(nonce.size()));
  if (!job_key.empty() && job_key.size() != 32)
    return make_error("job key: expected 32 bytes (X25519), got " + std::to_string(job_key.size()));
  EvidenceBundle bundle;
  if (!job_key.empty()) {
    bundle.binding_version = 2;
    bundle.job_key.assign(job_key.begin(), job_key.end());
  }
  bundle.name = config_.name;
  bundle.identity_key = config_.identity_key;
  bundle.nonce.assign(nonce.begin(), nonce.end());
  bundle.issued_at = now();
  // A plugin that declares no generate capability (a composite stage) presents no evidence.
  std::vector<plugin::Authorizer*> devices, others;
  for (const auto& authorizer : config_.authorizers) {
    if (!authorizer->info().capabilities.generate) continue;
    const auto& skip = config_.verify_only;
    if (std::find(skip.begin(), skip.end(), authorizer->info().ns) != skip.end()) continue;
    (authorizer->info().composite_role == plugin::CompositeRole::Member ? devices : others).push_back(authorizer.get());
  }
  // Composite binding (device_list.hpp): with CPU and device evidence both, the devices go
  // first and every other token's binding commits to their list.
  const bool composite =
      !devices.empty() && std::any_of(others.begin(), others.end(), [](const plugin::Authorizer* a) {
        return a->info().composite_role == plugin::CompositeRole::Anchor;
      });
  if (composite) bundle.binding_version = 2;
  auto generate = [&bundle](plugin::Authorizer& authorizer) -> Status {
    auto binding = bundle_binding(bundle, authorizer.info().binding_size, authorizer.info().ns);
    if (!binding) return make_error(authorizer.info().ns + ": " + binding.message());
    auto token = authorizer.generate(*binding);
    if (!token) return make_error(authorizer.info().ns + ": cannot generate evidence: " + token.message());
    bundle.tokens.push_back({authorizer.info().ns, std::move(*token)});
    return {};
  };
  for (auto* device : devices) {
    if (auto st = generate(*device); !st) return st.error();
  }
  if (composite)
    for (const auto& t : bundle.tokens) bundle.devices.push_back(device_entry_of(t.ns, t.token));
  for (auto* other : others) {
    if (auto st = generate(*other); !st) return st.error();
  }
  return bundle;
}

FailurePolicy PluginAttestor::failure_policy() const {
  FailurePolicy p;
  if (config_.policy) {
    p.on_failure = std::string(policy::on_failure_name(config_.policy->on_failure()));
    p.peer_trust = std::string(policy::peer_trust_name(config_.policy->peer_trust()));
  }
  return p;
}

namespace {

struct AppraisalBuilder {
  Appraisal out;
  nlohmann::json errors = nlohmann::json::array();
  nlohmann::json failed = nlohmann::json::array();

  void fail(const std::string& rule, const std::string& why) {
    if (std::find(out.failed_rules.begin(), out.failed_rules.end(), rule) == out.failed_rules.end())
      out.failed_rules.push_back(rule);
    failed.push_back({{"rule", rule}, {"claim", ""}, {"expected", ""}, {"actual", ""}, {"why", why}});
  }
  // Accepts only when no rule failed and, if a policy ran, it accepted too.
  Appraisal finish(bool policy_accepts = false) {
    out.accept = policy_accepts && out.failed_rules.empty();
    out.detail = {{"errors", errors}, {"failed", failed}};
    auto& registry = metrics::Registry::process();
    registry.add(metrics::kAppraisals, {{"outcome", out.accept ? "accepted" : "rejected"}});
    for (const auto& rule : out.failed_rules) registry.add(metrics::kFailedRules, {{"rule", rule}});
    return std::move(out);
  }
};

// The composite stage (composite.hpp), with its outcome in the appraisal's terms: a stage
// whose input namespace is absent is not run and its namespace stays absent, which the
// policy's `require` and rules then reject (deny by default); `errors` says why.
void run_composite_stages(const std::vector<std::shared_ptr<plugin::Authorizer>>& authorizers,
                          std::map<std::string, claims::NamespaceClaims>& claims_by_ns, AppraisalBuilder& b) {
  auto outcome = attest::run_composite_stages(authorizers, claims_by_ns);
  for (const auto& skip : outcome.skipped) {
    std::string missing;
    for (const auto& ns : skip.missing) missing += (missing.empty() ? "" : ", ") + ns;
    b.errors.push_back("composite " + skip.ns + " not derived: the bundle holds no verified " + missing + " claims");
  }
  for (const auto& f : outcome.failed)
    b.fail("composite." + f.ns, f.ns + " composite stage failed: " + f.message);
  for (auto& [ns, nc] : outcome.derived) claims_by_ns[ns] = std::move(nc);
}

}  // namespace

// The bundle must be the one we asked for (name, key, nonce), every token must verify with
// the binding recomputed from those, every composite stage must derive its claims, and the
// policy must accept the claims.
Appraisal PluginAttestor::appraise(const AppraisalRequest& request) {
  AppraisalBuilder b;
  if (!request.bundle) {
    b.fail("bundle.missing", "no evidence bundle was presented");
    return b.finish();
  }
  const EvidenceBundle& bundle = *request.bundle;
  if (bundle.name != request.expected_name)
    b.fail("binding.name", "the bundle names '" + bundle.name + "', expected '" + request.expected_name + "'");
  if (request.expected_identity_key && bundle.identity_key != *request.expected_identity_key)
    b.fail("binding.identity_key", "the bundle's identity key is not the key provisioned for " + request.expected_name);
  if (bundle.nonce != request.expected_nonce)
    b.fail("binding.nonce", "the bundle answers another challenge");
  if (request.require_job_key && (bundle.binding_version != 2 || bundle.job_key.size() != 32))
    b.fail("binding.job_key", "a job's evidence must bind a job key (binding v2); the bundle carries none");
  const std::int64_t t = now();
  if (bundle.issued_at > t + config_.max_clock_skew_seconds)
    b.fail("bundle.issued_at", "the bundle claims to be issued in the future");
  // Evidence cannot predate the challenge it answers: a bundle saying so is lying about its
  // time (issued_at = 1 used to pass as fresh).
  if (request.challenged_at && bundle.issued_at < *request.challenged_at - config_.max_clock_skew_seconds)
    b.fail("bundle.issued_at", "the bundle claims to be issued at " + std::to_string(bundle.issued_at) +
                                   ", before the challenge it answers (" + std::to_string(*request.challenged_at) + ")");
  if (!b.out.failed_rules.empty()) return b.finish();

  const auto list = check_device_list(bundle, config_.authorizers);
  for (const auto& why : list.failures) b.fail("binding.composite", why);
  bool anchor_committed = false;  // CPU evidence verified with the device list's digest bound

  std::map<std::string, claims::NamespaceClaims> claims_by_ns;
  for (const auto& token : bundle.tokens) {
    std::shared_ptr<plugin::Authorizer> verifier;
    for (const auto& a : config_.authorizers)
      if (a->info().ns == token.ns) verifier = a;
    if (verifier && !verifier->info().relates.empty()) {
      // A composite namespace holds only what its stage derives here from verified claims; a
      // peer cannot present claims for it.
      b.fail("verify." + token.ns, token.ns + " is derived by a composite stage; evidence presented for it is refused");
      continue;
    }
    if (!verifier) {
      // Evidence we cannot verify is never trusted; the policy then fails whatever it requires.
      b.errors.push_back("no authorizer loaded for namespace '" + token.ns + "': its evidence is ignored");
      continue;
    }
    auto binding = bundle_binding(bundle, verifier->info().binding_size, token.ns);
    if (!binding) {
      b.fail("verify." + token.ns, binding.message());
      continue;
    }
    // Validated once, inside verify() (host/claims): what comes back is typed records.
    auto verified = verifier->verify(token.token, *binding, t);
    if (!verified) {
      // Genuine CPU evidence of a composite bundle bound to something else: name, key and
      // nonce were checked above, so it commits to another device list (a device token was
      // added, dropped or swapped after it was signed, and the list rewritten to match) or
      // another job key.
      if (!bundle.devices.empty() && !lists_device(bundle, token.ns) && verifier->verify(token.token, std::nullopt, t)) {
        b.fail("binding.composite", token.ns + " evidence does not commit to the device list the bundle carries (binding "
                                    "v2 recomputed with it and the job key does not match the signed user data)");
        continue;
      }
      // A v2 bundle whose evidence is genuine but bound to something else: the name, key and
      // nonce were checked above, so what the evidence does not commit to is the job key the
      // bundle carries (a key swapped in transit would have the payload sealed to its holder).
      if (bundle.binding_version == 2 && verifier->verify(token.token, std::nullopt, t)) {
        b.fail("binding.job_key", token.ns + " evidence is not bound to the job key the bundle carries (binding v2 "
                                  "recomputed with it does not match the signed user data)");
        continue;
      }
      b.fail("verify." + token.ns, token.ns + " evidence did not verify: " + verified.message());
      continue;
    }
    if (!bundle.devices.empty() && !lists_device(bundle, token.ns) &&
        verifier->info().composite_role == plugin::CompositeRole::Anchor)
      anchor_committed = true;
    // Several tokens of one namespace (one per device) become one set of records.
    auto [it, fresh] = claims_by_ns.try_emplace(token.ns);
    if (fresh) {
      it->second = std::move(*verified);
      continue;
    }
    auto& merged = it->second;
    merged.simulated = merged.simulated || verified->simulated;
    if (verified->issued_at && (!merged.issued_at || *verified->issued_at < *merged.issued_at))
      merged.issued_at = verified->issued_at;
    if (merged.records.size() + verified->records.size() > claims::kMaxRecords) {
      b.fail("verify." + token.ns, token.ns + " evidence holds more than " + std::to_string(claims::kMaxRecords) + " records");
      continue;
    }
    // Indexes stay unique within a class across tokens: a later token's records follow on.
    std::map<std::string, std::uint32_t> next;
    for (const auto& r : merged.records) next[r.cls] = std::max(next[r.cls], r.index + 1);
    for (auto& r : verified->records) {
      r.index = next[r.cls]++;
      merged.records.push_back(std::move(r));
    }
  }
  run_composite_stages(config_.authorizers, claims_by_ns, b);
  if (!config_.policy) {
    b.fail("policy.missing", "no policy is loaded: deny by default");
    return b.finish();
  }
  const auto outcome = check_composite_outcome(bundle, config_.authorizers, anchor_committed, config_.policy->composite(),
                                               config_.policy->require_for(bundle.name, request.peer_role));
  for (const auto& why : outcome.failures) b.fail("binding.composite", why);
  for (const auto& note : outcome.notes) b.errors.push_back(note);
  policy::PeerContext peer;
  peer.name = bundle.name;
  peer.role = request.peer_role;
  // Age from our own challenge time, never the prover's word.
  if (request.challenged_at) peer.evidence_age_seconds = std::max<std::int64_t>(0, t - *request.challenged_at);
  const auto decision = policy::evaluate(*config_.policy, claims_by_ns, peer);
  for (const auto& f : decision.failed) {
    // Peers and operators see what failed in the evidence's own terms: the claim a rule read
    // ("snp.policy.debug"), or the rule id for checks that read no single claim.
    const std::string& name = f.claim.empty() ? f.rule : f.claim;
    if (std::find(b.out.failed_rules.begin(), b.out.failed_rules.end(), name) == b.out.failed_rules.end())
      b.out.failed_rules.push_back(name);
    b.failed.push_back({{"rule", f.rule}, {"claim", f.claim}, {"expected", f.expected}, {"actual", f.actual}, {"why", f.why}});
  }
  // Unverifiable extra namespaces are reported in `errors` but do not by themselves reject:
  // the policy decides on what was verified, and its `require` names what must be there.
  Appraisal appraisal = b.finish(decision.accept);
  // What the participant's EAR of this decision says besides the rules (host/ear): which
  // namespaces were appraised, and whether any chains to a simulated root (an accept of
  // simulated evidence must not read like a genuine one).
  bool simulated = false;
  nlohmann::json namespaces = nlohmann::json::array();
  for (const auto& [ns, nc] : claims_by_ns) {
    simulated = simulated || nc.simulated;
    namespaces.push_back(ns);
  }
  appraisal.detail["simulated"] = simulated;
  appraisal.detail["namespaces"] = std::move(namespaces);
  return appraisal;
}

}  // namespace cchost::attest
