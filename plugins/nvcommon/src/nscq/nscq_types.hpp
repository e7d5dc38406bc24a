#pragma once
// Our own definitions of the NSCQ 2.0 types (NVSwitch configuration and query library,
// libnvidia-nscq.so.2; NOTES.md §10) used across the dlopen boundary. Callback arguments
// arrive by value, so the struct sizes are the ABI; each is pinned with static_asserts.
#include <cstddef>
#include <cstdint>

namespace cchost::nv::nscq_abi {

using nscq_rc_t = std::int8_t;  // 0 success, > 0 warning, < 0 error
inline constexpr nscq_rc_t kSuccess = 0;

struct nscq_session_st;
using nscq_session_t = nscq_session_st*;

struct nscq_session_result_t {
  nscq_rc_t rc;
  nscq_session_t session;
};

inline constexpr std::uint32_t kSessionCreateMountDevices = 0x1;  // NSCQ_SESSION_CREATE_MOUNT_DEVICES

struct nscq_uuid_t {
  std::uint8_t bytes[16];
};
static_assert(sizeof(nscq_uuid_t) == 16);

inline constexpr std::size_t kLabelBytes = 64;
struct nscq_label_t {
  char data[kLabelBytes];
};
static_assert(sizeof(nscq_label_t) == 64);

using nscq_arch_t = std::int8_t;  // 0 SV10, 1 LR10, 2 LS10
inline constexpr nscq_arch_t kArchLs10 = 2;

using nscq_tnvl_status_t = std::int8_t;  // -1 unknown, 0 disabled, 1 enabled, 2 failure, 3 locked
inline constexpr nscq_tnvl_status_t kTnvlEnabled = 1;
inline constexpr nscq_tnvl_status_t kTnvlLocked = 3;

inline constexpr std::size_t kNonceBytes = 0x20;  // NSCQ_ATTESTATION_REPORT_NONCE_SIZE
inline constexpr std::size_t kReportBytes = 0x2000;
struct nscq_attestation_report_t {
  std::uint32_t report_size;
  std::uint8_t report[kReportBytes];
};
static_assert(sizeof(nscq_attestation_report_t) == 8196);
static_assert(offsetof(nscq_attestation_report_t, report) == 4);

inline constexpr std::size_t kCertChainBytes = 0x1400;
struct nscq_attestation_certificate_t {
  std::uint8_t cert_chain[kCertChainBytes];
  std::uint32_t cert_chain_size;
};
static_assert(sizeof(nscq_attestation_certificate_t) == 5124);
static_assert(offsetof(nscq_attestation_certificate_t, cert_chain_size) == kCertChainBytes);

// nscq_session_path_observe takes a generic function pointer; the path decides which of
// these the library calls (device is the switch the value belongs to).
using nscq_fn_t = void (*)();
using UuidCallback = void (*)(const nscq_uuid_t* device, nscq_rc_t rc, const nscq_uuid_t* uuid, void* user_data);
using ArchCallback = void (*)(const nscq_uuid_t* device, nscq_rc_t rc, nscq_arch_t arch, void* user_data);
using TnvlCallback = void (*)(const nscq_uuid_t* device, nscq_rc_t rc, nscq_tnvl_status_t status, void* user_data);
using ReportCallback = void (*)(const nscq_uuid_t* device, nscq_rc_t rc, nscq_attestation_report_t report, void* user_data);
using CertificateCallback = void (*)(const nscq_uuid_t* device, nscq_rc_t rc, nscq_attestation_certificate_t cert, void* user_data);

}  // namespace cchost::nv::nscq_abi
