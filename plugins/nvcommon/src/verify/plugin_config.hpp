#pragma once
// The configuration table both NVIDIA plugins accept (read strictly: an unknown key is an
// error). Paths resolve against the kit folder, so nothing depends on the working directory.
//   backend         "auto" | the real source ("nvml" / "nscq") | "sim"
//   nvml_library / nscq_library   the library generate() dlopens (default: the loader's path)
//   sim_roots       simulated Device Identity roots to trust (evidence then reads simulated)
//   sim_rim_roots   simulated RIM signing roots to trust
//   set_ready_state GPU only: set the GPUs ready after the host's self-appraisal accepts
//   [sim]           ca_dir: the simulated board a prover signs with (its secret/ files);
//                   driver_version (GPU): the simulated GPUs report this driver instead
#include <string>
#include <vector>

#include <toml++/toml.h>

#include "cchost/crypto/x509.hpp"
#include "spdm/opaque_data.hpp"

namespace cchost::nv {

struct NvPluginConfig {
  std::string backend = "auto";
  std::string library;                       // nvml_library / nscq_library
  std::vector<crypto::Certificate> sim_roots;
  std::vector<crypto::Certificate> sim_rim_roots;
  bool set_ready_state = false;
  std::string sim_ca_dir;                    // [sim] ca_dir (absolute)
  std::string sim_driver_version;            // [sim] driver_version: GPUs report it instead (tests)
};

// Throws std::invalid_argument with a message naming the key (the SDK wrapper turns it into
// CCHOST_E_INVALID_ARGUMENT at create()).
NvPluginConfig parse_nv_plugin_config(const std::string& text, const std::string& base_dir, DeviceClass device);

}  // namespace cchost::nv
