#pragma once
// What one simulated NVIDIA device reports: every input the SPDM writer (spdm_writer.hpp) needs
// to produce a byte-exact GET_MEASUREMENTS report, and its JSON form so provisioning can store
// it in secret/ and a prover can reload it (NOTES.md §1, §1.1).
#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "cchost/bytes.hpp"
#include "cchost/result.hpp"
#include "sim/sim_device_pki.hpp"

namespace cchost::nv::sim {

using Digest384 = std::array<std::uint8_t, 48>;
using Pdi = std::array<std::uint8_t, 8>;  // a platform device id as the device itself reports it

inline constexpr std::size_t kGpuBlocks = 64;      // Hopper: 64 measurement blocks
inline constexpr std::size_t kSwitchBlocks = 31;   // LS10: 31
inline constexpr std::size_t kGpuNvlinkSlots = 18; // Hopper SXM: 18 SWITCH_PDI slots
inline constexpr std::size_t kSwitchGpuSlots = 8;  // LS10 SWITCH_GPU_PDIS: 8 PDIs
inline constexpr std::size_t kSwitchPortEntries = 64;

struct SimDeviceSpec {
  DeviceClass device_class = DeviceClass::gpu;
  std::string hwmodel;                   // BROM CN, e.g. "GH100 A01 GSP BROM", "LS_10 A01 FSP BROM"
  std::vector<Digest384> measurements;   // SPDM block Index i+1 = measurements[i] (= RIM index i)
  std::vector<std::uint32_t> msrscnt;    // MSRSCNT (12), one counter per block; empty: 1 per block
  std::string vbios_version;             // "96.00.74.00.20" (GPU: packed 8 bytes; LS10: ASCII)
  Fwid fwid{};                           // in the leaf's FWID extension; GPU also reports it (TLV 20)

  // GPU only (DeviceClass::gpu)
  std::string driver_version;            // "580.159.03" (TLV 3)
  std::string chip_sku = "862", chip_sku_mod = "0", project = "1010", project_sku = "0205",
              project_sku_mod;           // TLVs 15..19: the VBIOS RIM id
  std::uint8_t nvdec0_status = 0x55;     // TLV 11: 0xAA enabled, 0x55 disabled
  std::uint8_t protected_pcie_status = 0x55;  // TLV 21: 0xAA on a PPCIE box
  // TLV 22: per NVLink slot, the DEVICE_PDI of the switch on that link exactly as the switch
  // reports it; the writer stores each byte-reversed as GPU firmware does. All-zero = disabled.
  std::vector<Pdi> switch_pdis;
  std::uint32_t board_id = 0x04a1;       // TLV 14
  std::uint64_t opaque_data_version = 1; // TLV 34
  std::uint64_t feature_flag = 0;        // TLV 36: 2 = PPCIE (0/1 SPT/MPT, mapping disputed)

  // NVSwitch only (DeviceClass::nvswitch)
  Pdi device_pdi{};                      // TLV 22, the switch's own PDI (not reversed)
  std::uint16_t position_id = 0;         // TLV 24, 0..3
  std::vector<Pdi> gpu_pdis;             // TLV 26: 8 GPU PDIs ...
  Bytes gpu_pdi_ports;                   // ... followed by 64 one-byte port entries
  std::uint16_t disabled_ports = 0x00ec; // TLV 23 (u16 LE; "ec00" seen)
  std::uint16_t lock_status = 1;         // TLV 25

  // Appended after the standard TLVs (type, value): lets tests build unusual reports.
  std::vector<std::pair<std::uint16_t, Bytes>> extra_opaque;
};

// JSON object with every field (byte fields as lowercase hex); from_json refuses unknown
// fields, wrong types and wrong sizes, naming the field.
std::string spec_to_json(const SimDeviceSpec& spec);
Result<SimDeviceSpec> spec_from_json(std::string_view json);

}  // namespace cchost::nv::sim
