#pragma once
// Our own definitions of the NVML types the evidence collector passes across the dlopen
// boundary (NOTES.md §10; NVML's nvml.h, which we neither ship nor include). The layouts are
// the ABI: a wrong size would let the library write past our buffer, so every size and the
// offsets we read or write are pinned with static_asserts.
#include <cstddef>
#include <cstdint>

namespace cchost::nv::nvml_abi {

using nvmlReturn_t = int;                 // 0 = NVML_SUCCESS
struct nvmlDevice_st;
using nvmlDevice_t = nvmlDevice_st*;      // opaque handle

inline constexpr nvmlReturn_t kSuccess = 0;

struct nvmlConfComputeSystemState_t {
  unsigned int environment;   // 0 unavailable, 1 SIM, 2 PROD
  unsigned int ccFeature;     // 1 = confidential computing on
  unsigned int devToolsMode;  // 1 = developer tools mode on
};
static_assert(sizeof(nvmlConfComputeSystemState_t) == 12);

struct nvmlSystemConfComputeSettings_t {
  unsigned int version;       // kSettingsVersion
  unsigned int environment;
  unsigned int ccFeature;
  unsigned int devToolsMode;
  unsigned int multiGpuMode;  // 0 none, 1 PROTECTED_PCIE, 2 NVLE
};
static_assert(sizeof(nvmlSystemConfComputeSettings_t) == 20);
// NVML versions structs as sizeof | (version << 24); the library refuses a mismatch.
inline constexpr unsigned int kSettingsVersion = sizeof(nvmlSystemConfComputeSettings_t) | (1u << 24);
static_assert(kSettingsVersion == 0x01000014);

inline constexpr std::size_t kCertChainBytes = 0x1000;
inline constexpr std::size_t kAttestationCertChainBytes = 0x1400;
struct nvmlConfComputeGpuCertificate_t {
  unsigned int certChainSize;
  unsigned int attestationCertChainSize;
  unsigned char certChain[kCertChainBytes];
  unsigned char attestationCertChain[kAttestationCertChainBytes];
};
static_assert(sizeof(nvmlConfComputeGpuCertificate_t) == 9224);
static_assert(offsetof(nvmlConfComputeGpuCertificate_t, attestationCertChain) == 8 + kCertChainBytes);

inline constexpr std::size_t kNonceBytes = 32;
inline constexpr std::size_t kAttestationReportBytes = 0x2000;
inline constexpr std::size_t kCecAttestationReportBytes = 0x1000;
struct nvmlConfComputeGpuAttestationReport_t {
  unsigned int isCecAttestationReportPresent;
  unsigned int attestationReportSize;
  unsigned int cecAttestationReportSize;
  unsigned char nonce[kNonceBytes];  // input: the verifier's nonce, copied in before the call
  unsigned char attestationReport[kAttestationReportBytes];
  unsigned char cecAttestationReport[kCecAttestationReportBytes];
};
static_assert(sizeof(nvmlConfComputeGpuAttestationReport_t) == 12332);
static_assert(offsetof(nvmlConfComputeGpuAttestationReport_t, nonce) == 12);
static_assert(offsetof(nvmlConfComputeGpuAttestationReport_t, attestationReport) == 44);

inline constexpr std::size_t kDriverVersionBytes = 80;  // NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE
inline constexpr std::size_t kVbiosVersionBytes = 32;   // NVML_DEVICE_VBIOS_VERSION_BUFFER_SIZE

inline constexpr unsigned int kArchHopper = 9;
inline constexpr unsigned int kArchBlackwell = 10;

inline constexpr unsigned int kReadyStateNotReady = 0;  // GPUs refuse client work
inline constexpr unsigned int kReadyStateReady = 1;     // GPUs accept client work

}  // namespace cchost::nv::nvml_abi
