#pragma once
// The configfs-tsm backend (Linux 6.7+, NOTES.md §10) over the verification kit's client:
// cchost/verify/configfs_tsm.hpp, with provider "sev_guest".
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>

#include "backends/backend.hpp"
#include "cchost/verify/configfs_tsm.hpp"

namespace cchost::snp {

inline constexpr std::string_view kDefaultConfigfsTsmRoot = vkit::kDefaultTsmReportRoot;

struct ConfigfsTsmOptions {
  std::filesystem::path root{kDefaultConfigfsTsmRoot};
  std::optional<std::uint32_t> privlevel;  // the plugin's `vmpl`; unset: the kernel's default
  int max_attempts = 3;                    // attempts when another writer races on the entry
  // Test seams. The kernel creates an entry's attribute files and produces outblob on write; a
  // fake tree in a temporary directory cannot, so tests play the kernel's part here. Unset in
  // production.
  std::function<void(const std::filesystem::path& entry)> after_mkdir;
  std::function<void(const std::filesystem::path& entry, std::string_view file)> after_write;
};

// Checks that `root` exists and that a probe entry reports provider "sev_guest" (a TDX guest
// also has configfs-tsm); errors name the path and errno.
Result<std::unique_ptr<ReportBackend>> make_configfs_tsm_backend(ConfigfsTsmOptions options);

}  // namespace cchost::snp
