#pragma once
// Golden (RIM) measurements against a device's runtime SPDM measurement blocks (NOTES §5.1).
//
// Index mapping: RIM index i (0-based, RimMeasurement::index) is SPDM measurement block
// Index i+1 (1-based, as in the GET_MEASUREMENTS response). RuntimeMeasurements is keyed by
// the **SPDM block index**; mismatch records report the **RIM index**.
//
// GPU: golden = active driver entries ∪ active VBIOS entries; an index active in both is a
// conflict (result fails, index_no_conflict = false; NVIDIA: RimMeasurementConflict). RIM
// index 35 (NVDEC) is skipped iff the report's NVDEC0_STATUS is 0x55 (disabled), unless the
// caller forces the comparison. Each compared index needs runtime block i+1 present, of the
// golden size and equal to one of the alternatives; a missing block is a mismatch. Runtime
// blocks without a golden value are ignored. Comparing nothing fails, and so does a GPU RIM without an active entry (each source must contribute). NVSwitch: the same with the single BIOS RIM.
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string_view>
#include <vector>

#include "cchost/bytes.hpp"
#include "rim/rim_document.hpp"

namespace cchost::nv {

// Runtime measurement values keyed by SPDM block index (1-based): block k holds RIM index k-1.
using RuntimeMeasurements = std::map<unsigned, Bytes>;

inline constexpr unsigned kNvdecRimIndex = 35;
inline constexpr std::uint8_t kNvdec0Disabled = 0x55;

enum class MeasurementSource { driver, vbios, bios };
std::string_view to_string(MeasurementSource source);  // "driver" | "vbios" | "bios"

struct MeasurementMismatch {
  unsigned index = 0;                  // RIM index; the runtime block is index + 1
  std::size_t golden_size = 0;
  std::vector<Bytes> golden_values;    // the alternatives
  bool runtime_present = false;        // false: block index+1 absent from the report
  std::size_t runtime_size = 0;        // 0 when absent
  Bytes runtime_value;
  MeasurementSource source = MeasurementSource::driver;
};

struct MeasurementComparison {
  bool success = false;                  // every compared index matched and no conflict
  bool index_no_conflict = true;         // GPU: no index active in both driver and VBIOS RIMs
  std::vector<unsigned> conflicting_indices;
  std::vector<MeasurementMismatch> mismatches;  // sorted by index
  std::vector<unsigned> compared_indices;       // RIM indices compared (matched or not)
  std::vector<unsigned> skipped_indices;        // RIM index 35 when NVDEC0 is disabled
  std::size_t driver_golden = 0;                // active entries per source
  std::size_t vbios_golden = 0;
  std::size_t bios_golden = 0;
};

struct GpuCompareOptions {
  std::optional<std::uint8_t> nvdec0_status;  // opaque type 11; absent = compare index 35
  bool force_compare_index35 = false;         // policy gpu.nvdec_index35 = "compare"
};

MeasurementComparison compare_gpu_measurements(const RimDocument& driver_rim, const RimDocument& vbios_rim,
                                               const RuntimeMeasurements& runtime,
                                               const GpuCompareOptions& options = {});

MeasurementComparison compare_switch_measurements(const RimDocument& bios_rim, const RuntimeMeasurements& runtime);

}  // namespace cchost::nv
