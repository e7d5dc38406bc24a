#pragma once
// What the runtime needs from attestation, and nothing more: produce our own bundle for a
// nonce, and appraise a peer's bundle against our own policy. The runtime never names a
// platform; the implementation (host/attest PluginAttestor) drives the loaded authorizers
// and the policy engine.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cchost/attest/bundle.hpp"
#include "cchost/bytes.hpp"
#include "cchost/result.hpp"

namespace cchost::attest {

struct Appraisal {
  bool accept = false;
  // What failed, names only (safe to send to the peer): the claim a failed rule read
  // ("snp.policy.debug"), or the rule id of a check that reads no single claim ("binding.nonce").
  std::vector<std::string> failed_rules;
  nlohmann::json detail;                  // {"errors":[..], "failed":[{rule,claim,expected,actual,why}]}
};

struct AppraisalRequest {
  const EvidenceBundle* bundle = nullptr;
  Bytes expected_nonce;
  std::string expected_name;
  std::optional<Bytes> expected_identity_key;  // raw 32-byte CURVE key, when the kit knows it
  std::string peer_role;                        // "server" | "site"
  // When the relying party issued the challenge this bundle answers (seconds since the epoch).
  // Evidence age is measured from it: the prover's issued_at is signed by nothing, so trusting
  // it let a peer call any evidence fresh (issue 9, defect 6). Unset: the age is unknown, which
  // fails a policy that sets max_evidence_age.
  std::optional<std::int64_t> challenged_at;
  // A job challenge's answer must be binding v2 with a job key (the payload is sealed to it);
  // without one it fails `binding.job_key`.
  bool require_job_key = false;
};

struct FailurePolicy {
  std::string on_failure = "exclude";   // "exclude" | "shutdown"
  std::string peer_trust = "decline";   // "decline" | "mutual"
};

class Attestor {
 public:
  virtual ~Attestor() = default;
  // Our bundle: one token per loaded authorizer, each bound to (nonce, our key, our name)
  // with binding v1; with a `job_key` (32 bytes), binding v2 over it too (binding.hpp).
  virtual Result<EvidenceBundle> produce(ByteView nonce, ByteView job_key = {}) = 0;
  virtual Appraisal appraise(const AppraisalRequest& request) = 0;
  virtual FailurePolicy failure_policy() const = 0;
};

// Appends one audit entry and makes it durable before returning (the caller sends the
// decision it records only afterwards).
using AuditSink = std::function<Status(const std::string& type, const nlohmann::json& fields)>;

}  // namespace cchost::attest
