// The x-nv-switch authorizer: the shared NVIDIA authorizer with the NVSwitch vocabulary and
// sources.
//   generate(): every switch's SPDM report on the 32-byte binding, as NVIDIA's evidence list.
//   verify():   per switch: chain -> signature -> nonce -> architecture -> BIOS RIM -> OCSP.
#include "cchost/authorizer.hpp"
#include "describe.hpp"
#include "verify/nv_authorizer.hpp"
#include "verify/device_sources.hpp"
#include "verify/sim_source.hpp"

namespace cchost::nv::nvswitch {

Result<std::unique_ptr<EvidenceSource>> make_switch_source(const NvPluginConfig& config) {
  if (config.backend == "sim") return open_sim_source(config);
  return open_nscq_source(config);  // auto and nscq
}

class SwitchAuthorizer : public NvAuthorizer {
 public:
  SwitchAuthorizer(const std::string& config_toml, const sdk::HostServices& host)
      : NvAuthorizer(DeviceClass::nvswitch, "x-nv-switch", config_toml, host, &make_switch_source) {}

  static std::string describe() { return describe_json(); }
  static sdk::Outcome sim_provision(const std::string& dir, std::string& out_json) { return provision_sim(DeviceClass::nvswitch, dir, out_json); }
};

}  // namespace cchost::nv::nvswitch

CCHOST_EXPORT_AUTHORIZER(cchost::nv::nvswitch::SwitchAuthorizer, "x-nv-switch", "NVIDIA NVSwitch", "0.1.0")
