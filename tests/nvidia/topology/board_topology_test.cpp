// Topology over the genuine PPCIe board (8 H100 + 4 LS10, one nonce): the real verifier turns
// each token into claims, the relate input is built from them exactly as the host builds it,
// and the rules must accept the board and name the device in every attack.
#include <gtest/gtest.h>

#include "board_topology.hpp"
#include "cchost/crypto/encoding.hpp"
#include "nv_vectors.hpp"
#include "relate_input.hpp"
#include "verify/device_claims.hpp"
#include "verify/token_verifier.hpp"

namespace cchost::nv::topology {
namespace {

using test::read_text;

constexpr const char* kBoardNonce = "4760e30534a0621357d458b1a7936551b5dc4cd1e69718adf7ed9fb0252a537e";

std::string claims_of(const std::string& evidence_json, DeviceClass device, const char* ns, const char* nonce_hex) {
  NvTokenVerifier verifier(device, NvTrust{}, nullptr, nullptr);
  DeviceCheckOptions o;
  o.at = test::kDeviceChainTime;
  auto nonce = crypto::hex_decode(nonce_hex).value();
  std::array<std::uint8_t, kSpdmNonceSize> n{};
  std::copy(nonce.begin(), nonce.end(), n.begin());
  o.nonce = n;
  auto verdicts = verifier.verify(as_bytes(evidence_json), o);
  EXPECT_TRUE(verdicts) << verdicts.message();
  if (!verdicts) return "{}";
  return make_device_claims(ns, device, *verdicts).to_json();
}

std::string relate_json(const std::string& gpu_claims, const std::string& switch_claims) {
  return R"({"schema":"cchost.relate/v1","namespaces":[)" + gpu_claims + "," + switch_claims + "]}";
}

class Board : public ::testing::Test {
 protected:
  void SetUp() override {
    auto v = test::nvidia_vectors();
    if (!v) GTEST_SKIP() << "CCHOST_VECTORS is not set (or has no nvidia/): skipped";
    dir_ = *v / "topology/ppcie_8gpu_4switch";
    if (!std::filesystem::is_directory(dir_)) GTEST_SKIP() << "no topology vector: skipped";
    gpus_ = nlohmann::json::parse(read_text(dir_ / "gpus/evidence.json"));
    switches_ = nlohmann::json::parse(read_text(dir_ / "switches/evidence.json"));
    vectors_ = *v;
  }
  BoardFacts facts(const nlohmann::json& gpus, const nlohmann::json& switches) {
    auto f = read_relate_input(relate_json(claims_of(gpus.dump(), DeviceClass::gpu, "x-nv-gpu", kBoardNonce),
                                           claims_of(switches.dump(), DeviceClass::nvswitch, "x-nv-switch", kBoardNonce)));
    EXPECT_TRUE(f) << f.message();
    return f ? *f : BoardFacts{};
  }
  static std::string all(const BoardTopology& t) {
    std::string s;
    for (const auto& p : t.problems) s += p + "\n";
    return s;
  }
  std::filesystem::path dir_, vectors_;
  nlohmann::json gpus_, switches_;
};

TEST_F(Board, TheGenuineBoardIsConsistent) {
  const auto f = facts(gpus_, switches_);
  ASSERT_EQ(f.gpus.size(), 8u);
  ASSERT_EQ(f.switches.size(), 4u);
  const auto t = relate_board(f.gpus, f.switches);
  EXPECT_TRUE(t.problems.empty()) << all(t);
  EXPECT_EQ(t.switch_pdis_per_gpu, 4);
  EXPECT_EQ(t.gpu_pdis_per_switch, 8);
  EXPECT_TRUE(t.gpus_agree && t.switches_agree && t.switches_match_gpus && t.gpu_pdis_certified);
  std::vector<std::string> expected = {"03DBA23B3C11BD8A", "3A53B743D811E977", "666E93E19DEC7D2D", "9AE3BEBA9E673275"};
  EXPECT_EQ(f.gpus[0].switch_pdis, expected);
}

TEST_F(Board, AGpuRemovedIsNamedByItsPdi) {
  auto gpus = gpus_;
  const auto removed = facts(gpus_, switches_).gpus[5].pdi;
  gpus.erase(5);
  const auto t = relate_board(facts(gpus, switches_).gpus, facts(gpus, switches_).switches);
  ASSERT_FALSE(t.problems.empty());
  EXPECT_FALSE(t.gpu_pdis_certified);
  EXPECT_NE(all(t).find("GPU PDI " + removed + ", which no GPU record"), std::string::npos) << all(t);
  EXPECT_EQ(t.gpus, 7);
}

TEST_F(Board, ASwitchFromAnotherBoardIsNamed) {
  const auto other = vectors_ / "switch/atsdk_ls10_evidence_json/evidence.json";
  if (!std::filesystem::exists(other)) GTEST_SKIP() << "no second switch vector";
  // The other switch answers another nonce: verify it under its own (its claims are what a
  // forger could splice in if the host merged tokens; the rules must still catch it).
  auto f = facts(gpus_, switches_);
  auto foreign = read_relate_input(relate_json(
      claims_of(gpus_.dump(), DeviceClass::gpu, "x-nv-gpu", kBoardNonce),
      claims_of(nlohmann::json::parse(read_text(other)).dump(), DeviceClass::nvswitch, "x-nv-switch",
                "931d8dd0add203ac3d8b4fbde75e115278eefcdceac5b87671a748f32364dfcb")));
  ASSERT_TRUE(foreign) << foreign.message();
  ASSERT_FALSE(foreign->switches.empty());
  auto switches = f.switches;
  switches[3] = foreign->switches[0];
  switches[3].index = 3;
  const auto t = relate_board(f.gpus, switches);
  ASSERT_FALSE(t.problems.empty());
  EXPECT_NE(all(t).find("NVSwitch 3 (PDI " + switches[3].pdi + ") is not among the switches the GPUs reach"), std::string::npos) << all(t);
  EXPECT_FALSE(t.switches_match_gpus);
}

TEST_F(Board, OnePdiChangedIsNamedByDevice) {
  auto f = facts(gpus_, switches_);
  f.gpus[2].switch_pdis[1] = "0000000000000001";
  std::sort(f.gpus[2].switch_pdis.begin(), f.gpus[2].switch_pdis.end());
  auto t = relate_board(f.gpus, f.switches);
  ASSERT_FALSE(t.problems.empty());
  EXPECT_NE(all(t).find("GPU 2 (ueid " + f.gpus[2].ueid + ") reaches switch PDIs"), std::string::npos) << all(t);
  EXPECT_FALSE(t.gpus_agree);

  f = facts(gpus_, switches_);
  f.switches[1].gpu_pdis[0] = "FFFFFFFFFFFFFFFF";
  std::sort(f.switches[1].gpu_pdis.begin(), f.switches[1].gpu_pdis.end());
  t = relate_board(f.gpus, f.switches);
  EXPECT_NE(all(t).find("NVSwitch 1 (PDI " + f.switches[1].pdi + ") reports GPU PDIs"), std::string::npos) << all(t);
}

TEST_F(Board, AReplayedSwitchIsCaught) {
  auto f = facts(gpus_, switches_);
  auto switches = f.switches;
  switches[3] = switches[0];   // four records, but two of them are the same switch
  switches[3].index = 3;
  const auto t = relate_board(f.gpus, switches);
  EXPECT_FALSE(t.switches_match_gpus);
  EXPECT_NE(all(t).find("same PDI as another switch"), std::string::npos) << all(t);
  EXPECT_NE(all(t).find("which no NVSwitch record in the bundle has"), std::string::npos) << all(t);
}

TEST_F(Board, MissingSidesAreProblems) {
  const auto f = facts(gpus_, switches_);
  EXPECT_FALSE(relate_board(f.gpus, {}).problems.empty());
  EXPECT_FALSE(relate_board({}, f.switches).problems.empty());
}

TEST(RelateInput, MalformedInputIsRefused) {
  EXPECT_FALSE(read_relate_input("not json"));
  EXPECT_FALSE(read_relate_input(R"({"schema":"cchost.relate/v2","namespaces":[]})"));
  auto r = read_relate_input(R"({"schema":"cchost.relate/v1","namespaces":[{"namespace":"x-nv-gpu","records":[{"class":"gpu","index":0,"id":"a","claims":{}}]}]})");
  ASSERT_FALSE(r);
  EXPECT_NE(r.message().find("gpu.ueid"), std::string::npos) << r.message();
}

}  // namespace
}  // namespace cchost::nv::topology
