#pragma once
// authorizer.h sim_provision for x-nv-gpu / x-nv-switch: a simulated NVIDIA device CA, a
// simulated RIM signer and one board's devices of one class, written under `dir`:
//   dir/trust/  sim_device_root.pem, sim_rim_root.pem and the signed RIMs as <RIM id>.xml
//               (flat: the provisioner copies plain names into every kit's trust/<ns>/, and
//               that folder is then the offline RIM store)
//   dir/secret/ devices.json (the device names in order), and per device <name>.key (the leaf
//               key, 0600), <name>_chain.pem (5 certificates, leaf first), <name>.json (its
//               SimDeviceSpec), with <name> = gpu0.. or switch0..
// No CA or RIM signing key is written: a kit can sign reports for its devices, nothing more.
#include <filesystem>
#include <string>

#include "cchost/result.hpp"
#include "sim/sim_board.hpp"

namespace cchost::nv::sim {

inline constexpr const char* kSimDeviceRootFile = "sim_device_root.pem";
inline constexpr const char* kSimRimRootFile = "sim_rim_root.pem";
inline constexpr const char* kSimDevicesFile = "devices.json";

// The plugin namespace whose kit folders the answer's config paths name.
inline const char* sim_namespace(DeviceClass c) { return c == DeviceClass::gpu ? "x-nv-gpu" : "x-nv-switch"; }

// Writes the layout for `device_class` under `dir` and returns the provisioner's answer:
// {"trust":[...], "secret":[...],
//  "verifier_config":{"sim_roots":["trust/<ns>/sim_device_root.pem"],
//                     "sim_rim_roots":["trust/<ns>/sim_rim_root.pem"]},
//  "prover_config":{"sim":{"ca_dir":"sim/<ns>"}}}
Result<std::string> provision_sim_nvidia(const std::filesystem::path& dir, DeviceClass device_class,
                                         const SimBoardOptions& options = {});

}  // namespace cchost::nv::sim
