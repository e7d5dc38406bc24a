#pragma once
// The NVLink topology of an HGX board from its devices' verified claims (NVIDIA NOTES.md §9,
// the rules of NVIDIA's PPCIe verifier, plus the gaps it leaves open):
//  - every GPU reports the same set of switch PDIs (all-zero links already dropped);
//  - every switch's own PDI is in that set, the switches' PDIs are distinct, and together they
//    are exactly that set (a bijection: no switch missing, none from another board);
//  - every switch reports the same set of GPU PDIs;
//  - and that set is exactly the GPUs' own PDIs, which their identity certificates carry (GPU
//    reports never state their own PDI, so without this a switch's list ties to no GPU).
// Each violation is written as one sentence naming the device and the PDI.
#include <cstdint>
#include <string>
#include <vector>

namespace cchost::nv::topology {

struct GpuFacts {
  std::uint32_t index = 0;
  std::string ueid;
  std::string pdi;                          // certified (may be empty)
  std::vector<std::string> switch_pdis;     // sorted
};

struct SwitchFacts {
  std::uint32_t index = 0;
  std::string ueid;
  std::string pdi;                          // its own
  std::vector<std::string> gpu_pdis;        // sorted
};

struct BoardTopology {
  std::int64_t gpus = 0, switches = 0;
  std::int64_t switch_pdis_per_gpu = -1;     // size of the common set; -1 when GPUs disagree
  std::int64_t gpu_pdis_per_switch = -1;     // size of the common set; -1 when switches disagree
  bool gpus_agree = false;                  // all GPUs report one switch set
  bool switches_agree = false;              // all switches report one GPU set
  bool switches_match_gpus = false;         // switch PDIs are distinct and equal the GPUs' set
  bool gpu_pdis_certified = false;          // the switches' GPU set equals the GPUs' certified PDIs
  std::vector<std::string> problems;        // empty when every rule holds
};

BoardTopology relate_board(const std::vector<GpuFacts>& gpus, const std::vector<SwitchFacts>& switches);

}  // namespace cchost::nv::topology
