#include "backends/evidence_source.hpp"

#include <ctime>

#include "backends/sidecar_client.hpp"
#include "cchost/crypto/encoding.hpp"
#include "cchost/verify/posix_files.hpp"
#include "json_strict.hpp"
#include "sim/sim_sidecar.hpp"

namespace cchost::aci {
namespace {

// The raw path's evidence (raw_evidence.hpp): the sidecar's /attest/combined answer with the
// runtime data and the CCE policy (std base64) added.
Result<Bytes> raw_evidence(const std::string& combined, const std::string& runtime, const std::string& policy_b64) {
  auto doc = parse_json_object(combined, "sidecar /attest/combined reply");
  if (!doc) return doc.error();
  (*doc)["runtime_data"] = crypto::base64_encode(as_bytes(runtime));
  (*doc)["security_policy"] = policy_b64;
  const std::string text = compact_json(*doc);
  return Bytes(text.begin(), text.end());
}

class SidecarSource : public EvidenceSource {
 public:
  explicit SidecarSource(const AciPluginConfig& c)
      : client_(static_cast<int>(c.sidecar_port), c.timeout_ms), config_(c) {}
  Result<Bytes> generate(const Binding& binding) override {
    const std::string runtime = make_runtime_data(binding);
    if (config_.evidence == "raw") {
      // The UVM mounts the CCE policy as base64 text (/security-context-*/security-policy-base64).
      auto policy = vkit::read_whole_file(config_.security_policy_file, 1 << 20);
      if (!policy) return make_error("x-az-aci security_policy_file: " + policy.message());
      std::string text(policy->begin(), policy->end());
      while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
      if (!crypto::base64_decode(text)) return make_error("x-az-aci security_policy_file: not base64");
      auto combined = client_.attest_combined(runtime);
      if (!combined) return combined.error();
      return raw_evidence(*combined, runtime, text);
    }
    auto token = client_.attest_maa(config_.maa_endpoint, runtime);
    if (!token) return token.error();
    return Bytes(token->begin(), token->end());
  }

 private:
  SidecarClient client_;
  AciPluginConfig config_;
};

class SimSource : public EvidenceSource {
 public:
  SimSource(sim::SimSidecar sidecar, bool raw) : sidecar_(std::move(sidecar)), raw_(raw) {}
  Result<Bytes> generate(const Binding& binding) override {
    // The same request the sidecar backend sends, answered in-process.
    const std::string runtime = make_runtime_data(binding);
    if (raw_) {
      auto combined = sidecar_.attest_combined("{\"runtime_data\":\"" + crypto::base64_encode(as_bytes(runtime)) + "\"}");
      if (combined.status != 200) return make_error("x-az-aci sim: " + combined.body);
      return raw_evidence(combined.body, runtime, crypto::base64_encode(as_bytes(sim::kSimCcePolicy)));
    }
    const std::string body = "{\"maa_endpoint\":\"" + std::string(sim::kSimMaaHost) + "\",\"runtime_data\":\"" +
                             crypto::base64_encode(as_bytes(runtime)) + "\"}";
    auto reply = sidecar_.attest_maa(body, static_cast<std::int64_t>(std::time(nullptr)));
    if (reply.status != 200) return make_error("x-az-aci sim: " + reply.body);
    auto doc = parse_json_object(reply.body, "sim sidecar reply");
    if (!doc) return doc.error();
    const auto member = doc->find("token");
    if (member == doc->end() || !member->is_string()) return make_error("x-az-aci sim: reply without a token");
    const std::string token = member->get<std::string>();
    return Bytes(token.begin(), token.end());
  }

 private:
  sim::SimSidecar sidecar_;
  bool raw_;
};

}  // namespace

Result<std::unique_ptr<EvidenceSource>> make_evidence_source(const AciPluginConfig& config) {
  if (config.backend == "sidecar") {
    if (config.evidence == "maa" && config.maa_endpoint.empty()) {
      return make_error("x-az-aci: backend \"sidecar\" with evidence \"maa\" needs maa_endpoint");
    }
    if (config.evidence == "raw" && config.security_policy_file.empty()) {
      return make_error("x-az-aci: evidence \"raw\" needs security_policy_file (/security-context-*/security-policy-base64)");
    }
    return std::unique_ptr<EvidenceSource>(std::make_unique<SidecarSource>(config));
  }
  if (config.sim_ca_dir.empty()) {
    return make_error("x-az-aci: backend \"sim\" needs [sim] ca_dir (the sim_provision secret folder)");
  }
  auto sidecar = sim::SimSidecar::load(config.sim_ca_dir, config.sim_guest);
  if (!sidecar) return make_error("x-az-aci sim: " + sidecar.message());
  return std::unique_ptr<EvidenceSource>(std::make_unique<SimSource>(std::move(*sidecar), config.evidence == "raw"));
}

}  // namespace cchost::aci
