// Interpreting /dev/sev-guest results: MSG_REPORT_RSP, the cert buffer, ioctl failures.
#include "backends/sev_guest_response.hpp"

#include <cerrno>
#include <cstdio>

#include "cchost/verify/posix_files.hpp"
#include "backends/sev_guest_uapi.hpp"

namespace cchost::snp {
using vkit::errno_text;
namespace {

constexpr std::size_t kReportSize = 0x4A0;
constexpr std::size_t kReportOffset = 0x20;
constexpr std::size_t kEntrySize = 24;
constexpr std::uint32_t kStatusInvalidParam = 0x16;

std::uint32_t le32(ByteView b, std::size_t offset) {
  return static_cast<std::uint32_t>(b[offset]) | static_cast<std::uint32_t>(b[offset + 1]) << 8 |
         static_cast<std::uint32_t>(b[offset + 2]) << 16 |
         static_cast<std::uint32_t>(b[offset + 3]) << 24;
}

std::string hex32(std::uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%x", v);
  return buf;
}

bool all_zero(ByteView b) {
  for (std::uint8_t x : b) {
    if (x != 0) return false;
  }
  return true;
}

}  // namespace

Result<Bytes> report_from_response(ByteView response) {
  if (response.size() < kReportOffset + kReportSize) {
    return make_error("sev-guest: response of " + std::to_string(response.size()) +
                      " bytes is too short for a report (need " +
                      std::to_string(kReportOffset + kReportSize) + ")");
  }
  const std::uint32_t status = le32(response, 0);
  if (status != 0) {
    return make_error("sev-guest: MSG_REPORT_RSP status " + hex32(status) +
                      (status == kStatusInvalidParam ? " (INVALID_PARAM: check vmpl)" : ""));
  }
  const std::uint32_t size = le32(response, 4);
  if (size != kReportSize) {
    return make_error("sev-guest: MSG_REPORT_RSP report_size " + hex32(size) + ", expected 0x4a0");
  }
  return Bytes(response.begin() + kReportOffset, response.begin() + kReportOffset + kReportSize);
}

Result<Bytes> cert_table_from_buffer(ByteView buffer) {
  std::size_t end = 0;
  for (std::size_t at = 0;; at += kEntrySize) {
    if (at + kEntrySize > buffer.size()) {
      return make_error("sev-guest: certificate table has no terminating all-zero entry within " +
                        std::to_string(buffer.size()) + " bytes");
    }
    const ByteView entry = buffer.subspan(at, kEntrySize);
    if (all_zero(entry)) {
      if (at == 0) return Bytes{};  // the host supplied no certificates
      end = std::max(end, at + kEntrySize);
      break;
    }
    const std::size_t offset = le32(entry, 16);
    const std::size_t length = le32(entry, 20);
    if (offset > buffer.size() || length > buffer.size() - offset) {
      return make_error("sev-guest: certificate table entry " + std::to_string(at / kEntrySize) +
                        " points outside the " + std::to_string(buffer.size()) +
                        "-byte buffer (offset " + std::to_string(offset) + ", length " +
                        std::to_string(length) + ")");
    }
    end = std::max(end, offset + length);
  }
  return Bytes(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(end));
}

ExtReportFailure classify_ext_report_failure(int err, std::uint64_t exitinfo2) {
  const auto vmm_error = static_cast<std::uint32_t>(exitinfo2 >> 32);
  if (vmm_error == sev_guest_uapi::kVmmErrorInvalidLen) return ExtReportFailure::RetryWithKernelLength;
  if (exitinfo2 == 0 && (err == ENOTTY || err == EOPNOTSUPP)) {
    return ExtReportFailure::FallBackToPlainReport;
  }
  return ExtReportFailure::Fail;
}

Result<std::size_t> cert_buffer_size_for_retry(std::uint32_t kernel_certs_len) {
  if (kernel_certs_len == 0) {
    return make_error("sev-guest: the kernel asked for a larger certificate buffer but gave size 0");
  }
  const std::size_t page = sev_guest_uapi::kPageSize;
  const std::size_t rounded = (static_cast<std::size_t>(kernel_certs_len) + page - 1) / page * page;
  if (rounded > kMaxCertBufferSize) {
    return make_error("sev-guest: the kernel asked for a " + std::to_string(kernel_certs_len) +
                      "-byte certificate buffer; the limit is " + std::to_string(kMaxCertBufferSize));
  }
  return rounded;
}

std::string describe_ioctl_failure(std::string_view device, std::string_view request, int err,
                                   std::uint64_t exitinfo2) {
  std::string text = "sev-guest: " + std::string(request) + " on " + std::string(device) + ": " +
                     errno_text(err);
  const auto fw_error = static_cast<std::uint32_t>(exitinfo2 & 0xFFFFFFFF);
  const auto vmm_error = static_cast<std::uint32_t>(exitinfo2 >> 32);
  if (fw_error != 0) text += ", firmware error " + hex32(fw_error);
  if (vmm_error != 0) {
    text += ", VMM error " + hex32(vmm_error) +
            (vmm_error == sev_guest_uapi::kVmmErrorBusy ? " (BUSY)" : "");
  }
  if (err == ENOTTY) {
    text += " (not an SEV guest device, or the kernel disabled the VMPCK after an earlier failure)";
  }
  return text;
}

}  // namespace cchost::snp
