#pragma once
// The concrete backends, for make_backend() and the tests.
#include <filesystem>
#include <functional>

#include "backends/backend.hpp"
#include "cchost/verify/configfs_tsm.hpp"
#include "sim/sim_quote.hpp"

namespace cchost::tdx {

struct ConfigfsTsmBackendOptions {
  std::filesystem::path root{vkit::kDefaultTsmReportRoot};
  // Test seams, passed to the kit client (configfs_tsm.hpp).
  std::function<void(const std::filesystem::path&)> after_mkdir;
  std::function<void(const std::filesystem::path&, std::string_view)> after_write;
};
Result<std::unique_ptr<QuoteBackend>> make_configfs_tsm_backend(ConfigfsTsmBackendOptions options);

inline constexpr std::string_view kDefaultTdxGuestDevice = "/dev/tdx_guest";
// The ioctl call (a seam: tests play the kernel and the quote service).
using TdxGuestIoctl = std::function<int(int fd, unsigned long request, void* arg)>;
Result<std::unique_ptr<QuoteBackend>> make_tdx_guest_backend(std::filesystem::path device, TdxGuestIoctl call = {});

// `ca_dir` holds pck.key and pck_chain.pem (sim_provision's secret/ files); `fields` the TD's
// simulated measurements and attributes (REPORT_DATA is filled per quote).
Result<std::unique_ptr<QuoteBackend>> make_sim_backend(const std::filesystem::path& ca_dir, sim::SimQuoteFields fields);

}  // namespace cchost::tdx
