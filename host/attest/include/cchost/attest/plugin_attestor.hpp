#pragma once
// The Attestor the host runs: our loaded authorizer plugins produce and verify evidence, our
// policy appraises the claims. Data walks one way (STYLE.md): bundle -> plugin verify ->
// claims -> composite stages (plugins that relate other namespaces derive claims from the
// verified ones, never from evidence) -> policy -> appraisal; the policy never calls a plugin
// and no plugin reads host state.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cchost/attest/attestor.hpp"
#include "cchost/plugin/loader.hpp"
#include "cchost/policy/policy.hpp"

namespace cchost::attest {

struct PluginAttestorConfig {
  std::string name;                 // our participant name
  Bytes identity_key;               // our CURVE public key, 32 raw bytes
  std::vector<std::shared_ptr<plugin::Authorizer>> authorizers;
  // Namespaces we verify but present no evidence for (a kit's verify_only authorizers).
  std::vector<std::string> verify_only;
  std::shared_ptr<const policy::Policy> policy;
  std::function<std::int64_t()> clock;  // seconds since the epoch; default: system clock
  std::int64_t max_clock_skew_seconds = 120;
};

class PluginAttestor : public Attestor {
 public:
  explicit PluginAttestor(PluginAttestorConfig config);
  Result<EvidenceBundle> produce(ByteView nonce, ByteView job_key = {}) override;
  Appraisal appraise(const AppraisalRequest& request) override;
  FailurePolicy failure_policy() const override;

 private:
  std::int64_t now() const;
  PluginAttestorConfig config_;
};

}  // namespace cchost::attest
