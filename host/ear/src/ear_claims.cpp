// A host decision -> EAR claims. Deny by default: a claim is affirmed only where the host
// holds proof of it, a rejection affirms nothing, and every failed rule lowers some claim.
#include "cchost/ear/ear_claims.hpp"

#include "cchost/crypto/encoding.hpp"
#include "cchost/ear/ear_schema.hpp"

namespace cchost::ear {

const std::string_view kVerifierBuild = "cchost " CCHOST_EAR_VERSION;

Tier status_of(const AppraisalRecord& r) {
  if (!r.verified || !r.accept) return Tier::Contraindicated;
  // An accepted simulated bundle must never read like genuine hardware to a tool that looks
  // at the status alone: the policy allowed simulation, which says nothing about the TEE.
  return r.simulated ? Tier::Warning : Tier::Affirming;
}

TrustVector trust_vector_of(const AppraisalRecord& r) {
  TrustVector v;
  if (!r.verified) {
    // The evidence's signature or certificate chain did not hold: nothing else was appraised.
    v.set(TrustClaim::Hardware, kCryptoValidationFailed);
    return v;
  }
  if (r.accept) {
    // Verified to the vendor root (or, when simulated, to a simulated one: a warning).
    v.set(TrustClaim::Hardware, r.simulated ? kWarning : kAffirming);
    // The policy's checks of the guest's configuration all passed.
    v.set(TrustClaim::Configuration, kAffirming);
    // Only a recomputed binding shows the evidence came from this instance for this challenge.
    if (r.binding_checked) v.set(TrustClaim::InstanceIdentity, kAffirming);
    // Executables are not affirmed: an accepting policy need not pin a measurement, and the
    // decision does not say whether this one did.
    return v;
  }
  for (const auto& f : r.failed) {
    const RuleEffect e = effect_of(classify_rule(f.rule, f.claim));
    v.lower(e.claim, e.value);
  }
  if (r.failed.empty()) v.lower(TrustClaim::Configuration, kContraindicated);  // a reject with no reason named
  if (r.simulated) v.lower(TrustClaim::Hardware, kWarning);
  return v;
}

Result<nlohmann::json> build_ear_claims(const AppraisalRecord& r) {
  if (r.attester.empty()) return make_error("EAR: the attester (submodule name) is empty");
  nlohmann::json failed = nlohmann::json::array();
  for (const auto& f : r.failed) failed.push_back(f.rule);
  nlohmann::json submod = {
      {kClaimStatus, tier_name(status_of(r))},
      {kClaimVector, trust_vector_of(r).to_json()},
      {kClaimNamespaces, r.namespaces},
      {kClaimFailedRules, failed},
      {kClaimSimulated, r.simulated},
      {kClaimVerifiedAt, r.verified_at},
  };
  if (!r.policy_id.empty()) submod[kClaimPolicyId] = r.policy_id;
  nlohmann::json claims = {
      {kClaimProfile, kEarProfile},
      {kClaimIssuedAt, r.issued_at},
      {kClaimVerifierId, {{"developer", kVerifierDeveloper}, {"build", r.verifier_build.empty() ? std::string(kVerifierBuild) : r.verifier_build}}},
      {kClaimSubmods, {{r.attester, submod}}},
  };
  if (r.nonce) {
    if (r.nonce->size() < kMinNonceBytes || r.nonce->size() > kMaxNonceBytes) {
      return make_error("EAR: eat_nonce must be " + std::to_string(kMinNonceBytes) + ".." +
                        std::to_string(kMaxNonceBytes) + " bytes, got " + std::to_string(r.nonce->size()));
    }
    claims[kClaimNonce] = crypto::base64url_encode(*r.nonce);
  }
  // What we sign must be what our own verifier accepts.
  if (auto st = check_ear_claims(claims); !st) return st.error();
  return claims;
}

}  // namespace cchost::ear
