#include "nvml/ready_state_gate.hpp"

#include "nvml/nvml_types.hpp"

namespace cchost::nv {

Status apply_self_appraisal(NvmlLibrary& nvml, bool accepted, const std::string& reason, const GateLog& log) {
  const unsigned state = accepted ? nvml_abi::kReadyStateReady : nvml_abi::kReadyStateNotReady;
  const std::string what = accepted ? "GPUs set ready (1): own evidence verified and passed own policy"
                                    : "GPUs set not ready (0): own evidence was rejected";
  auto set = nvml.set_gpus_ready_state(state);
  if (!set) {
    if (log) log(GateLogLevel::Error, "attest-then-activate: setting GPUs ready state " + std::to_string(state) + " failed: " + set.message());
    return set;
  }
  // Read back: a library that reports success without changing the state must not pass as ready.
  auto now = nvml.gpus_ready_state();
  if (!now) {
    if (log) log(GateLogLevel::Error, "attest-then-activate: reading GPUs ready state back failed: " + now.message());
    return now.error();
  }
  if (*now != state) {
    Status mismatch = make_error("attest-then-activate: GPUs ready state: expected " + std::to_string(state) + " after setting it, got " +
                                 std::to_string(*now));
    if (log) log(GateLogLevel::Error, mismatch.message());
    return mismatch;
  }
  if (log) log(accepted ? GateLogLevel::Info : GateLogLevel::Warn, "attest-then-activate: " + what + (reason.empty() ? "" : ": " + reason));
  return {};
}

}  // namespace cchost::nv
