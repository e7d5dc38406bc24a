// Adversarial tests, part 3: the HGX board topology stage (plugins/nvtopology) fed with facts an
// attacker could arrange: one GPU presented twice, empty PDIs, a claim string with extra commas.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "board_topology.hpp"
#include "relate_input.hpp"

namespace cchost::nv::topology {
namespace {

std::string pdi(char c, int i) { return std::string(15, c) + std::to_string(i); }

struct Board {
  std::vector<GpuFacts> gpus;
  std::vector<SwitchFacts> switches;
};

// A consistent 8-GPU / 4-switch board.
Board good_board() {
  Board b;
  std::vector<std::string> sw, gp;
  for (int s = 0; s < 4; ++s) sw.push_back(pdi('5', s));
  for (int g = 0; g < 8; ++g) gp.push_back(pdi('4', g));
  for (int g = 0; g < 8; ++g) b.gpus.push_back(GpuFacts{static_cast<std::uint32_t>(g), "ueid" + std::to_string(g), gp[g], sw});
  for (int s = 0; s < 4; ++s) b.switches.push_back(SwitchFacts{static_cast<std::uint32_t>(s), "sw" + std::to_string(s), sw[s], gp});
  return b;
}

bool all_hold(const BoardTopology& t) {
  return t.gpus_agree && t.switches_agree && t.switches_match_gpus && t.gpu_pdis_certified && t.problems.empty();
}

TEST(NvAttack, TopologyBaselineGoodBoardHolds) { EXPECT_TRUE(all_hold(relate_board(good_board().gpus, good_board().switches))); }

// GPU 7 replaced by a second record of GPU 0 (e.g. two leaves under one BROM): the certified
// GPU PDIs no longer equal the switches' list.
TEST(NvAttack, RefusedOneGpuPresentedTwiceInPlaceOfAnother) {
  Board b = good_board();
  b.gpus[7] = b.gpus[0];
  b.gpus[7].index = 7;
  b.gpus[7].ueid = "another-leaf";
  const auto t = relate_board(b.gpus, b.switches);
  EXPECT_FALSE(t.gpu_pdis_certified);
  EXPECT_FALSE(t.problems.empty());
}

TEST(NvAttack, RefusedASwitchPresentedTwiceInPlaceOfAnother) {
  Board b = good_board();
  b.switches[3] = b.switches[0];
  const auto t = relate_board(b.gpus, b.switches);
  EXPECT_FALSE(t.switches_match_gpus);
}

TEST(NvAttack, RefusedEmptyPdis) {
  Board b = good_board();
  b.gpus[2].pdi = "";
  EXPECT_FALSE(relate_board(b.gpus, b.switches).gpu_pdis_certified);
  Board c = good_board();
  c.switches[1].pdi = "";
  EXPECT_FALSE(relate_board(c.gpus, c.switches).switches_match_gpus);
  Board d = good_board();
  for (auto& g : d.gpus) g.switch_pdis.clear();
  EXPECT_FALSE(all_hold(relate_board(d.gpus, d.switches)));
}

// The relate input splits comma-joined claims: a PDI claim that itself holds a comma cannot add
// a member to a set without also changing the set every other device reports.
TEST(NvAttack, RefusedACommaSmuggledIntoAPdiClaim) {
  Board b = good_board();
  nlohmann::json gpu_records = nlohmann::json::array(), switch_records = nlohmann::json::array();
  auto str = [](const std::string& v) { return nlohmann::json{{"type", "string"}, {"value", v}}; };
  auto joined = [](const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
    return out;
  };
  for (const auto& g : b.gpus) {
    gpu_records.push_back({{"class", "gpu"}, {"index", g.index}, {"id", g.ueid},
                           {"claims", {{"gpu.ueid", str(g.ueid)}, {"gpu.pdi", str(g.pdi)}, {"gpu.switch_pdis", str(joined(g.switch_pdis))}}}});
  }
  // GPU 0's certified PDI "smuggles" GPU 7's PDI after a comma.
  gpu_records[0]["claims"]["gpu.pdi"] = str(b.gpus[0].pdi + "," + b.gpus[7].pdi);
  for (const auto& s : b.switches) {
    switch_records.push_back({{"class", "nvswitch"}, {"index", s.index}, {"id", s.ueid},
                              {"claims", {{"nvswitch.ueid", str(s.ueid)}, {"nvswitch.pdi", str(s.pdi)}, {"nvswitch.gpu_pdis", str(joined(s.gpu_pdis))}}}});
  }
  nlohmann::json in = {{"schema", "cchost.relate/v1"},
                       {"namespaces", {{{"namespace", "x-nv-gpu"}, {"records", gpu_records}}, {{"namespace", "x-nv-switch"}, {"records", switch_records}}}}};
  auto facts = read_relate_input(in.dump());
  ASSERT_TRUE(facts) << facts.message();
  EXPECT_FALSE(relate_board(facts->gpus, facts->switches).gpu_pdis_certified);
}

}  // namespace
}  // namespace cchost::nv::topology
