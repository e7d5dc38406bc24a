// [gpu] knobs -> claims of the NVIDIA GPU authorizer (x-nv-gpu); shared/vectors/nvidia/NOTES.md §12.
#include <array>

#include "knob_spec.hpp"

namespace cchost::policy::detail {
namespace {

constexpr std::array<std::string_view, 2> kGpuArchs = {"HOPPER", "BLACKWELL"};
constexpr std::array<std::string_view, 3> kGpuModes = {"spt", "mpt", "ppcie"};

const std::array kGpuKnobs = {
    KnobSpec{"arch", KnobKind::StringOneOf, "gpu.arch", 0, 0, 0, kGpuArchs},
    KnobSpec{"min_driver_version", KnobKind::VersionMin, "gpu.driver_version"},
    KnobSpec{"driver_versions", KnobKind::StringOneOf, "gpu.driver_version"},
    // VBIOS versions are hex-looking groups ("96.00.9F.00.01"): compared as exact strings.
    KnobSpec{"vbios_versions", KnobKind::StringOneOf, "gpu.vbios_version"},
    KnobSpec{"secure_boot", KnobKind::RequiredFlag, "gpu.secure_boot"},
    KnobSpec{"debug", KnobKind::AllowedFlag, "gpu.debug"},
    KnobSpec{"require_rim_match", KnobKind::RequiredFlag, "gpu.rim_match"},
    KnobSpec{"require_fwid_match", KnobKind::RequiredFlag, "gpu.fwid_match"},
    KnobSpec{"allowed_modes", KnobKind::StringOneOf, "gpu.mode", 0, 0, 0, kGpuModes},
};

}  // namespace

std::span<const KnobSpec> gpu_knobs() { return kGpuKnobs; }

}  // namespace cchost::policy::detail
