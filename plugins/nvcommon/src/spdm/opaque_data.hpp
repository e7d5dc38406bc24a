#pragma once
// The opaque data an NVIDIA device appends to its MEASUREMENTS response: a list of
// `Type u16 | Length u16 | Value` entries (little-endian) that must consume the field exactly.
// GPUs use types 1..36 and NVSwitches 1..27 (anything else is refused, as NVIDIA's own
// verifier does); a type given twice is refused (no "last one wins" ambiguity). Decoding is
// byte-level only: the verifier decides what the values mean for trust.
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cchost/bytes.hpp"
#include "cchost/result.hpp"

namespace cchost::nv {

enum class DeviceClass { gpu, nvswitch };

using Pdi = std::array<std::uint8_t, 8>;

// Opaque data types both device classes share (NOTES.md §1.1).
namespace opaque_type {
inline constexpr std::uint16_t driver_version = 3;
inline constexpr std::uint16_t vbios_version = 6;
inline constexpr std::uint16_t nvdec0_status = 11;
inline constexpr std::uint16_t msrscnt = 12;
inline constexpr std::uint16_t board_id = 14;
inline constexpr std::uint16_t chip_sku = 15;
inline constexpr std::uint16_t chip_sku_mod = 16;
inline constexpr std::uint16_t project = 17;
inline constexpr std::uint16_t project_sku = 18;
inline constexpr std::uint16_t project_sku_mod = 19;
inline constexpr std::uint16_t fwid = 20;
inline constexpr std::uint16_t protected_pcie_status = 21;
inline constexpr std::uint16_t pdi = 22;               // GPU: its switches' PDIs; switch: its own PDI
inline constexpr std::uint16_t switch_disabled_ports = 23;
inline constexpr std::uint16_t switch_position_id = 24;
inline constexpr std::uint16_t switch_lock_status = 25;
inline constexpr std::uint16_t switch_gpu_pdis = 26;
inline constexpr std::uint16_t opaque_data_version = 34;  // GPU only
inline constexpr std::uint16_t chip_info = 35;            // GPU only (Blackwell and later)
inline constexpr std::uint16_t feature_flag = 36;         // GPU only
}  // namespace opaque_type

struct OpaqueData {
  DeviceClass device = DeviceClass::gpu;
  std::map<std::uint16_t, Bytes> raw;        // every entry, by type

  // Decoded views (absent when the report has no such entry).
  std::optional<std::string> driver_version;  // "580.159.03"; switches carry none
  std::optional<std::string> vbios_version;   // "96.00.74.00.20" (GPU: unpacked; switch: ASCII)
  std::optional<std::string> chip_sku, chip_sku_mod, project, project_sku, project_sku_mod, chip_info;
  std::optional<std::uint8_t> nvdec0_status;          // 0xAA enabled, 0x55 disabled
  std::optional<std::uint8_t> protected_pcie_status;  // 0xAA PPCIe, 0x55 not
  std::optional<Bytes> fwid;                           // 48 bytes
  std::uint64_t opaque_data_version = 0;               // absent means 0
  std::optional<std::uint64_t> feature_flag;           // read only when the version is >= 1
  // GPU: the PDIs of the switches its NVLinks reach, as the switches report their own PDI
  // (the GPU stores each byte-reversed; this holds them un-reversed), all-zero links dropped.
  std::vector<Pdi> switch_pdis;
  // Switch: its own PDI, the GPUs' PDIs it reports, its position on the board.
  std::optional<Pdi> device_pdi;
  std::vector<Pdi> gpu_pdis;                           // all-zero entries dropped
  std::optional<std::uint16_t> switch_position_id;
};

Result<OpaqueData> parse_opaque_data(ByteView opaque, DeviceClass device);

// The packed 8-byte GPU VBIOS version as NVIDIA prints it: bytes reversed to 16 hex digits h,
// then h[8:16] + h[6:8] in dotted pairs, upper case ("0074009620000000" -> "96.00.74.00.20").
std::string format_packed_vbios(ByteView packed);

// Upper-case hex of a PDI ("03DBA23B3C11BD8A").
std::string pdi_hex(const Pdi& pdi);

}  // namespace cchost::nv
