// The x-nv-topology composite stage: presents no evidence; relate() reads the verified x-nv-gpu
// and x-nv-switch records of a bundle and derives one "topology" record.
#include <string>

#include "board_topology.hpp"
#include "cchost/authorizer.hpp"
#include "cchost/claims.hpp"
#include "describe.hpp"
#include "relate_input.hpp"

namespace cchost::nv::topology {

class TopologyStage : public sdk::Authorizer {
 public:
  TopologyStage(const std::string& config, const sdk::HostServices&) {
    if (config.find_first_not_of(" \t\r\n") != std::string::npos) {
      throw std::invalid_argument("x-nv-topology takes no configuration");
    }
  }

  static std::string describe() { return describe_json(); }

  sdk::Outcome generate(const sdk::GenerateRequest&, std::vector<std::uint8_t>&) override {
    return sdk::Outcome::failure(CCHOST_E_UNAVAILABLE, "x-nv-topology is a composite stage: it presents no evidence");
  }
  sdk::Outcome verify(const sdk::VerifyRequest&, std::string&) override {
    return sdk::Outcome::failure(CCHOST_E_UNAVAILABLE, "x-nv-topology is a composite stage: it verifies no evidence");
  }

  sdk::Outcome relate(const std::string& records_json, std::string& claims_json) {
    auto facts = read_relate_input(records_json);
    if (!facts) return sdk::Outcome::failure(CCHOST_E_MALFORMED, facts.message());
    const BoardTopology t = relate_board(facts->gpus, facts->switches);
    sdk::ClaimSet set("x-nv-topology", "topology");
    auto& r = set.add_record("topology", 0, "board");
    r.add_int("nvtopology.gpus", t.gpus);
    r.add_int("nvtopology.switches", t.switches);
    r.add_int("nvtopology.switch_pdis_per_gpu", t.switch_pdis_per_gpu);
    r.add_int("nvtopology.gpu_pdis_per_switch", t.gpu_pdis_per_switch);
    r.add_bool("nvtopology.gpus_agree", t.gpus_agree);
    r.add_bool("nvtopology.switches_agree", t.switches_agree);
    r.add_bool("nvtopology.switches_match_gpus", t.switches_match_gpus);
    r.add_bool("nvtopology.gpu_pdis_certified", t.gpu_pdis_certified);
    std::string problems;
    for (const auto& p : t.problems) problems += (problems.empty() ? "" : "; ") + p;
    r.add_string("nvtopology.problems", problems);
    claims_json = set.to_json();
    return sdk::Outcome::success();
  }
};

}  // namespace cchost::nv::topology

CCHOST_EXPORT_AUTHORIZER(cchost::nv::topology::TopologyStage, "x-nv-topology", "NVIDIA board topology", "0.1.0")
