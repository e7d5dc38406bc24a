#include "cchost/attest/self_appraisal.hpp"

#include <algorithm>

#include "cchost/attest/binding.hpp"
#include "cchost/crypto/encoding.hpp"
#include "cchost/crypto/random.hpp"

namespace cchost::attest {

namespace {

void add_once(std::vector<std::string>& list, const std::string& item) {
  if (std::find(list.begin(), list.end(), item) == list.end()) list.push_back(item);
}

// Each failed check as "<rule>: <why>", then the appraisal's errors, as the operator reads them.
std::vector<std::string> reasons_of(const nlohmann::json& detail) {
  std::vector<std::string> out;
  if (detail.is_object() && detail.contains("failed") && detail["failed"].is_array()) {
    for (const auto& f : detail["failed"]) {
      const std::string rule = f.value("rule", "");
      const std::string why = f.value("why", "");
      out.push_back(why.empty() ? rule : rule + ": " + why);
    }
  }
  if (detail.is_object() && detail.contains("errors") && detail["errors"].is_array()) {
    for (const auto& e : detail["errors"])
      if (e.is_string()) out.push_back(e.get<std::string>());
  }
  return out;
}

}  // namespace

nlohmann::json SelfAppraisal::event_payload() const {
  return {{"accepted", accepted}, {"namespaces", namespaces}, {"failed_rules", failed_rules}, {"reasons", reasons}};
}

SelfAppraisal appraise_self(Attestor& attestor, const SelfIdentity& self, std::int64_t now) {
  SelfAppraisal out;
  out.nonce = crypto::random_bytes(kNonceSize);
  auto bundle = attestor.produce(out.nonce);
  if (!bundle) {
    out.failed_rules.emplace_back(kSelfProduceRule);
    out.reasons.push_back("cannot produce our own evidence: " + bundle.message());
    return out;
  }
  for (const auto& token : bundle->tokens) add_once(out.namespaces, token.ns);
  AppraisalRequest request;
  request.bundle = &*bundle;
  request.expected_nonce = out.nonce;
  request.expected_name = self.name;
  request.expected_identity_key = self.identity_key;
  request.peer_role = self.role;
  request.challenged_at = now;
  const Appraisal appraisal = attestor.appraise(request);
  out.accepted = appraisal.accept;
  out.failed_rules = appraisal.failed_rules;
  out.reasons = reasons_of(appraisal.detail);
  return out;
}

Status record_self_appraisal(const SelfAppraisal& outcome, const AuditSink& audit, const EventPublisher& publish) {
  nlohmann::json fields = outcome.event_payload();
  fields["nonce"] = crypto::hex_encode(outcome.nonce);
  if (auto appended = audit(std::string(kSelfAppraisalAuditType), fields); !appended)
    return make_error("audit " + std::string(kSelfAppraisalAuditType) + ": " + appended.message());
  publish(std::string(kSelfAppraisalEvent), outcome.event_payload());
  return {};
}

std::string describe_self_appraisal(const SelfAppraisal& outcome) {
  auto join = [](const std::vector<std::string>& items, const char* sep) {
    std::string s;
    for (const auto& i : items) s += (s.empty() ? "" : sep) + i;
    return s;
  };
  if (outcome.accepted) return "self-appraisal accepted (" + join(outcome.namespaces, ", ") + ")";
  std::string line = "self-appraisal rejected: failed " + join(outcome.failed_rules, ", ");
  if (!outcome.reasons.empty()) line += ": " + join(outcome.reasons, "; ");
  return line;
}

}  // namespace cchost::attest
