#pragma once
// Reading the composite stage's input ("cchost.relate/v1": the verified x-nv-gpu and
// x-nv-switch claim documents) into the facts the topology rules need. The host has already
// validated those documents; this still refuses anything not shaped as expected.
#include <string_view>
#include <vector>

#include "board_topology.hpp"
#include "cchost/result.hpp"

namespace cchost::nv::topology {

struct BoardFacts {
  std::vector<GpuFacts> gpus;
  std::vector<SwitchFacts> switches;
};

Result<BoardFacts> read_relate_input(std::string_view records_json);

}  // namespace cchost::nv::topology
