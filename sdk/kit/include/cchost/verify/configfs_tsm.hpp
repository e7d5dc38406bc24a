#pragma once
// The Linux configfs-tsm report interface (Linux 6.7+, Documentation/ABI/testing/configfs-tsm),
// shared by every TEE whose guest driver registers a TSM provider: AMD SEV-SNP ("sev_guest") and
// Intel TDX ("tdx_guest"). An entry /sys/kernel/config/tsm/report/<entry>/ holds provider,
// generation, privlevel, privlevel_floor, inblob, outblob and auxblob.
//
// The client makes one entry per request, checks the provider, writes privlevel (when asked)
// and inblob, reads outblob and auxblob, and requires `generation` to show exactly its own
// writes: if another process wrote the same entry in between, the report may carry that
// process's inblob, so the attempt is retried and, after max_attempts, refused.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "cchost/bytes.hpp"
#include "cchost/result.hpp"

namespace cchost::vkit {

inline constexpr std::string_view kDefaultTsmReportRoot = "/sys/kernel/config/tsm/report";
inline constexpr std::size_t kTsmInblobMax = 64;  // the kernel's TSM_INBLOB_MAX

struct TsmReportOptions {
  std::filesystem::path root{kDefaultTsmReportRoot};
  std::string provider;                    // required: "sev_guest", "tdx_guest", ...
  std::string provider_hint;               // appended to a wrong-provider error, e.g. "not an SEV-SNP guest"
  std::optional<std::uint32_t> privlevel;  // unset: the kernel's default (SNP: VMPL)
  std::size_t max_outblob = 64 * 1024;     // larger is an error
  std::size_t max_auxblob = 1 << 20;       // larger is an error
  int max_attempts = 3;                    // attempts when another writer races on the entry
  // Test seams. The kernel creates an entry's attribute files and produces outblob on write; a
  // fake tree in a temporary directory cannot, so tests play the kernel's part here. Unset in
  // production.
  std::function<void(const std::filesystem::path& entry)> after_mkdir;
  std::function<void(const std::filesystem::path& entry, std::string_view file)> after_write;
};

struct TsmReport {
  Bytes outblob;  // the provider's report (SNP: the 1184-byte ATTESTATION_REPORT; TDX: a quote)
  Bytes auxblob;  // optional certificates (SNP: the host's cert table); empty when absent
};

class TsmReportClient {
 public:
  // Checks that `root` is a directory and that a probe entry reports `options.provider`;
  // errors name the path and errno.
  static Result<TsmReportClient> open(TsmReportOptions options);

  // `inblob` is 1..64 bytes (the provider's REPORT_DATA), written in one write(2).
  Result<TsmReport> get_report(ByteView inblob);

  const TsmReportOptions& options() const { return options_; }

 private:
  explicit TsmReportClient(TsmReportOptions options) : options_(std::move(options)) {}
  Result<std::filesystem::path> make_entry();
  Status check_provider(const std::filesystem::path& entry);
  Status write_attribute(const std::filesystem::path& entry, std::string_view file, ByteView data);
  Result<TsmReport> attempt_once(ByteView inblob, bool& raced, std::string& races);

  TsmReportOptions options_;
};

}  // namespace cchost::vkit
