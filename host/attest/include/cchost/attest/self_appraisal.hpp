#pragma once
// "Attest, then activate": at start a participant produces its own bundle for a fresh random
// nonce and appraises it with its own policy exactly as it would a peer's (same Attestor,
// same binding and policy checks). The outcome is audited, logged and published on the bus as
// `attest.self_appraisal`, so a plugin that gates hardware (the GPU plugin sets its GPUs
// ready through NVML) activates it only after its own evidence verified and passed policy,
// and leaves it inactive otherwise.
//
// Event payload (also the audit entry's fields, plus "nonce"):
//   {"accepted": bool, "namespaces": ["x-acme", ...], "failed_rules": ["acme.debug", ...],
//    "reasons": ["<rule>: <why>", "<error>", ...]}
// namespaces: those our bundle carried evidence for (in token order, each once); empty when
// the bundle could not be produced (then failed_rules is ["self.produce"]).
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "cchost/attest/attestor.hpp"

namespace cchost::attest {

// = bus::events::kAttestSelfAppraisal (host/attest does not link the bus).
inline constexpr std::string_view kSelfAppraisalEvent = "attest.self_appraisal";
inline constexpr std::string_view kSelfAppraisalAuditType = "attest.self_appraisal";
// The failed rule named when our own bundle could not be produced at all.
inline constexpr std::string_view kSelfProduceRule = "self.produce";

struct SelfIdentity {
  std::string name;    // our participant name
  Bytes identity_key;  // our CURVE public key, 32 raw bytes
  std::string role;    // "server" | "site": the role a peer appraises us in
};

struct SelfAppraisal {
  bool accepted = false;
  std::vector<std::string> namespaces;
  std::vector<std::string> failed_rules;
  std::vector<std::string> reasons;
  Bytes nonce;  // the fresh challenge the bundle answered

  nlohmann::json event_payload() const;  // the payload documented above
};

// Draws a fresh 32-byte nonce, produces our bundle and appraises it; `now` stands for the
// challenge time (seconds since the epoch), as a peer's challenged_at would.
SelfAppraisal appraise_self(Attestor& attestor, const SelfIdentity& self, std::int64_t now);

using EventPublisher = std::function<void(const std::string& name, const nlohmann::json& payload)>;

// Audits the outcome durably, then publishes kSelfAppraisalEvent. When the audit append fails
// nothing is published (an unaudited activation is what the audit log exists to prevent) and
// the failure is returned.
Status record_self_appraisal(const SelfAppraisal& outcome, const AuditSink& audit, const EventPublisher& publish);

// One line for the operator's log: "self-appraisal accepted (x-snp)" or
// "self-appraisal rejected: failed snp.policy.debug: ...".
std::string describe_self_appraisal(const SelfAppraisal& outcome);

}  // namespace cchost::attest
