// The rule-to-claim mapping (host/ear/README.md "Trustworthiness vector") and AR4SI tiers.
#include <gtest/gtest.h>

#include "cchost/ear/ear_claims.hpp"
#include "cchost/ear/trust_vector.hpp"

namespace cchost::ear {
namespace {

TEST(EarTier, RangesFollowAr4si) {
  EXPECT_EQ(tier_of(0), Tier::None);
  EXPECT_EQ(tier_of(1), Tier::None);
  EXPECT_EQ(tier_of(-1), Tier::None);
  EXPECT_EQ(tier_of(2), Tier::Affirming);
  EXPECT_EQ(tier_of(31), Tier::Affirming);
  EXPECT_EQ(tier_of(32), Tier::Warning);
  EXPECT_EQ(tier_of(95), Tier::Warning);
  EXPECT_EQ(tier_of(96), Tier::Contraindicated);
  EXPECT_EQ(tier_of(127), Tier::Contraindicated);
  EXPECT_EQ(tier_of(-96), Tier::Contraindicated);
  EXPECT_EQ(tier_of(-128), Tier::Contraindicated);
  EXPECT_EQ(tier_of(-40), Tier::Warning);
}

TEST(EarClassify, HardwareRules) {
  EXPECT_EQ(classify_rule("snp.min_tcb.bootloader", "snp.reported_tcb.bootloader"), RuleClass::Hardware);
  EXPECT_EQ(classify_rule("snp.min_launch_tcb.snp", "snp.launch_tcb.snp"), RuleClass::Hardware);
  EXPECT_EQ(classify_rule("snp.allowed_products", "snp.product"), RuleClass::Hardware);
  EXPECT_EQ(classify_rule("snp.allowed_signing_keys", "snp.signing_key"), RuleClass::Hardware);
  EXPECT_EQ(classify_rule("snp.smt_en_allowed", "snp.platform_info.smt_en"), RuleClass::Hardware);
  EXPECT_EQ(classify_rule("tdx.mr_seam", "tdx.mr_seam"), RuleClass::Hardware);
  // No claim: the rule id decides.
  EXPECT_EQ(classify_rule("snp.min_tcb.microcode", ""), RuleClass::Hardware);
}

TEST(EarClassify, ExecutablesRules) {
  EXPECT_EQ(classify_rule("snp.measurements", "snp.measurement"), RuleClass::Executables);
  EXPECT_EQ(classify_rule("snp.min_guest_svn", "snp.guest_svn"), RuleClass::Executables);
  EXPECT_EQ(classify_rule("snp.image_id", "snp.image_id"), RuleClass::Executables);
  EXPECT_EQ(classify_rule("snp.id_key_digests", "snp.id_key_digest"), RuleClass::Executables);
  EXPECT_EQ(classify_rule("tdx.mr_td", "tdx.mr_td"), RuleClass::Executables);
}

TEST(EarClassify, ConfigurationRules) {
  EXPECT_EQ(classify_rule("snp.debug", "snp.policy.debug"), RuleClass::Configuration);
  EXPECT_EQ(classify_rule("snp.min_abi", "snp.policy"), RuleClass::Configuration);
  EXPECT_EQ(classify_rule("snp.vmpl", "snp.vmpl"), RuleClass::Configuration);
  EXPECT_EQ(classify_rule("snp.host_data", "snp.host_data"), RuleClass::Configuration);
  EXPECT_EQ(classify_rule("snp.mask_chip_key_allowed", "snp.mask_chip_key"), RuleClass::Configuration);
  // A generic rule with a free-form id: the claim it read decides.
  EXPECT_EQ(classify_rule("rule.no-debug", "snp.policy.debug"), RuleClass::Configuration);
}

TEST(EarClassify, IdentityFreshnessSimulation) {
  EXPECT_EQ(classify_rule("snp.chip_ids", "snp.chip_id"), RuleClass::InstanceIdentity);
  EXPECT_EQ(classify_rule("snp.report_id", "snp.report_id"), RuleClass::InstanceIdentity);
  EXPECT_EQ(classify_rule("rule.binding", "x-acme.binding"), RuleClass::InstanceIdentity);
  EXPECT_EQ(classify_rule("policy.max_evidence_age", "evidence_age"), RuleClass::Freshness);
  EXPECT_EQ(classify_rule("policy.allow_simulated", "simulated"), RuleClass::Simulation);
  EXPECT_EQ(classify_rule("verify.x-snp", ""), RuleClass::Verification);
  EXPECT_EQ(classify_rule("binding.nonce", ""), RuleClass::InstanceIdentity);
  EXPECT_EQ(classify_rule("binding.identity_key", ""), RuleClass::InstanceIdentity);
  // reported_tcb is not a report_id (substring trap).
  EXPECT_EQ(classify_rule("snp.min_tcb.tee", "snp.reported_tcb.tee"), RuleClass::Hardware);
}

TEST(EarClassify, UnknownIsUnclassified) {
  EXPECT_EQ(classify_rule("rule.custom", "x-acme.colour"), RuleClass::Unclassified);
  EXPECT_EQ(classify_rule("policy.require", ""), RuleClass::Unclassified);
}

TEST(EarEffect, EachClassLowersItsClaim) {
  EXPECT_EQ(effect_of(RuleClass::Hardware).claim, TrustClaim::Hardware);
  EXPECT_EQ(effect_of(RuleClass::Hardware).value, kContraindicated);
  EXPECT_EQ(effect_of(RuleClass::Executables).claim, TrustClaim::Executables);
  EXPECT_EQ(effect_of(RuleClass::Configuration).claim, TrustClaim::Configuration);
  EXPECT_EQ(effect_of(RuleClass::InstanceIdentity).claim, TrustClaim::InstanceIdentity);
  EXPECT_EQ(effect_of(RuleClass::InstanceIdentity).value, kContraindicated);
  EXPECT_EQ(effect_of(RuleClass::Freshness).claim, TrustClaim::InstanceIdentity);
  EXPECT_EQ(effect_of(RuleClass::Freshness).value, kWarning);
  EXPECT_EQ(effect_of(RuleClass::Simulation).claim, TrustClaim::Hardware);
  EXPECT_EQ(effect_of(RuleClass::Simulation).value, kUnrecognizedHardware);
  EXPECT_EQ(effect_of(RuleClass::Verification).claim, TrustClaim::Hardware);
  EXPECT_EQ(effect_of(RuleClass::Verification).value, kCryptoValidationFailed);
  EXPECT_EQ(tier_of(effect_of(RuleClass::Unclassified).value), Tier::Contraindicated);
}

TEST(EarVector, LowerKeepsTheWorse) {
  TrustVector v;
  v.lower(TrustClaim::InstanceIdentity, kWarning);
  v.lower(TrustClaim::InstanceIdentity, kContraindicated);
  v.lower(TrustClaim::InstanceIdentity, kWarning);
  EXPECT_EQ(v.get(TrustClaim::InstanceIdentity), kContraindicated);
  v.lower(TrustClaim::Hardware, kUnrecognizedHardware);
  v.lower(TrustClaim::Hardware, kContraindicated);
  EXPECT_EQ(v.get(TrustClaim::Hardware), kUnrecognizedHardware);
  EXPECT_EQ(v.worst_tier(), Tier::Contraindicated);
  EXPECT_FALSE(v.get(TrustClaim::Executables).has_value());
}

AppraisalRecord rejected(std::vector<FailedRule> failed) {
  AppraisalRecord r;
  r.attester = "site-1";
  r.verified = true;
  r.accept = false;
  r.failed = std::move(failed);
  return r;
}

TEST(EarVector, RejectionByHardwareRule) {
  auto r = rejected({{"snp.min_tcb.snp", "snp.reported_tcb.snp"}});
  auto v = trust_vector_of(r);
  EXPECT_EQ(v.get(TrustClaim::Hardware), kContraindicated);
  EXPECT_FALSE(v.get(TrustClaim::Configuration).has_value());
  EXPECT_FALSE(v.get(TrustClaim::Executables).has_value());
  EXPECT_EQ(status_of(r), Tier::Contraindicated);
}

TEST(EarVector, RejectionPerClass) {
  EXPECT_EQ(trust_vector_of(rejected({{"snp.measurements", "snp.measurement"}})).get(TrustClaim::Executables),
            kContraindicated);
  EXPECT_EQ(trust_vector_of(rejected({{"snp.debug", "snp.policy.debug"}})).get(TrustClaim::Configuration),
            kContraindicated);
  EXPECT_EQ(trust_vector_of(rejected({{"snp.chip_ids", "snp.chip_id"}})).get(TrustClaim::InstanceIdentity),
            kContraindicated);
  EXPECT_EQ(trust_vector_of(rejected({{"rule.custom", "x-acme.colour"}})).get(TrustClaim::Configuration),
            kContraindicated);
  EXPECT_EQ(trust_vector_of(rejected({{"policy.allow_simulated", ""}})).get(TrustClaim::Hardware),
            kUnrecognizedHardware);
}

TEST(EarVector, StaleEvidenceIsAWarningClaimInARejection) {
  auto r = rejected({{"policy.max_evidence_age", "evidence_age"}});
  auto v = trust_vector_of(r);
  EXPECT_EQ(v.get(TrustClaim::InstanceIdentity), kWarning);
  EXPECT_EQ(v.worst_tier(), Tier::Warning);
  EXPECT_EQ(status_of(r), Tier::Contraindicated);  // the decision still rejects
}

TEST(EarVector, RejectionAffirmsNothing) {
  for (const auto& failed : std::vector<std::vector<FailedRule>>{
           {}, {{"snp.debug", "snp.policy.debug"}}, {{"policy.max_evidence_age", ""}, {"snp.vmpl", "snp.vmpl"}}}) {
    auto v = trust_vector_of(rejected(failed)).to_json();
    EXPECT_FALSE(v.empty());
    for (const auto& [name, value] : v.items()) EXPECT_NE(tier_of(value.get<int>()), Tier::Affirming) << name;
  }
}

TEST(EarVector, AcceptGenuine) {
  AppraisalRecord r;
  r.attester = "site-1";
  r.verified = true;
  r.accept = true;
  auto v = trust_vector_of(r);
  EXPECT_EQ(status_of(r), Tier::Affirming);
  EXPECT_EQ(v.get(TrustClaim::Hardware), kAffirming);
  EXPECT_EQ(v.get(TrustClaim::Configuration), kAffirming);
  EXPECT_FALSE(v.get(TrustClaim::InstanceIdentity).has_value()) << "no binding checked, no identity claim";
  EXPECT_FALSE(v.get(TrustClaim::Executables).has_value());
  r.binding_checked = true;
  EXPECT_EQ(trust_vector_of(r).get(TrustClaim::InstanceIdentity), kAffirming);
}

TEST(EarVector, AcceptSimulatedIsAWarning) {
  AppraisalRecord r;
  r.attester = "site-1";
  r.verified = true;
  r.accept = true;
  r.simulated = true;
  EXPECT_EQ(status_of(r), Tier::Warning);
  EXPECT_EQ(trust_vector_of(r).get(TrustClaim::Hardware), kWarning);
}

TEST(EarVector, NotVerifiedIsCryptoFailure) {
  AppraisalRecord r;
  r.attester = "site-1";
  r.verified = false;
  r.accept = true;  // ignored without verification
  EXPECT_EQ(status_of(r), Tier::Contraindicated);
  EXPECT_EQ(trust_vector_of(r).get(TrustClaim::Hardware), kCryptoValidationFailed);
  EXPECT_FALSE(trust_vector_of(r).get(TrustClaim::Configuration).has_value());
}

}  // namespace
}  // namespace cchost::ear
