// [topology]: counts across the GPU and NVSwitch evidence of one machine (PPCIe 8 GPUs x 4
// switches; shared/vectors/nvidia/NOTES.md §9, §12). Each knob reads the namespace whose
// authorizer sees the devices, so [topology] needs those namespaces in `require`.
#include <array>

#include "knob_spec.hpp"

namespace cchost::policy::detail {
namespace {

const std::array kTopologyKnobs = {
    KnobSpec{"gpus", KnobKind::IntEquals, "topology.gpus", 0, 0, 64, {}, nullptr, "x-nv-gpu"},
    KnobSpec{"switches", KnobKind::IntEquals, "topology.switches", 0, 0, 64, {}, nullptr, "x-nv-switch"},
    KnobSpec{"require_bijection", KnobKind::RequiredFlag, "topology.bijection", 0, 0, 0, {}, nullptr, "x-nv-switch"},
    KnobSpec{"require_distinct_ueids", KnobKind::RequiredFlag, "topology.distinct_ueids", 0, 0, 0, {}, nullptr, "x-nv-gpu"},
};

}  // namespace

std::span<const KnobSpec> topology_knobs() { return kTopologyKnobs; }

}  // namespace cchost::policy::detail
