// AR4SI tiers and cchost's rule-to-claim mapping (README.md "Trustworthiness vector" is the
// table a reviewer reads; this file is that table in code).
#include "cchost/ear/trust_vector.hpp"

#include <algorithm>
#include <cstdlib>
#include <utility>

namespace cchost::ear {
namespace {

struct Token {
  std::string_view text;
  RuleClass rule_class;
};

// Matched against the claim name without its namespace ("policy.debug" of "snp.policy.debug"),
// first match wins. Identity comes first (chip_id and report_id name the instance, not its
// configuration); hardware before executables (TDX's mr_seam measures the TDX module, which is
// firmware; "tcb_svn" is a TCB, not a guest SVN); configuration last, since "policy" is also in
// claim names that say more specific things.
constexpr std::array<Token, 33> kClaimTokens = {{
    {"binding", RuleClass::InstanceIdentity},     {"nonce", RuleClass::InstanceIdentity},
    {"identity", RuleClass::InstanceIdentity},    {"report_data", RuleClass::InstanceIdentity},
    {"chip_id", RuleClass::InstanceIdentity},     {"report_id", RuleClass::InstanceIdentity},
    {"tcb", RuleClass::Hardware},                 {"firmware", RuleClass::Hardware},
    {"microcode", RuleClass::Hardware},           {"bootloader", RuleClass::Hardware},
    {"product", RuleClass::Hardware},             {"signing_key", RuleClass::Hardware},
    {"provisional", RuleClass::Hardware},         {"platform_info", RuleClass::Hardware},
    {"mr_seam", RuleClass::Hardware},             {"vbios", RuleClass::Hardware},
    {"fw_", RuleClass::Hardware},                 {"measurement", RuleClass::Executables},
    {"mr_td", RuleClass::Executables},            {"rtmr", RuleClass::Executables},
    {"image_id", RuleClass::Executables},         {"family_id", RuleClass::Executables},
    {"guest_svn", RuleClass::Executables},        {"id_key", RuleClass::Executables},
    {"author_key", RuleClass::Executables},       {"driver", RuleClass::Executables},
    {"policy", RuleClass::Configuration},         {"debug", RuleClass::Configuration},
    {"vmpl", RuleClass::Configuration},           {"host_data", RuleClass::Configuration},
    {"migrat", RuleClass::Configuration},         {"attributes", RuleClass::Configuration},
    {"mask_chip_key", RuleClass::Configuration},
}};

std::string_view without_namespace(std::string_view claim) {
  const auto dot = claim.find('.');
  return dot == std::string_view::npos ? claim : claim.substr(dot + 1);
}

std::optional<RuleClass> class_of_text(std::string_view text) {
  for (const auto& token : kClaimTokens)
    if (text.find(token.text) != std::string_view::npos) return token.rule_class;
  return std::nullopt;
}

// Severity of a value for `lower`: by tier first, then by magnitude (97 after 96, 99 after 97).
std::pair<int, int> rank(int value) { return {tier_severity(tier_of(value)), std::abs(value)}; }

}  // namespace

std::string_view trust_claim_name(TrustClaim claim) { return kTrustClaimNames[static_cast<std::size_t>(claim)]; }

std::optional<TrustClaim> trust_claim_from_name(std::string_view name) {
  for (std::size_t i = 0; i < kTrustClaimNames.size(); ++i)
    if (kTrustClaimNames[i] == name) return static_cast<TrustClaim>(i);
  return std::nullopt;
}

std::string_view tier_name(Tier tier) {
  switch (tier) {
    case Tier::None: return "none";
    case Tier::Affirming: return "affirming";
    case Tier::Warning: return "warning";
    case Tier::Contraindicated: return "contraindicated";
  }
  return "none";
}

std::optional<Tier> tier_from_name(std::string_view name) {
  for (Tier t : {Tier::None, Tier::Affirming, Tier::Warning, Tier::Contraindicated})
    if (tier_name(t) == name) return t;
  return std::nullopt;
}

Tier tier_of(int value) {
  const int v = std::abs(value);
  if (v <= 1) return Tier::None;
  if (v <= 31) return Tier::Affirming;
  if (v <= 95) return Tier::Warning;
  return Tier::Contraindicated;
}

int tier_severity(Tier tier) {
  switch (tier) {
    case Tier::Affirming: return 0;
    case Tier::None: return 1;
    case Tier::Warning: return 2;
    case Tier::Contraindicated: return 3;
  }
  return 3;
}

std::string_view rule_class_name(RuleClass c) {
  switch (c) {
    case RuleClass::InstanceIdentity: return "instance-identity";
    case RuleClass::Freshness: return "freshness";
    case RuleClass::Simulation: return "simulation";
    case RuleClass::Verification: return "verification";
    case RuleClass::Hardware: return "hardware";
    case RuleClass::Executables: return "executables";
    case RuleClass::Configuration: return "configuration";
    case RuleClass::Unclassified: return "unclassified";
  }
  return "unclassified";
}

RuleClass classify_rule(std::string_view rule, std::string_view claim) {
  // The two bundle-level rules the policy engine names itself (host/policy).
  if (rule == "policy.allow_simulated") return RuleClass::Simulation;
  if (rule == "policy.max_evidence_age") return RuleClass::Freshness;
  // The runtime names a token that failed its signature or chain "verify.NS" (host/attest).
  if (rule.rfind("verify.", 0) == 0) return RuleClass::Verification;
  if (!claim.empty()) {
    if (auto c = class_of_text(without_namespace(claim))) return *c;
  }
  // No claim (or one we cannot place): the rule id may still say it ("snp.min_tcb.snp").
  if (auto c = class_of_text(without_namespace(rule))) return *c;
  return RuleClass::Unclassified;
}

RuleEffect effect_of(RuleClass c) {
  switch (c) {
    case RuleClass::InstanceIdentity: return {TrustClaim::InstanceIdentity, kContraindicated};
    // Stale or undated evidence: the instance may be the one that answered, but nothing shows
    // it answered *now*; a warning, not a verdict on the instance (the status still rejects).
    case RuleClass::Freshness: return {TrustClaim::InstanceIdentity, kWarning};
    // A simulated root proves nothing about hardware: "unrecognized hardware".
    case RuleClass::Simulation: return {TrustClaim::Hardware, kUnrecognizedHardware};
    case RuleClass::Verification: return {TrustClaim::Hardware, kCryptoValidationFailed};
    case RuleClass::Hardware: return {TrustClaim::Hardware, kContraindicated};
    case RuleClass::Executables: return {TrustClaim::Executables, kContraindicated};
    case RuleClass::Configuration: return {TrustClaim::Configuration, kContraindicated};
    // The policy is the relying party's statement of which configurations it supports; a
    // failed rule we cannot place elsewhere still must not leave a clean vector behind.
    case RuleClass::Unclassified: return {TrustClaim::Configuration, kContraindicated};
  }
  return {TrustClaim::Configuration, kContraindicated};
}

void TrustVector::lower(TrustClaim claim, int value) {
  auto it = values_.find(claim);
  if (it == values_.end() || rank(value) > rank(it->second)) values_[claim] = value;
}

std::optional<int> TrustVector::get(TrustClaim claim) const {
  auto it = values_.find(claim);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

Tier TrustVector::worst_tier() const {
  Tier worst = Tier::None;
  bool any = false;
  for (const auto& [claim, value] : values_) {
    const Tier t = tier_of(value);
    if (!any || tier_severity(t) > tier_severity(worst)) worst = t;
    any = true;
  }
  return worst;
}

nlohmann::json TrustVector::to_json() const {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [claim, value] : values_) out[std::string(trust_claim_name(claim))] = value;
  return out;
}

}  // namespace cchost::ear
