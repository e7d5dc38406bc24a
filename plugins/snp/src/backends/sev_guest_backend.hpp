#pragma once
// The /dev/sev-guest backend (NOTES.md §10): SNP_GET_EXT_REPORT with a certificate buffer, or
// SNP_GET_REPORT where the driver has no extended request.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string_view>

#include "backends/backend.hpp"

namespace cchost::snp {

inline constexpr std::string_view kDefaultSevGuestDevice = "/dev/sev-guest";

struct SevGuestOptions {
  std::filesystem::path device{kDefaultSevGuestDevice};
  std::uint32_t vmpl = 0;  // MSG_REPORT_REQ VMPL, >= the guest's own VMPL
};

// Checks that the device exists and can be opened read-write; errors name the device and errno.
Result<std::unique_ptr<ReportBackend>> make_sev_guest_backend(SevGuestOptions options);

}  // namespace cchost::snp
