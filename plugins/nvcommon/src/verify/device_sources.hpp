#pragma once
// The real evidence sources of the NVIDIA plugins, both through dlopen (no link-time
// dependency on NVIDIA's libraries): NVML for GPUs, NSCQ for NVSwitches.
#include "verify/nv_authorizer.hpp"

namespace cchost::nv {

Result<std::unique_ptr<EvidenceSource>> open_nvml_source(const NvPluginConfig& config);
Result<std::unique_ptr<EvidenceSource>> open_nscq_source(const NvPluginConfig& config);

}  // namespace cchost::nv
