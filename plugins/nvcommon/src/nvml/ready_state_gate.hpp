#pragma once
// "Attest, then activate": a participant's GPUs accept client work only after its own GPU
// evidence verified and passed its own policy (the host's `attest.self_appraisal` event).
// NVIDIA's tools set the ready state only after attestation succeeded (NOTES.md §9, §10); a
// GPU left ready from an earlier run must not stay ready after a failed appraisal, so a
// rejection writes 0 explicitly rather than leaving the state alone.
#include <functional>
#include <string>

#include "cchost/result.hpp"
#include "nvml/nvml_library.hpp"

namespace cchost::nv {

enum class GateLogLevel { Info, Warn, Error };
using GateLog = std::function<void(GateLogLevel, const std::string&)>;

// accepted: set ready (1); otherwise set not-ready (0). Logs which state and why; an NVML
// failure is returned (and logged) so the caller can refuse to run.
Status apply_self_appraisal(NvmlLibrary& nvml, bool accepted, const std::string& reason, const GateLog& log);

}  // namespace cchost::nv
