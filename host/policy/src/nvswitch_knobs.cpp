// [nvswitch] knobs -> claims of the NVIDIA NVSwitch authorizer (x-nv-switch);
// shared/vectors/nvidia/NOTES.md §12. Same shape as [gpu].
#include <array>

#include "knob_spec.hpp"

namespace cchost::policy::detail {
namespace {

constexpr std::array<std::string_view, 1> kSwitchArchs = {"LS10"};

const std::array kNvswitchKnobs = {
    KnobSpec{"arch", KnobKind::StringOneOf, "nvswitch.arch", 0, 0, 0, kSwitchArchs},
    KnobSpec{"bios_versions", KnobKind::StringOneOf, "nvswitch.bios_version"},
    KnobSpec{"secure_boot", KnobKind::RequiredFlag, "nvswitch.secure_boot"},
    KnobSpec{"debug", KnobKind::AllowedFlag, "nvswitch.debug"},
    KnobSpec{"require_rim_match", KnobKind::RequiredFlag, "nvswitch.rim_match"},
    KnobSpec{"require_tnvl", KnobKind::RequiredFlag, "nvswitch.tnvl"},
    KnobSpec{"require_locked", KnobKind::RequiredFlag, "nvswitch.locked"},
};

}  // namespace

std::span<const KnobSpec> nvswitch_knobs() { return kNvswitchKnobs; }

}  // namespace cchost::policy::detail
