// /dev/sev-guest: one guest request per report. The kernel wipes the VMPCK after an unexpected
// failure (NOTES §10), so we never loop: one retry for a too-small cert buffer, one fallback to
// the plain request where the extended one does not exist, otherwise a clear error.
#include "backends/sev_guest_backend.hpp"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "cchost/verify/posix_files.hpp"
#include "backends/sev_guest_response.hpp"
#include "backends/sev_guest_uapi.hpp"

namespace cchost::snp {
using vkit::errno_text;
using vkit::UniqueFd;
namespace {

namespace uapi = sev_guest_uapi;
constexpr std::size_t kInitialCertBufferSize = 4 * uapi::kPageSize;  // the kernel's 16 KiB cap

// Page-aligned, zeroed buffer: the driver requires certs_address to be page aligned.
class PageBuffer {
 public:
  explicit PageBuffer(std::size_t size)
      : size_(size), data_(static_cast<std::uint8_t*>(std::aligned_alloc(uapi::kPageSize, size))) {
    if (data_) std::memset(data_, 0, size_);
  }
  ~PageBuffer() { std::free(data_); }
  PageBuffer(const PageBuffer&) = delete;
  PageBuffer& operator=(const PageBuffer&) = delete;
  std::uint8_t* data() const { return data_; }
  std::size_t size() const { return size_; }

 private:
  std::size_t size_;
  std::uint8_t* data_;
};

struct IoctlOutcome {
  int err = 0;              // 0 on success
  std::uint64_t exitinfo2 = 0;
};

class SevGuestBackend final : public ReportBackend {
 public:
  explicit SevGuestBackend(SevGuestOptions options) : options_(std::move(options)) {}
  std::string_view name() const override { return "sev-guest"; }

  Result<RawEvidence> get_report(const std::array<std::uint8_t, 64>& report_data) override {
    UniqueFd fd(::open(options_.device.c_str(), O_RDWR | O_CLOEXEC));
    if (fd.get() < 0) {
      return make_error("sev-guest: open " + options_.device.string() + ": " + errno_text(errno));
    }
    uapi::SnpReportReq req{};
    std::memcpy(req.user_data, report_data.data(), report_data.size());
    req.vmpl = options_.vmpl;

    std::size_t cert_size = kInitialCertBufferSize;
    for (int attempt = 0; attempt < 2; ++attempt) {
      PageBuffer certs(cert_size);
      if (certs.data() == nullptr) return make_error("sev-guest: cannot allocate the cert buffer");
      uapi::SnpExtReportReq ext{};
      ext.data = req;
      ext.certs_address = reinterpret_cast<std::uintptr_t>(certs.data());
      ext.certs_len = static_cast<std::uint32_t>(certs.size());
      uapi::SnpReportResp resp{};
      const IoctlOutcome outcome = call(fd.get(), uapi::kSnpGetExtReport, &ext, &resp);
      if (outcome.err == 0) {
        auto report = report_from_response(ByteView(resp.data, sizeof resp.data));
        if (!report) return report.error();
        auto table = cert_table_from_buffer(ByteView(certs.data(), certs.size()));
        if (!table) return table.error();
        return RawEvidence{std::move(*report), std::move(*table)};
      }
      switch (classify_ext_report_failure(outcome.err, outcome.exitinfo2)) {
        case ExtReportFailure::RetryWithKernelLength: {
          if (attempt == 1) break;  // retried once already
          auto size = cert_buffer_size_for_retry(ext.certs_len);
          if (!size) return size.error();
          cert_size = *size;
          continue;
        }
        case ExtReportFailure::FallBackToPlainReport:
          return plain_report(fd.get(), req, outcome);
        case ExtReportFailure::Fail:
          break;
      }
      return make_error(describe_ioctl_failure(options_.device.string(), "SNP_GET_EXT_REPORT",
                                               outcome.err, outcome.exitinfo2));
    }
    return make_error("sev-guest: SNP_GET_EXT_REPORT on " + options_.device.string() +
                      ": the certificate buffer was still too small after one retry");
  }

 private:
  static IoctlOutcome call(int fd, unsigned long request, void* req, uapi::SnpReportResp* resp) {
    uapi::SnpGuestRequestIoctl io{};
    io.msg_version = uapi::kMsgVersion;
    io.req_data = reinterpret_cast<std::uintptr_t>(req);
    io.resp_data = reinterpret_cast<std::uintptr_t>(resp);
    IoctlOutcome outcome;
    int rc;
    do {
      rc = ::ioctl(fd, request, &io);
    } while (rc < 0 && errno == EINTR);
    if (rc < 0) {
      outcome.err = errno;
      outcome.exitinfo2 = io.exitinfo2;
    }
    return outcome;
  }

  Result<RawEvidence> plain_report(int fd, uapi::SnpReportReq req, const IoctlOutcome& ext_failure) {
    uapi::SnpReportResp resp{};
    const IoctlOutcome outcome = call(fd, uapi::kSnpGetReport, &req, &resp);
    if (outcome.err != 0) {
      return make_error(describe_ioctl_failure(options_.device.string(), "SNP_GET_REPORT",
                                               outcome.err, outcome.exitinfo2) +
                        "; SNP_GET_EXT_REPORT before it: " + errno_text(ext_failure.err));
    }
    auto report = report_from_response(ByteView(resp.data, sizeof resp.data));
    if (!report) return report.error();
    return RawEvidence{std::move(*report), {}};
  }

  SevGuestOptions options_;
};

}  // namespace

Result<std::unique_ptr<ReportBackend>> make_sev_guest_backend(SevGuestOptions options) {
  if (options.vmpl > 3) {
    return make_error("sev-guest: vmpl must be 0..3, got " + std::to_string(options.vmpl));
  }
  UniqueFd fd(::open(options.device.c_str(), O_RDWR | O_CLOEXEC));
  if (fd.get() < 0) {
    const int err = errno;
    return make_error("sev-guest: open " + options.device.string() + ": " + errno_text(err) +
                      (err == ENOENT ? " (no SEV-SNP guest driver: not an SEV-SNP guest, or "
                                       "sev-guest module not loaded)"
                                     : ""));
  }
  return std::unique_ptr<ReportBackend>(std::make_unique<SevGuestBackend>(std::move(options)));
}

}  // namespace cchost::snp
