#pragma once
// The top-level plugin config keys make_backend() reads, for the plugin's own strict key check
// (the rest of the table belongs to the verifier).
#include <array>
#include <string_view>

namespace cchost::snp {

inline constexpr std::array<std::string_view, 5> kBackendConfigKeys = {
    "backend",        // "auto" (default) | "configfs-tsm" | "sev-guest" | "sim"
    "vmpl",           // 0..3: configfs privlevel / MSG_REPORT_REQ VMPL / sim report VMPL
    "configfs_root",  // default /sys/kernel/config/tsm/report
    "device",         // default /dev/sev-guest
    "sim",            // [sim] table, src/sim/README-sim.md
};

}  // namespace cchost::snp
