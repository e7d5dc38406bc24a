// The simulated 8-GPU / 4-switch board (NOTES.md §9): PDI byte order and consistency, distinct
// ueids, deterministic golden values, and the evidence list for a nonce.
#include <gtest/gtest.h>

#include <set>

#include "cchost/crypto/x509.hpp"
#include "evidence/evidence_list.hpp"
#include "nv_sim_test_support.hpp"
#include "sim/sim_board.hpp"
#include "sim/sim_device_pki.hpp"
#include "sim/spdm_writer.hpp"

namespace cchost::nv::sim {
namespace {

using PdiBytes = Bytes;

std::vector<PdiBytes> split8(const Bytes& b) {
  std::vector<PdiBytes> out;
  for (std::size_t i = 0; i + 8 <= b.size(); i += 8) out.emplace_back(b.begin() + static_cast<long>(i), b.begin() + static_cast<long>(i + 8));
  return out;
}

bool all_zero(const Bytes& b) {
  return std::all_of(b.begin(), b.end(), [](std::uint8_t x) { return x == 0; });
}

class NvSimBoard : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto pki = make_sim_device_pki();
    ASSERT_TRUE(pki) << pki.message();
    pki_ = new SimDevicePki(std::move(*pki));
    auto board = make_sim_board(*pki_, SimBoardOptions{});
    ASSERT_TRUE(board) << board.message();
    board_ = new SimBoard(std::move(*board));
  }
  static void TearDownTestSuite() {
    delete board_;
    delete pki_;
  }
  static std::vector<EvidenceEntry> evidence(const std::vector<SimDevice>& devices, const Bytes& nonce) {
    auto json = sim_evidence_list(devices, nonce);
    EXPECT_TRUE(json) << json.message();
    auto entries = parse_evidence_list(*json);
    EXPECT_TRUE(entries) << entries.message();
    return *entries;
  }
  static SimDevicePki* pki_;
  static SimBoard* board_;
};
SimDevicePki* NvSimBoard::pki_ = nullptr;
SimBoard* NvSimBoard::board_ = nullptr;

TEST_F(NvSimBoard, EvidenceListsHaveOneEntryPerDeviceForTheNonce) {
  const Bytes nonce(32, 0x5a);
  const auto gpus = evidence(board_->gpus, nonce);
  const auto switches = evidence(board_->switches, nonce);
  ASSERT_EQ(gpus.size(), 8u);
  ASSERT_EQ(switches.size(), 4u);
  for (const auto& e : gpus) {
    EXPECT_EQ(e.arch, "HOPPER");
    EXPECT_EQ(e.nonce, nonce);
    EXPECT_EQ(Bytes(e.report.begin() + 4, e.report.begin() + 36), nonce);
  }
  for (const auto& e : switches) EXPECT_EQ(e.arch, "LS10");
  EXPECT_FALSE(sim_evidence_list(board_->gpus, Bytes(16)));
}

TEST_F(NvSimBoard, GpuSwitchPdisAreTheSwitchesDevicePdisReversed) {
  const Bytes nonce(32, 1);
  const auto gpus = evidence(board_->gpus, nonce);
  const auto switches = evidence(board_->switches, nonce);
  std::set<PdiBytes> device_pdis;
  for (const auto& e : switches) {
    auto l = test::read_layout(e.report);
    ASSERT_TRUE(l);
    device_pdis.insert(l->tlv(kDevicePdi));
  }
  ASSERT_EQ(device_pdis.size(), 4u) << "switch PDIs are distinct";
  std::set<std::set<PdiBytes>> per_gpu_sets;
  for (const auto& e : gpus) {
    auto l = test::read_layout(e.report);
    ASSERT_TRUE(l);
    const auto slots = split8(l->tlv(kSwitchPdi));
    ASSERT_EQ(slots.size(), 18u);
    std::set<PdiBytes> reversed;
    std::size_t zero = 0;
    for (const auto& p : slots) {
      if (all_zero(p)) {
        ++zero;
        continue;
      }
      reversed.insert(PdiBytes(p.rbegin(), p.rend()));  // reverse(GPU SWITCH_PDI[i]) == DEVICE_PDI
    }
    EXPECT_EQ(zero, 2u) << "disabled links";
    EXPECT_EQ(reversed, device_pdis);
    per_gpu_sets.insert(reversed);
  }
  EXPECT_EQ(per_gpu_sets.size(), 1u) << "every GPU sees the same 4 switches";
}

TEST_F(NvSimBoard, EverySwitchListsTheSameEightGpuPdis) {
  const auto switches = evidence(board_->switches, Bytes(32, 2));
  std::set<std::set<PdiBytes>> sets;
  std::set<Bytes> positions;
  for (const auto& e : switches) {
    auto l = test::read_layout(e.report);
    ASSERT_TRUE(l);
    const Bytes list = l->tlv(kSwitchGpuPdis);
    ASSERT_EQ(list.size(), 128u);
    auto pdis = split8(Bytes(list.begin(), list.begin() + 64));
    std::set<PdiBytes> s(pdis.begin(), pdis.end());
    EXPECT_EQ(s.size(), 8u);
    sets.insert(s);
    positions.insert(l->tlv(kSwitchPositionId));
  }
  EXPECT_EQ(sets.size(), 1u);
  EXPECT_EQ(positions.size(), 4u) << "positions 0..3";
  std::set<PdiBytes> expected;
  for (std::size_t g = 0; g < 8; ++g) {
    const Pdi p = sim_gpu_pdi(SimBoardOptions{}, g);
    expected.insert(PdiBytes(p.begin(), p.end()));
  }
  EXPECT_EQ(*sets.begin(), expected);
}

TEST_F(NvSimBoard, UeidsAreDistinctAndReportsVerifyWithTheirOwnLeaf) {
  std::set<std::string> ueids;
  std::set<Bytes> fwids;
  for (const auto* list : {&board_->gpus, &board_->switches}) {
    for (const auto& d : *list) {
      auto leaf = crypto::Certificate::from_pem(d.chain_pem);
      ASSERT_TRUE(leaf);
      auto ueid = serial_decimal(leaf->get());
      ASSERT_TRUE(ueid);
      ueids.insert(*ueid);
      fwids.insert(Bytes(d.spec.fwid.begin(), d.spec.fwid.end()));
      EXPECT_EQ(EVP_PKEY_eq(leaf->public_key().get(), d.leaf_key.get()), 1);
    }
  }
  EXPECT_EQ(ueids.size(), 12u);
  EXPECT_EQ(fwids.size(), 12u);
}

TEST(NvSimBoardSpecs, GoldenValuesAreDeterministicPerModelAndVersion) {
  const auto a = sim_golden_measurements(DeviceClass::gpu, "GH100 A01 GSP BROM", "580.159.03", "96.00.74.00.20");
  const auto b = sim_golden_measurements(DeviceClass::gpu, "GH100 A01 GSP BROM", "580.159.03", "96.00.74.00.20");
  EXPECT_EQ(a, b);
  const auto other_driver = sim_golden_measurements(DeviceClass::gpu, "GH100 A01 GSP BROM", "590.12", "96.00.74.00.20");
  EXPECT_NE(a[7], other_driver[7]);   // driver index
  EXPECT_EQ(a[0], other_driver[0]);   // VBIOS index unchanged
  EXPECT_EQ(a[13], Digest384{});      // covered by no RIM: zero
  EXPECT_EQ(a.size(), kGpuBlocks);
  EXPECT_EQ(sim_golden_measurements(DeviceClass::nvswitch, "LS_10 A01 FSP BROM", "", "96.10.55.00.01").size(), kSwitchBlocks);
}

TEST(NvSimBoardSpecs, SeparateProvisioningsOfOneBoardAgree) {
  // x-nv-gpu and x-nv-switch provision separately; the PDIs come from the seed alone.
  SimBoardOptions o;
  auto gpus = sim_board_specs(o, DeviceClass::gpu);
  auto switches = sim_board_specs(o, DeviceClass::nvswitch);
  ASSERT_TRUE(gpus && switches);
  EXPECT_EQ(gpus->front().switch_pdis.front(), switches->front().device_pdi);
  SimBoardOptions other = o;
  other.board_seed = "another board";
  EXPECT_NE(sim_switch_pdi(other, 0), sim_switch_pdi(o, 0));
}

TEST(NvSimBoardSpecs, RefusesBoardsTheFormatCannotDescribe) {
  SimBoardOptions o;
  o.gpus = 7;
  auto r = sim_board_specs(o, DeviceClass::nvswitch);
  ASSERT_FALSE(r);
  EXPECT_NE(r.message().find("7 GPUs"), std::string::npos) << r.message();
  o = SimBoardOptions{};
  o.disabled_links = 15;
  EXPECT_FALSE(sim_board_specs(o, DeviceClass::gpu));
  o.disabled_links = 19;
  EXPECT_FALSE(sim_board_specs(o, DeviceClass::gpu));
}

}  // namespace
}  // namespace cchost::nv::sim
