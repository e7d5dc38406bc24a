// Opaque-data TLVs: the decode of every genuine report equals our independent decode
// (parsed.json), the VBIOS packing rule, PDI byte order across GPUs and switches, and
// malformed lists (unknown type, duplicate, overrun, wrong sizes).
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "cchost/crypto/encoding.hpp"
#include "nv_vectors.hpp"
#include "spdm/opaque_data.hpp"
#include "spdm/spdm_report.hpp"

namespace cchost::nv {
namespace {

using test::read_file;
using test::read_text;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

DeviceClass class_of(const std::filesystem::path& dir) {
  return (dir.parent_path().filename() == "switches" || dir.parent_path().filename() == "switch" || dir.parent_path().parent_path().filename() == "switch") ? DeviceClass::nvswitch : DeviceClass::gpu;
}

TEST(OpaqueData, EveryGenuineReportDecodesAsItsIndependentParse) {
  NV_REQUIRE_VECTORS(v);
  for (const auto& dir : test::device_folders(v)) {
    SCOPED_TRACE(dir.string());
    auto report = parse_spdm_report(read_file(dir / "report.bin"));
    ASSERT_TRUE(report) << report.message();
    const DeviceClass device = class_of(dir);
    auto opaque = parse_opaque_data(report->response.opaque, device);
    ASSERT_TRUE(opaque) << opaque.message();
    const auto d = nlohmann::json::parse(read_text(dir / "parsed.json"))["opaque_decoded"];
    auto text = [&](const char* key, const std::optional<std::string>& actual) {
      if (!d.contains(key)) return;
      ASSERT_TRUE(actual.has_value()) << key;
      EXPECT_EQ(*actual, d[key].get<std::string>()) << key;
    };
    text("driver_version", opaque->driver_version);
    text("vbios_version", opaque->vbios_version);
    text("project", opaque->project);
    text("project_sku", opaque->project_sku);
    text("chip_sku", opaque->chip_sku);
    text("chip_sku_mod", opaque->chip_sku_mod);
    text("project_sku_mod", opaque->project_sku_mod);
    if (d.contains("fwid")) {
      ASSERT_TRUE(opaque->fwid);
      EXPECT_EQ(crypto::hex_encode(*opaque->fwid), d["fwid"].get<std::string>());
    } else {
      EXPECT_FALSE(opaque->fwid);
    }
    if (d.contains("nvdec0_status")) {
      ASSERT_TRUE(opaque->nvdec0_status);
      EXPECT_EQ(*opaque->nvdec0_status, std::stoul(d["nvdec0_status"].get<std::string>(), nullptr, 16));
    }
    if (d.contains("opaque_data_version")) { EXPECT_EQ(opaque->opaque_data_version, d["opaque_data_version"].get<std::uint64_t>()); }
    if (d.contains("switch_pdis_claim")) {
      std::set<std::string> ours;
      for (const auto& p : opaque->switch_pdis) ours.insert(pdi_hex(p));
      std::set<std::string> theirs;
      for (const auto& p : d["switch_pdis_claim"]) theirs.insert(p.get<std::string>());
      theirs.erase("0000000000000000");
      EXPECT_EQ(ours, theirs);
    }
    if (d.contains("device_pdi_le_hex")) {
      ASSERT_TRUE(opaque->device_pdi);
      EXPECT_EQ(lower(pdi_hex(*opaque->device_pdi)), d["device_pdi_le_hex"].get<std::string>());
    }
    if (d.contains("gpu_pdis_le_hex")) {
      std::vector<std::string> theirs;
      for (const auto& p : d["gpu_pdis_le_hex"]) {
        if (p.get<std::string>() != "0000000000000000") theirs.push_back(p.get<std::string>());
      }
      std::vector<std::string> ours;
      for (const auto& p : opaque->gpu_pdis) ours.push_back(lower(pdi_hex(p)));
      EXPECT_EQ(ours, theirs);
    }
  }
}

TEST(OpaqueData, PackedVbiosFormatsAsNvidiaPrintsIt) {
  const Bytes packed = crypto::hex_decode("0074009620000000").value();
  EXPECT_EQ(format_packed_vbios(packed), "96.00.74.00.20");
}

TEST(OpaqueData, FeatureFlagIsReadOnlyFromVersionOne) {
  // type 36 = 2 without a version entry: ignored (version 0 reports carry no feature flag)
  const Bytes without_version = crypto::hex_decode("240002000200").value();
  auto a = parse_opaque_data(without_version, DeviceClass::gpu);
  ASSERT_TRUE(a) << a.message();
  EXPECT_FALSE(a->feature_flag);
  const Bytes with_version = crypto::hex_decode("2200020001002400020002" "00").value();
  auto b = parse_opaque_data(with_version, DeviceClass::gpu);
  ASSERT_TRUE(b) << b.message();
  ASSERT_TRUE(b->feature_flag);
  EXPECT_EQ(*b->feature_flag, 2u);
}

TEST(OpaqueData, MalformedListsAreRefusedWithTheReason) {
  struct Case { const char* hex; DeviceClass device; const char* needle; };
  const Case cases[] = {
      {"25000100aa", DeviceClass::gpu, "not a GPU type"},              // type 37
      {"1c000100aa", DeviceClass::nvswitch, "not a NVSwitch type"},    // type 28 on a switch
      {"0000000000", DeviceClass::gpu, "type 0"},
      {"0b000100550b00010055", DeviceClass::gpu, "twice"},           // NVDEC0 twice
      {"03000a003500", DeviceClass::gpu, "claims 10 bytes"},          // overrun
      {"0300", DeviceClass::gpu, "needs 4 bytes"},                    // cut header
      {"0b00020055aa", DeviceClass::gpu, "1 byte expected"},          // NVDEC0 of 2 bytes
      {"14000200aabb", DeviceClass::gpu, "48 bytes expected"},        // FWID of 2 bytes
      {"16000300aabbcc", DeviceClass::gpu, "multiple of 8"},          // SWITCH_PDI of 3 bytes
      {"16000300aabbcc", DeviceClass::nvswitch, "8 bytes expected"},  // DEVICE_PDI of 3 bytes
      {"0600020041ff", DeviceClass::nvswitch, "not printable"},        // switch VBIOS not ASCII
      {"06000300000000", DeviceClass::gpu, "8 packed bytes"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.hex);
    auto r = parse_opaque_data(crypto::hex_decode(c.hex).value(), c.device);
    ASSERT_FALSE(r);
    EXPECT_NE(r.message().find(c.needle), std::string::npos) << r.message();
  }
}

TEST(OpaqueData, GpuSideSwitchPdisEqualTheSwitchesOwnPdis) {
  NV_REQUIRE_VECTORS(v);
  const auto board = v / "topology/ppcie_8gpu_4switch";
  NV_REQUIRE_DIR(board);
  std::set<std::string> from_gpus, from_switches;
  for (const auto& dir : test::device_folders(board / "gpus")) {
    auto r = parse_spdm_report(read_file(dir / "report.bin"));
    ASSERT_TRUE(r);
    auto o = parse_opaque_data(r->response.opaque, DeviceClass::gpu);
    ASSERT_TRUE(o) << o.message();
    for (const auto& p : o->switch_pdis) from_gpus.insert(pdi_hex(p));
  }
  for (const auto& dir : test::device_folders(board / "switches")) {
    auto r = parse_spdm_report(read_file(dir / "report.bin"));
    ASSERT_TRUE(r);
    auto o = parse_opaque_data(r->response.opaque, DeviceClass::nvswitch);
    ASSERT_TRUE(o) << o.message();
    ASSERT_TRUE(o->device_pdi);
    from_switches.insert(pdi_hex(*o->device_pdi));
    EXPECT_EQ(o->gpu_pdis.size(), 8u);
  }
  EXPECT_EQ(from_gpus.size(), 4u);
  EXPECT_EQ(from_gpus, from_switches);
}

}  // namespace
}  // namespace cchost::nv
