// The TDX quote backend over the kit's configfs-tsm client: provider "tdx_guest", inblob the
// 64-byte REPORT_DATA (TDX takes exactly 64), outblob the raw v4/v5 quote (NOTES.md §9 A). The
// client reads `generation` before and after, so a concurrent writer's quote is never returned.
#include "backends/backend.hpp"
#include "backends/backend_factories.hpp"
#include "cchost/verify/configfs_tsm.hpp"
#include "quote.hpp"

namespace cchost::tdx {
namespace {

constexpr std::string_view kName = "configfs-tsm";

class ConfigfsTsmBackend final : public QuoteBackend {
 public:
  explicit ConfigfsTsmBackend(vkit::TsmReportClient client) : client_(std::move(client)) {}
  std::string_view name() const override { return kName; }
  Result<Bytes> get_quote(const std::array<std::uint8_t, 64>& report_data) override {
    auto report = client_.get_report(report_data);
    if (!report) return report.error();
    // The quote must parse and carry our REPORT_DATA: a provider answering with something else
    // is caught here, not at the relying party.
    auto quote = parse_tdx_quote(report->outblob);
    if (!quote) return make_error(std::string(kName) + ": outblob is not a TDX quote: " + quote.message());
    if (quote->body.report_data != report_data) return make_error(std::string(kName) + ": the quote carries another REPORT_DATA");
    return std::move(report->outblob);
  }

 private:
  vkit::TsmReportClient client_;
};

}  // namespace

Result<std::unique_ptr<QuoteBackend>> make_configfs_tsm_backend(ConfigfsTsmBackendOptions options) {
  vkit::TsmReportOptions tsm;
  tsm.root = std::move(options.root);
  tsm.provider = "tdx_guest";
  tsm.provider_hint = "not an Intel TDX guest";
  tsm.max_outblob = 64 * 1024;
  tsm.after_mkdir = std::move(options.after_mkdir);
  tsm.after_write = std::move(options.after_write);
  auto client = vkit::TsmReportClient::open(std::move(tsm));
  if (!client) return client.error();
  return std::unique_ptr<QuoteBackend>(std::make_unique<ConfigfsTsmBackend>(std::move(*client)));
}

}  // namespace cchost::tdx
