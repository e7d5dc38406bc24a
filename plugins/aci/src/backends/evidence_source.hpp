#pragma once
// Where generate() gets ACI evidence: the SKR sidecar over HTTP (`sidecar`), or the simulated
// sidecar in-process (`sim`). Either way the runtime data carries the binding and the token is
// what the verifier checks; the verifier does not know which produced it (only the pinned
// instance decides, and a simulated one marks the claims simulated).
#include <memory>

#include "cchost/bytes.hpp"
#include "cchost/result.hpp"
#include "plugin_config.hpp"
#include "runtime_data.hpp"

namespace cchost::aci {

class EvidenceSource {
 public:
  virtual ~EvidenceSource() = default;
  virtual Result<Bytes> generate(const Binding& binding) = 0;
};

Result<std::unique_ptr<EvidenceSource>> make_evidence_source(const AciPluginConfig& config);

}  // namespace cchost::aci
