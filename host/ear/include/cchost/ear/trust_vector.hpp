#pragma once
// AR4SI trustworthiness claims (draft-ietf-rats-ar4si §2.3) and how a failed cchost policy
// rule lands in one of them. The mapping is deliberately coarse and conservative: a claim is
// affirmed only where the host has proof, and every failed rule marks some claim (README.md).
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace cchost::ear {

// The eight claims of a trustworthiness vector, in the draft's order (their JSON names below).
enum class TrustClaim {
  InstanceIdentity,
  Configuration,
  Executables,
  FileSystem,
  Hardware,
  RuntimeOpaque,
  StorageOpaque,
  SourcedData,
};
inline constexpr std::array<std::string_view, 8> kTrustClaimNames = {
    "instance-identity", "configuration", "executables",    "file-system",
    "hardware",          "runtime-opaque", "storage-opaque", "sourced-data"};
std::string_view trust_claim_name(TrustClaim claim);
std::optional<TrustClaim> trust_claim_from_name(std::string_view name);

// The values cchost writes (AR4SI §2.3.x; each claim's value is a signed 8-bit integer).
inline constexpr int kNoClaim = 0;
inline constexpr int kAffirming = 2;                 // trustworthy instance, approved config, genuine hw, ...
inline constexpr int kWarning = 32;                  // unsafe config/runtime/hw: known issues
inline constexpr int kContraindicated = 96;          // untrustworthy instance, unsupportable config, ...
inline constexpr int kUnrecognizedHardware = 97;     // hardware the verifier does not recognise
inline constexpr int kCryptoValidationFailed = 99;   // the evidence's signature or chain failed

// The four tiers (AR4SI §2.2) and the range each value belongs to: 0 and ±1 "none",
// 2..31 "affirming", 32..95 "warning", 96..127 "contraindicated" (negatives mirror them).
enum class Tier { None, Affirming, Warning, Contraindicated };
std::string_view tier_name(Tier tier);                 // "none", "affirming", ...
std::optional<Tier> tier_from_name(std::string_view name);
Tier tier_of(int value);                               // value must be in [-128, 127]
// How far a tier is from trustworthy, for "the status is no better than the worst claim":
// affirming 0, none 1, warning 2, contraindicated 3.
int tier_severity(Tier tier);

// What a failed rule says something about.
enum class RuleClass {
  InstanceIdentity,  // binding, nonce, identity key, chip or report id: who produced the evidence
  Freshness,         // the evidence's age (policy.max_evidence_age)
  Simulation,        // simulated evidence refused (policy.allow_simulated)
  Verification,      // a token that did not verify at all ("verify.x-snp" in the runtime)
  Hardware,          // TCB, firmware, microcode, product, signing key, platform info
  Executables,       // launch measurement, image ids, guest SVN, ID/author keys
  Configuration,     // guest policy bits, debug, VMPL, host data
  Unclassified,      // anything else (a generic rule, a missing namespace)
};
std::string_view rule_class_name(RuleClass rule_class);
// From the rule id ("snp.debug", "policy.max_evidence_age", "rule.no-debug") and the claim it
// read ("snp.policy.debug"); the claim decides first, since generic rules have free-form ids.
RuleClass classify_rule(std::string_view rule, std::string_view claim);

// The claim a failed rule of `rule_class` lowers, and to which value.
struct RuleEffect {
  TrustClaim claim;
  int value;
};
RuleEffect effect_of(RuleClass rule_class);

// A vector: only the claims cchost has something to say about (an absent claim is "no claim").
class TrustVector {
 public:
  void set(TrustClaim claim, int value) { values_[claim] = value; }
  // Keeps the more severe of the present and the new value (a claim only ever gets worse).
  void lower(TrustClaim claim, int value);
  std::optional<int> get(TrustClaim claim) const;
  // The worst tier among the claims present (None when empty).
  Tier worst_tier() const;
  nlohmann::json to_json() const;  // {"hardware": 96, ...}

 private:
  std::map<TrustClaim, int> values_;
};

}  // namespace cchost::ear
