// The policy step of `cchost verify --policy FILE`: the claims one plugin produced, appraised
// by host/policy exactly as the runtime appraises a peer (deny by default, every failed rule
// named). The CLI has no peer context: name and role are empty, so only the policy's defaults
// apply. The evidence age comes from the caller (cmd_verify.cpp says when it is known); when it
// is unknown a max_evidence_age rule fails, by design.
#include "verify_policy.hpp"

#include "cchost/claims/namespace_claims.hpp"
#include "cchost/policy/verify_glue.hpp"

namespace cchost::cli {

Result<nlohmann::json> evaluate_policy_for_verify(const std::string& policy_file, const std::string& ns,
                                                  const nlohmann::json& claims_document,
                                                  std::optional<std::int64_t> evidence_age_seconds,
                                                  const policy::Catalog& catalog) {
  auto claims = claims::claims_from_json(claims_document);
  if (!claims) return make_error("claims from " + ns + ": " + claims.message());
  policy::PeerContext peer;
  peer.simulated = claims->simulated;
  peer.evidence_age_seconds = evidence_age_seconds;
  auto decision = policy::evaluate_policy_file(policy_file, *claims, peer, catalog);
  if (!decision) return decision.error();
  return policy::decision_to_json(*decision);
}

Result<nlohmann::json> evaluate_policy_for_verify(const std::string& policy_file,
                                                  const std::map<std::string, claims::NamespaceClaims>& claims_by_ns,
                                                  std::optional<std::int64_t> evidence_age_seconds,
                                                  const policy::Catalog& catalog) {
  policy::PeerContext peer;
  for (const auto& [ns, claims] : claims_by_ns) peer.simulated = peer.simulated || claims.simulated;
  peer.evidence_age_seconds = evidence_age_seconds;
  auto decision = policy::evaluate_policy_file(policy_file, claims_by_ns, peer, catalog);
  if (!decision) return decision.error();
  return policy::decision_to_json(*decision);
}

}  // namespace cchost::cli
