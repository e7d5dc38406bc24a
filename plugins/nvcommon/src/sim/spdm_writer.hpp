#pragma once
// Writes the evidence a simulated NVIDIA device returns (NOTES.md §1): the 37-byte SPDM 1.1
// GET_MEASUREMENTS request carrying the verifier's nonce, followed by the MEASUREMENTS response
// (SHA-384 blocks, a random responder nonce, the opaque-data TLVs of a Hopper GPU or an LS10
// switch) and the raw r||s ECDSA-P384/SHA-384 signature over everything before it. The byte
// layout is NVIDIA's, so the verifier reads simulated and genuine reports with one parser.
#include <cstdint>
#include <string_view>

#include "cchost/bytes.hpp"
#include "cchost/result.hpp"
#include "cchost/verify/openssl_handles.hpp"
#include "sim/sim_device_spec.hpp"

namespace cchost::nv::sim {

inline constexpr std::size_t kSpdmRequestSize = 37;
inline constexpr std::size_t kSpdmNonceSize = 32;
inline constexpr std::size_t kSpdmBlockSize = 55;       // 4-byte header + 3-byte DMTF header + 48
inline constexpr std::size_t kSpdmSignatureSize = 96;   // P-384 r || s

// Opaque-data TLV types written (SDK GpuOpaqueDataType / SwitchOpaqueDataType).
enum OpaqueType : std::uint16_t {
  kDriverVersion = 3, kGpuInfo = 4, kVbiosVersion = 6, kNvdec0Status = 11, kMsrsCount = 12, kCprInfo = 13,
  kBoardId = 14, kChipSku = 15, kChipSkuMod = 16, kProject = 17, kProjectSku = 18, kProjectSkuMod = 19,
  kFwid = 20, kProtectedPcieStatus = 21, kSwitchPdi = 22, kOpaqueDataVersion = 34, kFeatureFlag = 36,
  // LS10 switch
  kDevicePdi = 22, kDisabledPorts = 23, kSwitchPositionId = 24, kSwitchLockStatus = 25, kSwitchGpuPdis = 26,
};

// The report for `nonce` (32 bytes), signed with `leaf_key` (the device's FMC LF key).
Result<Bytes> write_spdm_report(const SimDeviceSpec& spec, ByteView nonce, EVP_PKEY* leaf_key);

// The opaque data alone (TLVs in the order genuine firmware writes them), for tests.
Result<Bytes> write_opaque_data(const SimDeviceSpec& spec);

// A GPU VBIOS version "AA.BB.CC.DD.EE" (hex pairs) packed into the 8 bytes TLV 6 carries:
// [DD, CC, BB, AA, EE, 0, 0, 0], which NOTES §1.1's decoding turns back into the same text.
Result<Bytes> pack_gpu_vbios_version(std::string_view version);

}  // namespace cchost::nv::sim
