#pragma once
// The /dev/tdx_guest ioctl ABI (NOTES.md §9 B), defined here so the plugin builds without
// kernel headers. GET_REPORT0 is upstream (linux/tdx-guest.h); GET_QUOTE is the out-of-tree
// ioctl Intel DCAP's tdx_attest uses on kernels without configfs-tsm (upstream never merged a
// quote ioctl, so a current kernel answers ENOTTY and configfs-tsm is the way).
#include <cstddef>
#include <cstdint>

namespace cchost::tdx::tdx_guest_uapi {

struct TdxReportReq {
  std::uint8_t reportdata[64];
  std::uint8_t tdreport[1024];
};
static_assert(sizeof(TdxReportReq) == 1088);

// The GET_QUOTE argument: a user buffer holding a TdxQuoteHdr followed by its data.
struct TdxQuoteReq {
  std::uint64_t buf;
  std::uint64_t len;
};
static_assert(sizeof(TdxQuoteReq) == 16);

struct TdxQuoteHdr {
  std::uint64_t version;  // 1
  std::uint64_t status;   // written by the VMM
  std::uint32_t in_len;   // request bytes after the header
  std::uint32_t out_len;  // response bytes after the header (written by the VMM)
};
static_assert(sizeof(TdxQuoteHdr) == 24);

constexpr unsigned long ioc(unsigned dir, unsigned nr, std::size_t size) {
  return (static_cast<unsigned long>(dir) << 30) | (static_cast<unsigned long>(size) << 16) |
         (static_cast<unsigned long>('T') << 8) | nr;
}
inline constexpr unsigned long kGetReport0 = ioc(3, 1, sizeof(TdxReportReq));  // _IOWR('T', 1, ...)
inline constexpr unsigned long kGetQuote = ioc(2, 4, sizeof(TdxQuoteReq));      // _IOR('T', 4, ...)
static_assert(kGetReport0 == 0xC4405401UL);
static_assert(kGetQuote == 0x80105404UL);

inline constexpr std::uint64_t kQuoteHdrVersion = 1;
inline constexpr std::uint64_t kStatusSuccess = 0;
inline constexpr std::uint64_t kStatusInFlight = 0xFFFFFFFFFFFFFFFFull;
inline constexpr std::uint64_t kStatusError = 0x8000000000000000ull;
inline constexpr std::uint64_t kStatusServiceUnavailable = 0x8000000000000001ull;
inline constexpr std::size_t kQuoteBufferSize = 4 * 4096;  // what tdx_attest allocates

}  // namespace cchost::tdx::tdx_guest_uapi
