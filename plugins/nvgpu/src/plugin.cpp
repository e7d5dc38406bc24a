// The x-nv-gpu authorizer: the shared NVIDIA authorizer with the GPU vocabulary and sources.
//   generate(): every GPU's SPDM report on the 32-byte binding, as NVIDIA's evidence list.
//   verify():   per GPU: chain -> signature -> nonce -> FWID -> architecture -> RIMs -> OCSP.
//   on_event(): attest.self_appraisal -> GPUs ready only if this participant passed its own policy.
#include "cchost/authorizer.hpp"
#include "describe.hpp"
#include "verify/nv_authorizer.hpp"
#include "ready_state.hpp"
#include "verify/device_sources.hpp"
#include "verify/sim_source.hpp"

namespace cchost::nv::gpu {

Result<std::unique_ptr<EvidenceSource>> make_gpu_source(const NvPluginConfig& config) {
  if (config.backend == "sim") return open_sim_source(config);
  return open_nvml_source(config);  // auto and nvml
}

class GpuAuthorizer : public NvAuthorizer {
 public:
  GpuAuthorizer(const std::string& config_toml, const sdk::HostServices& host)
      : NvAuthorizer(DeviceClass::gpu, "x-nv-gpu", config_toml, host, &make_gpu_source), ready_(config(), host) {}

  static std::string describe() { return describe_json(); }
  static sdk::Outcome sim_provision(const std::string& dir, std::string& out_json) { return provision_sim(DeviceClass::gpu, dir, out_json); }

  sdk::Outcome on_event(const std::string& name, const std::string& event_json) override { return ready_.on_event(name, event_json); }

 private:
  ReadyStateHandler ready_;
};

}  // namespace cchost::nv::gpu

CCHOST_EXPORT_AUTHORIZER(cchost::nv::gpu::GpuAuthorizer, "x-nv-gpu", "NVIDIA GPU", "0.1.0")
