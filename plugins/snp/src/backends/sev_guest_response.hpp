#pragma once
// Pure interpretation of what /dev/sev-guest hands back (NOTES.md §10), separated from the ioctl
// calls so it can be tested with crafted buffers on machines without SEV-SNP.
#include <cstdint>
#include <string>
#include <string_view>

#include "cchost/bytes.hpp"
#include "cchost/result.hpp"

namespace cchost::snp {

// MSG_REPORT_RSP: u32 status @0 (0 = success, 0x16 = INVALID_PARAM), u32 report_size @4 (must be
// 0x4A0), report @0x20. Returns the 1184-byte report.
Result<Bytes> report_from_response(ByteView response);

// The certificate table the kernel copied into the caller's buffer, cut to its real extent
// (header through the end of the last certificate). An all-zero first entry: an empty table.
// Bounds-checked like any host-supplied data: offsets inside the buffer, a terminator present.
Result<Bytes> cert_table_from_buffer(ByteView buffer);

// What to do after SNP_GET_EXT_REPORT failed with `err` (errno) and `exitinfo2`.
enum class ExtReportFailure {
  RetryWithKernelLength,  // vmm_error INVALID_LEN: the buffer was too small; certs_len says how big
  FallBackToPlainReport,  // the driver lacks the extended request (ENOTTY, EOPNOTSUPP)
  Fail,
};
ExtReportFailure classify_ext_report_failure(int err, std::uint64_t exitinfo2);

// The buffer size to retry with, from the certs_len the kernel wrote back: page-rounded and
// capped, so a hostile or buggy length cannot make us allocate without bound.
Result<std::size_t> cert_buffer_size_for_retry(std::uint32_t kernel_certs_len);
inline constexpr std::size_t kMaxCertBufferSize = 1 << 20;

// "SNP_GET_REPORT on /dev/sev-guest: <strerror> (errno N), firmware error 0x.., VMM error 0x.."
std::string describe_ioctl_failure(std::string_view device, std::string_view request, int err,
                                   std::uint64_t exitinfo2);

}  // namespace cchost::snp
