// The GPU ready-state transition after the self-appraisal (see ready_state.hpp).
#include "ready_state.hpp"

#include "nvml/nvml_library.hpp"
#include "nvml/ready_state_gate.hpp"
#include "nvml/self_appraisal_event.hpp"

namespace cchost::nv::gpu {

ReadyStateHandler::ReadyStateHandler(const NvPluginConfig& config, const sdk::HostServices& host)
    : enabled_(config.set_ready_state), library_(config.library.empty() ? "libnvidia-ml.so.1" : config.library), host_(host) {
  if (enabled_ && config.backend == "sim") {
    throw std::invalid_argument("x-nv-gpu config set_ready_state: needs the nvml backend (simulated GPUs have no ready state)");
  }
}

sdk::Outcome ReadyStateHandler::on_event(const std::string& name, const std::string& event_json) {
  if (name != kSelfAppraisalEventName || !enabled_) return sdk::Outcome::success();
  std::lock_guard lock(mutex_);
  auto event = parse_self_appraisal_event(event_json);
  // A document we cannot read is not an acceptance: the GPUs are set not ready.
  const ActivationDecision decision = event ? decide_activation(*event, "x-nv-gpu")
                                            : ActivationDecision{false, "unreadable self-appraisal event: " + event.message()};
  auto nvml = NvmlLibrary::open(library_);
  if (!nvml) {
    host_.log(CCHOST_LOG_ERROR, "ready state: NVML unavailable, GPUs left as they are: " + nvml.message());
    return sdk::Outcome::failure(CCHOST_E_UNAVAILABLE, "x-nv-gpu ready state: " + nvml.message());
  }
  auto log = [this](GateLogLevel level, const std::string& message) {
    host_.log(level == GateLogLevel::Info ? CCHOST_LOG_INFO : level == GateLogLevel::Warn ? CCHOST_LOG_WARN : CCHOST_LOG_ERROR,
              message);
  };
  if (auto s = apply_self_appraisal(**nvml, decision.activate, decision.reason, log); !s) {
    return sdk::Outcome::failure(CCHOST_E_UNAVAILABLE, "x-nv-gpu ready state: " + s.message());
  }
  return sdk::Outcome::success();
}

}  // namespace cchost::nv::gpu
