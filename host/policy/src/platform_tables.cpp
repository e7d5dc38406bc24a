// The platform tables in schema order: this order is the evaluation order of knob rules.
#include <array>

#include "knob_spec.hpp"

namespace cchost::policy::detail {
namespace {

const std::array kTables = {
    PlatformTable{"snp", "x-snp", {}},       PlatformTable{"tdx", "x-tdx", {}},
    PlatformTable{"gpu", "x-nv-gpu", {}},    PlatformTable{"nvswitch", "x-nv-switch", {}},
    PlatformTable{"aci", "x-az-aci", {}},    PlatformTable{"topology", "", {}},
};

}  // namespace

std::span<const PlatformTable> platform_tables() {
  static const std::array<PlatformTable, 6> tables = [] {
    auto t = kTables;
    t[0].knobs = snp_knobs();
    t[1].knobs = tdx_knobs();
    t[2].knobs = gpu_knobs();
    t[3].knobs = nvswitch_knobs();
    t[4].knobs = aci_knobs();
    t[5].knobs = topology_knobs();
    return t;
  }();
  return tables;
}

}  // namespace cchost::policy::detail
