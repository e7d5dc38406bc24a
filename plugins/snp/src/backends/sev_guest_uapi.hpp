#pragma once
// The Linux /dev/sev-guest ioctl ABI (uapi linux/sev-guest.h, NOTES.md §10), defined here so the
// plugin builds where kernel headers are absent or old. Sizes and numbers are checked below.
#include <cstddef>
#include <cstdint>

namespace cchost::snp::sev_guest_uapi {

struct SnpReportReq {
  std::uint8_t user_data[64];  // becomes REPORT_DATA
  std::uint32_t vmpl;          // must be >= the guest's VMPL
  std::uint8_t rsvd[28];
};

struct SnpReportResp {
  std::uint8_t data[4000];  // MSG_REPORT_RSP: u32 status, u32 report_size, rsvd[24], report
};

struct SnpExtReportReq {
  SnpReportReq data;
  std::uint64_t certs_address;  // page-aligned user buffer
  std::uint32_t certs_len;      // multiple of 4096; the kernel writes the needed size back
};

struct SnpGuestRequestIoctl {
  std::uint8_t msg_version;  // must be 1
  std::uint64_t req_data;
  std::uint64_t resp_data;
  union {
    std::uint64_t exitinfo2;
    struct {
      std::uint32_t fw_error;   // SEV firmware status
      std::uint32_t vmm_error;  // hypervisor status (1 = INVALID_LEN, 2 = BUSY)
    } errors;
  };
};

static_assert(sizeof(SnpReportReq) == 96);
static_assert(sizeof(SnpReportResp) == 4000);
static_assert(offsetof(SnpExtReportReq, certs_address) == 96);
static_assert(offsetof(SnpExtReportReq, certs_len) == 104);
static_assert(sizeof(SnpGuestRequestIoctl) == 32);
static_assert(offsetof(SnpGuestRequestIoctl, exitinfo2) == 24);

// _IOWR('S', nr, struct snp_guest_request_ioctl): direction read|write (3) << 30, size << 16.
constexpr unsigned long iowr_s(unsigned nr) {
  return (3UL << 30) | (static_cast<unsigned long>(sizeof(SnpGuestRequestIoctl)) << 16) |
         (static_cast<unsigned long>('S') << 8) | nr;
}
inline constexpr unsigned long kSnpGetReport = iowr_s(0x0);
inline constexpr unsigned long kSnpGetExtReport = iowr_s(0x2);
static_assert(kSnpGetReport == 0xC0205300UL);
static_assert(kSnpGetExtReport == 0xC0205302UL);

inline constexpr std::uint8_t kMsgVersion = 1;
inline constexpr std::uint32_t kVmmErrorInvalidLen = 1;  // SNP_GUEST_VMM_ERR_INVALID_LEN
inline constexpr std::uint32_t kVmmErrorBusy = 2;        // SNP_GUEST_VMM_ERR_BUSY
inline constexpr std::size_t kPageSize = 4096;

}  // namespace cchost::snp::sev_guest_uapi
