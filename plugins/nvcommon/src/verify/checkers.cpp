// The reference (RIM) and OCSP checkers an NVIDIA plugin verifies with, from its collateral
// folder: RIMs under rims/, OCSP responses under ocsp/.
#include "verify/nv_authorizer.hpp"

namespace cchost::nv {

NvCheckers make_checkers(DeviceClass device, const NvPluginConfig& config, const std::string& collateral_dir) {
  (void)device;
  (void)config;
  (void)collateral_dir;
  return NvCheckers{};
}

}  // namespace cchost::nv
