// Measurement comparison on the genuine reports (their parsed.json blocks) against the
// genuine RIMs, and the conflict / NVDEC / missing-block rules on small documents.
#include "rim/measurement_compare.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "cchost/crypto/encoding.hpp"
#include "rim_vectors.hpp"

namespace cchost::nv {
namespace {

using test::read_bytes;

struct Report {
  RuntimeMeasurements blocks;
  std::optional<std::uint8_t> nvdec0;
};

// parsed.json (PROVENANCE): measurement_blocks {"<SPDM index>": {"size", "value" hex}},
// opaque_decoded.nvdec0_status "0x55".
Report load_report(const std::filesystem::path& dir) {
  std::ifstream in(dir / "parsed.json");
  const auto j = nlohmann::json::parse(in);
  Report r;
  for (const auto& [key, block] : j.at("measurement_blocks").items()) {
    r.blocks[static_cast<unsigned>(std::stoul(key))] = crypto::hex_decode(block.at("value").get<std::string>()).value();
  }
  const auto& opaque = j.at("opaque_decoded");
  if (opaque.contains("nvdec0_status")) {
    r.nvdec0 = static_cast<std::uint8_t>(std::stoul(opaque.at("nvdec0_status").get<std::string>(), nullptr, 16));
  }
  return r;
}

RimDocument rim(const std::filesystem::path& path) { return parse_rim_document(read_bytes(path)).value(); }

TEST(MeasurementCompare, TestNoGpuReportMatchesBothRims) {
  NV_VECTORS_OR_SKIP(vec);
  const Report report = load_report(vec / "gpu/nvtrust_test_no_gpu_545.00");
  ASSERT_EQ(report.nvdec0, 0x55);
  const auto driver = rim(vec / "rims/nvtrust_samples/Driver_RIM_test_no_gpu.swidtag");
  const auto vbios = rim(vec / "rims/nvtrust_samples/1010_0200_882_96005E0001_test_no_gpu.swidtag");
  auto r = compare_gpu_measurements(driver, vbios, report.blocks, {report.nvdec0, false});
  EXPECT_TRUE(r.success);
  EXPECT_TRUE(r.index_no_conflict);
  EXPECT_TRUE(r.mismatches.empty());
  EXPECT_EQ(r.driver_golden, 21u);
  EXPECT_EQ(r.vbios_golden, 12u);
  EXPECT_EQ(r.skipped_indices, std::vector<unsigned>{35});
  EXPECT_EQ(r.compared_indices.size(), 32u);
  // Index 35 happens to match here; without block 36 the NVDEC rule decides the outcome.
  RuntimeMeasurements no_nvdec = report.blocks;
  no_nvdec.erase(kNvdecRimIndex + 1);
  EXPECT_TRUE(compare_gpu_measurements(driver, vbios, no_nvdec, {report.nvdec0, false}).success);
  auto forced = compare_gpu_measurements(driver, vbios, no_nvdec, {report.nvdec0, true});
  EXPECT_FALSE(forced.success);
  ASSERT_EQ(forced.mismatches.size(), 1u);
  EXPECT_EQ(forced.mismatches[0].index, 35u);
  EXPECT_FALSE(forced.mismatches[0].runtime_present);
  EXPECT_FALSE(compare_gpu_measurements(driver, vbios, no_nvdec, {0xAA, false}).success);  // NVDEC enabled
  EXPECT_FALSE(compare_gpu_measurements(driver, vbios, no_nvdec, {std::nullopt, false}).success);
}

TEST(MeasurementCompare, AtsdkHopperAgainstBundledProdVbiosRimMismatchesOnlyIndex9) {
  NV_VECTORS_OR_SKIP(vec);
  const Report report = load_report(vec / "gpu/atsdk_hopper_580.159.03");
  const auto vbios = rim(vec / "rims/nvtrust_samples/1010_0205_862_9600740020_PROD.swidtag");
  RimDocument no_driver;  // compare the VBIOS half alone: only VBIOS indices are golden
  auto r = compare_gpu_measurements(no_driver, vbios, report.blocks, {report.nvdec0, false});
  EXPECT_FALSE(r.success);
  ASSERT_EQ(r.mismatches.size(), 1u);
  const auto& m = r.mismatches[0];
  EXPECT_EQ(m.index, 9u);
  EXPECT_EQ(m.source, MeasurementSource::vbios);
  EXPECT_EQ(to_string(m.source), "vbios");
  EXPECT_TRUE(m.runtime_present);
  EXPECT_EQ(m.golden_size, 48u);
  EXPECT_EQ(m.runtime_size, 48u);
  EXPECT_EQ(crypto::hex_encode(m.runtime_value).substr(0, 8), "059b32e7");
  ASSERT_EQ(m.golden_values.size(), 1u);
  EXPECT_EQ(crypto::hex_encode(m.golden_values[0]).substr(0, 8), "7f3e9382");
}

TEST(MeasurementCompare, SwitchBiosRimMatchesAndItsMismatchVariantFails) {
  NV_VECTORS_OR_SKIP(vec);
  const Report report = load_report(vec / "switch/atsdk_ls10_96.10.55.00.01");
  auto good = compare_switch_measurements(
      rim(vec / "rims/atsdk/switchVBIOSRim_NV_SWITCH_BIOS_5612_0002_890_9610550001.xml"), report.blocks);
  EXPECT_TRUE(good.success);
  EXPECT_GT(good.bios_golden, 0u);
  auto bad = compare_switch_measurements(
      rim(vec / "rims/atsdk/NEGATIVE_NV_SWITCH_BIOS_5612_0002_890_9610550001_measurement_mismatch.xml"), report.blocks);
  EXPECT_FALSE(bad.success);
  EXPECT_FALSE(bad.mismatches.empty());
  for (const auto& m : bad.mismatches) EXPECT_EQ(m.source, MeasurementSource::bios);
}

RimMeasurement entry(unsigned index, bool active, std::uint8_t fill, unsigned alternatives = 1) {
  RimMeasurement m;
  m.index = index;
  m.active = active;
  m.alternatives = alternatives;
  m.size = 48;
  for (unsigned k = 0; k < alternatives; ++k) m.hashes.push_back(Bytes(48, static_cast<std::uint8_t>(fill + k)));
  return m;
}

TEST(MeasurementCompare, IndexActiveInBothRimsIsAConflict) {
  RimDocument driver, vbios;
  driver.measurements = {entry(1, true, 1), entry(2, true, 2)};
  vbios.measurements = {entry(2, true, 2), entry(3, true, 3)};
  RuntimeMeasurements rt = {{2, Bytes(48, 1)}, {3, Bytes(48, 2)}, {4, Bytes(48, 3)}};
  auto r = compare_gpu_measurements(driver, vbios, rt);
  EXPECT_FALSE(r.success);
  EXPECT_FALSE(r.index_no_conflict);
  EXPECT_EQ(r.conflicting_indices, std::vector<unsigned>{2});
  EXPECT_TRUE(r.mismatches.empty());  // 1 and 3 match; 2 is not compared
  // Inactive in one of them: no conflict.
  vbios.measurements[0].active = false;
  auto ok = compare_gpu_measurements(driver, vbios, rt);
  EXPECT_TRUE(ok.success);
  EXPECT_TRUE(ok.index_no_conflict);
}

TEST(MeasurementCompare, BlockIndexIsRimIndexPlusOne) {
  RimDocument driver, vbios;
  driver.measurements = {entry(0, true, 7)};
  vbios.measurements = {entry(1, true, 9)};  // each RIM must contribute (an empty one never passes)
  EXPECT_TRUE(compare_gpu_measurements(driver, vbios, {{1, Bytes(48, 7)}, {2, Bytes(48, 9)}}).success);
  EXPECT_FALSE(compare_gpu_measurements(driver, RimDocument{}, {{1, Bytes(48, 7)}}).success);
  auto off_by_one = compare_gpu_measurements(driver, vbios, {{0, Bytes(48, 7)}, {2, Bytes(48, 9)}});
  EXPECT_FALSE(off_by_one.success);
  ASSERT_EQ(off_by_one.mismatches.size(), 1u);
  EXPECT_FALSE(off_by_one.mismatches[0].runtime_present);  // block 1 missing
}

TEST(MeasurementCompare, AlternativesSizeAndMissingBlocks) {
  RimDocument bios;
  bios.measurements = {entry(4, true, 10, 3), entry(5, false, 0)};
  EXPECT_TRUE(compare_switch_measurements(bios, {{5, Bytes(48, 12)}}).success);  // third alternative
  auto wrong = compare_switch_measurements(bios, {{5, Bytes(48, 13)}});
  EXPECT_FALSE(wrong.success);
  EXPECT_EQ(wrong.mismatches.at(0).golden_values.size(), 3u);
  auto short_block = compare_switch_measurements(bios, {{5, Bytes(32, 10)}});
  EXPECT_FALSE(short_block.success);
  EXPECT_EQ(short_block.mismatches.at(0).runtime_size, 32u);
  auto missing = compare_switch_measurements(bios, {});
  EXPECT_FALSE(missing.success);
  EXPECT_FALSE(missing.mismatches.at(0).runtime_present);
  // Inactive entries are never compared; a RIM with none active compares nothing and fails.
  RimDocument inactive;
  inactive.measurements = {entry(5, false, 0)};
  auto nothing = compare_switch_measurements(inactive, {{6, Bytes(48, 1)}});
  EXPECT_FALSE(nothing.success);
  EXPECT_TRUE(nothing.mismatches.empty());
}

}  // namespace
}  // namespace cchost::nv
