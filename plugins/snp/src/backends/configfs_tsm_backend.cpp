// The SNP report backend over the kit's configfs-tsm client (cchost/verify/configfs_tsm.hpp,
// which follows NOTES.md §10): provider "sev_guest", privlevel is the VMPL, inblob the 64-byte
// REPORT_DATA, outblob the 1184-byte ATTESTATION_REPORT and auxblob the host's cert table.
#include "backends/configfs_tsm_backend.hpp"

#include <string>

#include "cchost/verify/configfs_tsm.hpp"

namespace cchost::snp {
namespace {

constexpr std::size_t kReportSize = 0x4A0;
constexpr std::string_view kName = "configfs-tsm";

class ConfigfsTsmBackend final : public ReportBackend {
 public:
  explicit ConfigfsTsmBackend(vkit::TsmReportClient client) : client_(std::move(client)) {}
  std::string_view name() const override { return kName; }

  Result<RawEvidence> get_report(const std::array<std::uint8_t, 64>& report_data) override {
    auto report = client_.get_report(report_data);
    if (!report) return report.error();
    if (report->outblob.size() != kReportSize) {
      return make_error(std::string(kName) + ": outblob: expected a " +
                        std::to_string(kReportSize) + "-byte report, got " +
                        std::to_string(report->outblob.size()) + " bytes");
    }
    return RawEvidence{std::move(report->outblob), std::move(report->auxblob)};
  }

 private:
  vkit::TsmReportClient client_;
};

}  // namespace

Result<std::unique_ptr<ReportBackend>> make_configfs_tsm_backend(ConfigfsTsmOptions options) {
  vkit::TsmReportOptions tsm;
  tsm.root = std::move(options.root);
  tsm.provider = "sev_guest";  // a TDX guest has configfs-tsm too
  tsm.provider_hint = "not an SEV-SNP guest";
  tsm.privlevel = options.privlevel;
  tsm.max_attempts = options.max_attempts;
  tsm.after_mkdir = std::move(options.after_mkdir);
  tsm.after_write = std::move(options.after_write);
  auto client = vkit::TsmReportClient::open(std::move(tsm));
  if (!client) return client.error();
  return std::unique_ptr<ReportBackend>(std::make_unique<ConfigfsTsmBackend>(std::move(*client)));
}

}  // namespace cchost::snp
