// Golden RIM values against runtime SPDM blocks (NOTES §5.1; see the header for the rules).
#include "rim/measurement_compare.hpp"

#include <algorithm>
#include <map>

namespace cchost::nv {
namespace {

struct Golden {
  const RimMeasurement* entry;
  MeasurementSource source;
};

void compare_one(unsigned index, const Golden& golden, const RuntimeMeasurements& runtime, MeasurementComparison& out) {
  out.compared_indices.push_back(index);
  const auto it = runtime.find(index + 1);  // RIM index i is SPDM block i+1
  const bool present = it != runtime.end();
  if (present && it->second.size() == golden.entry->size &&
      std::find(golden.entry->hashes.begin(), golden.entry->hashes.end(), it->second) != golden.entry->hashes.end()) {
    return;
  }
  MeasurementMismatch m;
  m.index = index;
  m.golden_size = golden.entry->size;
  m.golden_values = golden.entry->hashes;
  m.runtime_present = present;
  if (present) {
    m.runtime_size = it->second.size();
    m.runtime_value = it->second;
  }
  m.source = golden.source;
  out.mismatches.push_back(std::move(m));
}

}  // namespace

std::string_view to_string(MeasurementSource source) {
  switch (source) {
    case MeasurementSource::driver: return "driver";
    case MeasurementSource::vbios: return "vbios";
    case MeasurementSource::bios: return "bios";
  }
  return "driver";
}

MeasurementComparison compare_gpu_measurements(const RimDocument& driver_rim, const RimDocument& vbios_rim,
                                               const RuntimeMeasurements& runtime, const GpuCompareOptions& options) {
  MeasurementComparison out;
  std::map<unsigned, Golden> golden;
  for (const auto& m : driver_rim.measurements) {
    if (!m.active) continue;
    golden.emplace(m.index, Golden{&m, MeasurementSource::driver});
    ++out.driver_golden;
  }
  for (const auto& m : vbios_rim.measurements) {
    if (!m.active) continue;
    ++out.vbios_golden;
    if (!golden.emplace(m.index, Golden{&m, MeasurementSource::vbios}).second) {
      // Two sources claim one index: neither value can be chosen, so the comparison fails.
      out.conflicting_indices.push_back(m.index);
    }
  }
  out.index_no_conflict = out.conflicting_indices.empty();
  const bool skip_nvdec = !options.force_compare_index35 && options.nvdec0_status == kNvdec0Disabled;
  for (const auto& [index, g] : golden) {
    if (std::find(out.conflicting_indices.begin(), out.conflicting_indices.end(), index) !=
        out.conflicting_indices.end()) {
      continue;
    }
    if (index == kNvdecRimIndex && skip_nvdec) {
      out.skipped_indices.push_back(index);
      continue;
    }
    compare_one(index, g, runtime, out);
  }
  // Nothing compared proves nothing: each RIM must contribute golden values, or a signed but
  // empty RIM would silently drop its source (the VBIOS, say) from the comparison.
  out.success = out.index_no_conflict && out.mismatches.empty() && !out.compared_indices.empty() &&
                out.driver_golden > 0 && out.vbios_golden > 0;
  return out;
}

MeasurementComparison compare_switch_measurements(const RimDocument& bios_rim, const RuntimeMeasurements& runtime) {
  MeasurementComparison out;
  for (const auto& m : bios_rim.measurements) {
    if (!m.active) continue;
    ++out.bios_golden;
    compare_one(m.index, Golden{&m, MeasurementSource::bios}, runtime, out);
  }
  out.success = out.mismatches.empty() && !out.compared_indices.empty();
  return out;
}

}  // namespace cchost::nv
