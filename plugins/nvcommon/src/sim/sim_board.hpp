#pragma once
// A simulated HGX board (NOTES.md §9): N Hopper GPUs and M LS10 NVSwitches (default 8 + 4) whose
// reports agree the way genuine ones do: every GPU's SWITCH_PDI slots name the switches (stored
// byte-reversed) with zero slots for disabled links, every switch's SWITCH_GPU_PDIS lists the
// board's GPU PDIs, every device has its own leaf key and serial (distinct ueids), and golden
// measurements are a deterministic function of the model and firmware version, so the RIMs
// written at provisioning match the reports made later.
#include <cstddef>
#include <string>
#include <vector>

#include "cchost/bytes.hpp"
#include "cchost/result.hpp"
#include "sim/sim_device_pki.hpp"
#include "sim/sim_device_spec.hpp"

namespace cchost::nv::sim {

// RIM indices the simulated driver and VBIOS RIMs cover (the split NVIDIA's own test RIMs
// use: driver {7, 21..40}, VBIOS {0..6, 8..12}); an LS10 BIOS RIM covers all 31 blocks.
const std::vector<std::size_t>& sim_driver_indices();
const std::vector<std::size_t>& sim_vbios_indices();

struct SimBoardOptions {
  std::size_t gpus = 8;
  std::size_t switches = 4;
  // PDIs are derived from this seed, so a GPU-only and a switch-only provisioning of the same
  // board (two plugins, two folders) still agree on the topology.
  std::string board_seed = "cchost-sim-board-0";
  std::string gpu_hwmodel = "GH100 A01 GSP BROM";
  std::string switch_hwmodel = "LS_10 A01 FSP BROM";
  std::string driver_version = "580.159.03";
  std::string gpu_vbios_version = "96.00.74.00.20";
  std::string switch_bios_version = "96.10.55.00.01";
  bool ppcie = true;              // FEATURE_FLAG 2 and PROTECTED_PCIE_STATUS 0xAA
  std::size_t disabled_links = 2; // zero SWITCH_PDI slots per GPU (of 18)
};

// One device ready to sign reports.
struct SimDevice {
  SimDeviceSpec spec;
  vkit::EvpPkeyPtr leaf_key;
  std::string chain_pem;          // leaf first, 5 certificates
};

struct SimBoard {
  std::vector<SimDevice> gpus;
  std::vector<SimDevice> switches;
};

// The golden block values of a model at a firmware version (GPU: 64 blocks, driver indices
// from the driver version, VBIOS indices from the VBIOS version, the rest zero; LS10: 31).
std::vector<Digest384> sim_golden_measurements(DeviceClass device_class, const std::string& hwmodel,
                                               const std::string& driver_version, const std::string& firmware_version);

// The board's PDIs: GPU g and switch s (8 bytes each, distinct, derived from the seed).
Pdi sim_gpu_pdi(const SimBoardOptions& options, std::size_t g);
Pdi sim_switch_pdi(const SimBoardOptions& options, std::size_t s);

// The device specs alone (no keys): what make_sim_board issues certificates for.
Result<std::vector<SimDeviceSpec>> sim_board_specs(const SimBoardOptions& options, DeviceClass device_class);

// Specs plus a certificate and leaf key per device (GPUs and switches), under `pki`.
Result<SimBoard> make_sim_board(const SimDevicePki& pki, const SimBoardOptions& options);

// NVIDIA's evidence list (evidence_list.hpp) of fresh reports for `nonce` (32 bytes), arch
// "HOPPER" for GPUs and "LS10" for switches; all devices must be of one class.
Result<std::string> sim_evidence_list(const std::vector<SimDevice>& devices, ByteView nonce);

}  // namespace cchost::nv::sim
