// The x-nv-gpu authorizer: the shared NVIDIA authorizer with the GPU vocabulary and sources.
//   generate(): every GPU's SPDM report on the 32-byte binding, as NVIDIA's evidence list.
//   verify():   per GPU: chain -> signature -> nonce -> FWID -> architecture -> RIMs -> OCSP.
#include "cchost/authorizer.hpp"
#include "describe.hpp"
#include "verify/nv_authorizer.hpp"
#include "verify/sim_source.hpp"

namespace cchost::nv::gpu {

Result<std::unique_ptr<EvidenceSource>> make_gpu_source(const NvPluginConfig& config) {
  if (config.backend == "sim") return open_sim_source(config);
  return make_error("backend \"" + config.backend + "\" is not available in this build");
}

class GpuAuthorizer : public NvAuthorizer {
 public:
  GpuAuthorizer(const std::string& config_toml, const sdk::HostServices& host)
      : NvAuthorizer(DeviceClass::gpu, "x-nv-gpu", config_toml, host, &make_gpu_source) {}

  static std::string describe() { return describe_json(); }
  static sdk::Outcome sim_provision(const std::string& dir, std::string& out_json) { return provision_sim(DeviceClass::gpu, dir, out_json); }
};

}  // namespace cchost::nv::gpu

CCHOST_EXPORT_AUTHORIZER(cchost::nv::gpu::GpuAuthorizer, "x-nv-gpu", "NVIDIA GPU", "0.1.0")
