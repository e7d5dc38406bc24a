#pragma once
// The `sim` evidence source of both NVIDIA plugins: the simulated board provisioning wrote into
// the kit ([sim] ca_dir), signing fresh reports for each nonce. Its chains end at a simulated
// root that a verifier trusts only through sim_roots, and a policy only with allow_simulated.
#include "verify/nv_authorizer.hpp"

namespace cchost::nv {

Result<std::unique_ptr<EvidenceSource>> open_sim_source(const NvPluginConfig& config);

// The provisioner's hook (sim_provision): a simulated board of 8 GPUs or 4 switches under `dir`.
sdk::Outcome provision_sim(DeviceClass device, const std::string& dir, std::string& out_json);

}  // namespace cchost::nv
