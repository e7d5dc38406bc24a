#pragma once
// A host decision as EAR claims (draft-ietf-rats-ear, JSON serialisation, the Veraison EAR
// profile). One submodule per attester: the peer (or the namespaces `cchost verify` was given),
// carrying its status, its trustworthiness vector, the policy that appraised it, and cchost's
// own unregistered extensions ("ear.cchost.*": namespaces, failed rules, simulated, the
// verification time), which other RATS tools ignore.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "cchost/bytes.hpp"
#include "cchost/ear/trust_vector.hpp"
#include "cchost/result.hpp"

namespace cchost::ear {

inline constexpr std::string_view kEarProfile = "tag:github.com,2023:veraison/ear";
inline constexpr std::string_view kVerifierDeveloper = "cchost";

// Claim names (draft-ietf-rats-ear §3, EAT for eat_profile/eat_nonce/submods, JWT for iat).
inline constexpr const char* kClaimProfile = "eat_profile";
inline constexpr const char* kClaimIssuedAt = "iat";
inline constexpr const char* kClaimVerifierId = "ear.verifier-id";
inline constexpr const char* kClaimNonce = "eat_nonce";
inline constexpr const char* kClaimSubmods = "submods";
inline constexpr const char* kClaimStatus = "ear.status";
inline constexpr const char* kClaimVector = "ear.trustworthiness-vector";
inline constexpr const char* kClaimPolicyId = "ear.appraisal-policy-id";
// cchost's extensions inside a submodule.
inline constexpr const char* kClaimNamespaces = "ear.cchost.namespaces";
inline constexpr const char* kClaimFailedRules = "ear.cchost.failed-rules";
inline constexpr const char* kClaimSimulated = "ear.cchost.simulated";
inline constexpr const char* kClaimVerifiedAt = "ear.cchost.verified-at";

// EAT (RFC 9711 §4.1) bounds a nonce to 8..64 bytes.
inline constexpr std::size_t kMinNonceBytes = 8;
inline constexpr std::size_t kMaxNonceBytes = 64;

struct FailedRule {
  std::string rule;   // "snp.debug", "policy.max_evidence_age"
  std::string claim;  // the claim it read ("" for bundle-level rules)
};

// What the host decided about one attester, as the EAR needs it.
struct AppraisalRecord {
  std::string attester;                 // the submodule's name: the peer, or the namespaces
  bool verified = false;                // every namespace's evidence verified (chains, signatures)
  bool accept = false;                  // the policy accepted (meaningless unless verified)
  bool simulated = false;               // some evidence chains to a simulated vendor root
  bool binding_checked = false;         // the evidence's binding was recomputed and matched
  std::vector<std::string> namespaces;  // the namespaces appraised
  std::vector<FailedRule> failed;       // every failed rule, as the policy named it
  std::string policy_id;                // what appraised it ("policy://cchost/snp.toml/sha256:..")
  std::int64_t verified_at = 0;         // the verification time (epoch seconds)
  std::int64_t issued_at = 0;           // when this result is issued (iat)
  std::optional<Bytes> nonce;           // the relying party's challenge, when the caller knows it
  std::string verifier_build;           // ear.verifier-id.build; empty: kVerifierBuild
};

// "cchost VERSION", the build this library is part of.
extern const std::string_view kVerifierBuild;

// The submodule's status: contraindicated unless verified and accepted; a simulated accept
// is only a warning (it proves the policy allowed simulation, nothing about hardware).
Tier status_of(const AppraisalRecord& record);
// The vector for `record` (README.md "Trustworthiness vector").
TrustVector trust_vector_of(const AppraisalRecord& record);

// The claims set; an Error for a record that cannot be written (no attester name, a nonce
// outside 8..64 bytes). The result passes check_ear_claims.
Result<nlohmann::json> build_ear_claims(const AppraisalRecord& record);

}  // namespace cchost::ear
