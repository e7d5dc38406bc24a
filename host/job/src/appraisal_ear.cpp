#include "appraisal_ear.hpp"

#include <ctime>

#include "cchost/ear/ear_claims.hpp"
#include "cchost/ear/ear_token.hpp"

namespace cchost::job {

Result<std::string> appraisal_ear(const std::string& peer, const attest::Appraisal& appraisal, ByteView nonce,
                                  const crypto::SigningKey& key, std::int64_t now) {
  const nlohmann::json& detail = appraisal.detail;
  ear::AppraisalRecord r;
  r.attester = peer;
  // A token that did not verify is a failed rule ("verify.NS") the mapping reads as a
  // cryptographic failure; the appraisal as a whole is the policy's decision.
  r.verified = true;
  r.accept = appraisal.accept;
  r.binding_checked = true;  // PluginAttestor recomputes every token's binding
  if (detail.is_object()) {
    r.simulated = detail.value("simulated", false);
    if (auto ns = detail.find("namespaces"); ns != detail.end() && ns->is_array())
      for (const auto& n : *ns)
        if (n.is_string()) r.namespaces.push_back(n.get<std::string>());
    if (auto failed = detail.find("failed"); failed != detail.end() && failed->is_array())
      for (const auto& f : *failed)
        if (f.is_object()) r.failed.push_back({f.value("rule", std::string()), f.value("claim", std::string())});
  }
  // Rules named only in failed_rules (a bundle that could not be read at all): still named.
  if (r.failed.empty())
    for (const auto& rule : appraisal.failed_rules) r.failed.push_back({rule, ""});
  r.verified_at = now;
  r.issued_at = now;
  if (nonce.size() >= ear::kMinNonceBytes && nonce.size() <= ear::kMaxNonceBytes) r.nonce = Bytes(nonce.begin(), nonce.end());
  auto claims = ear::build_ear_claims(r);
  if (!claims) return claims.error();
  return ear::sign_ear(*claims, key);
}

void attach_ear(nlohmann::json& fields, const std::shared_ptr<const crypto::SigningKey>& key, const std::string& peer,
                const attest::Appraisal& appraisal, ByteView nonce) {
  if (!key) return;
  auto token = appraisal_ear(peer, appraisal, nonce, *key, static_cast<std::int64_t>(std::time(nullptr)));
  if (token) fields["ear"] = std::move(*token);
  else fields["ear_error"] = token.message();
}

}  // namespace cchost::job
