// The /dev/tdx_guest backend for kernels without configfs-tsm (NOTES.md §9 B/C): TDREPORT by
// GET_REPORT0 with REPORT_DATA, then the legacy GET_QUOTE ioctl carrying a QGS request for that
// report. The quote is checked to parse and carry our REPORT_DATA before it is returned.
#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "backends/backend_factories.hpp"
#include "backends/qgs_message.hpp"
#include "backends/tdx_guest_uapi.hpp"
#include "cchost/verify/posix_files.hpp"
#include "quote.hpp"

namespace cchost::tdx {
namespace {

namespace uapi = tdx_guest_uapi;

int real_ioctl(int fd, unsigned long request, void* arg) { return ::ioctl(fd, request, arg); }

class TdxGuestBackend final : public QuoteBackend {
 public:
  TdxGuestBackend(std::filesystem::path device, TdxGuestIoctl call) : device_(std::move(device)), ioctl_(std::move(call)) {}
  std::string_view name() const override { return "tdx-guest"; }

  Result<Bytes> get_quote(const std::array<std::uint8_t, 64>& report_data) override {
    vkit::UniqueFd fd(::open(device_.c_str(), O_RDWR | O_CLOEXEC));
    if (fd.get() < 0) return make_error(device_.string() + ": " + vkit::errno_text(errno));
    uapi::TdxReportReq report{};
    std::memcpy(report.reportdata, report_data.data(), 64);
    if (ioctl_(fd.get(), uapi::kGetReport0, &report) != 0) {
      return make_error(device_.string() + ": TDX_CMD_GET_REPORT0: " + vkit::errno_text(errno));
    }
    const Bytes request = encode_qgs_quote_request(ByteView(report.tdreport, sizeof report.tdreport));
    Bytes buffer(uapi::kQuoteBufferSize, 0);
    uapi::TdxQuoteHdr hdr{uapi::kQuoteHdrVersion, 0, static_cast<std::uint32_t>(request.size()), 0};
    std::memcpy(buffer.data(), &hdr, sizeof hdr);
    std::memcpy(buffer.data() + sizeof hdr, request.data(), request.size());
    uapi::TdxQuoteReq req{reinterpret_cast<std::uint64_t>(buffer.data()), buffer.size()};
    if (ioctl_(fd.get(), uapi::kGetQuote, &req) != 0) {
      const int err = errno;
      return make_error(device_.string() + ": TDX_CMD_GET_QUOTE: " + vkit::errno_text(err) +
                        (err == ENOTTY ? " (this kernel has no quote ioctl: use configfs-tsm)" : ""));
    }
    std::memcpy(&hdr, buffer.data(), sizeof hdr);
    if (hdr.status == uapi::kStatusInFlight) return make_error(device_.string() + ": GET_QUOTE still in flight (busy)");
    if (hdr.status == uapi::kStatusServiceUnavailable) return make_error(device_.string() + ": the quote service is unavailable");
    if (hdr.status != uapi::kStatusSuccess) {
      return make_error(device_.string() + ": GET_QUOTE failed with status 0x" + std::to_string(hdr.status));
    }
    if (hdr.out_len > buffer.size() - sizeof hdr) {
      return make_error(device_.string() + ": GET_QUOTE out_len " + std::to_string(hdr.out_len) + " exceeds the buffer");
    }
    auto quote = decode_qgs_quote_response(ByteView(buffer).subspan(sizeof hdr, hdr.out_len));
    if (!quote) return make_error(device_.string() + ": " + quote.message());
    auto parsed = parse_tdx_quote(*quote);
    if (!parsed) return make_error(device_.string() + ": not a TDX quote: " + parsed.message());
    if (parsed->body.report_data != report_data) return make_error(device_.string() + ": the quote carries another REPORT_DATA");
    return quote;
  }

 private:
  std::filesystem::path device_;
  TdxGuestIoctl ioctl_;
};

}  // namespace

Result<std::unique_ptr<QuoteBackend>> make_tdx_guest_backend(std::filesystem::path device, TdxGuestIoctl call) {
  vkit::UniqueFd fd(::open(device.c_str(), O_RDWR | O_CLOEXEC));
  if (fd.get() < 0) return make_error(device.string() + ": " + vkit::errno_text(errno) + " (not an Intel TDX guest?)");
  return std::unique_ptr<QuoteBackend>(std::make_unique<TdxGuestBackend>(std::move(device), call ? std::move(call) : real_ioctl));
}

}  // namespace cchost::tdx
