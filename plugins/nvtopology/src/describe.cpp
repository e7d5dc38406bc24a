// describe() for x-nv-topology (NVIDIA NOTES.md §9 and §12 "topology.*"). The defaults of an
// HGX board are 8 GPUs, 4 switches, 4 switch PDIs per GPU and 8 GPU PDIs per switch; a policy
// states them (policies/nvtopology.toml), the plugin never assumes a board.
#include "describe.hpp"

namespace cchost::nv::topology {

const std::string& describe_json() {
  static const std::string json = R"json({
  "schema": "cchost.describe/v1",
  "namespace": "x-nv-topology", "name": "NVIDIA board topology", "version": "0.1.0",
  "policy_section": "nvtopology",
  "evidence_formats": [],
  "binding": {"size": 32},
  "record_classes": ["topology"],
  "relates": ["x-nv-gpu", "x-nv-switch"],
  "capabilities": {"generate": false, "verify": false, "sim": false, "thread_safe_verify": true},
  "claims": [
    {"name": "nvtopology.gpus", "type": "int", "doc": "GPU records in the bundle's verified x-nv-gpu claims", "scope": "token"},
    {"name": "nvtopology.switches", "type": "int", "doc": "NVSwitch records in the bundle's verified x-nv-switch claims", "scope": "token"},
    {"name": "nvtopology.switch_pdis_per_gpu", "type": "int", "doc": "switch PDIs every GPU reaches (-1 when GPUs disagree)", "scope": "token"},
    {"name": "nvtopology.gpu_pdis_per_switch", "type": "int", "doc": "GPU PDIs every switch reports (-1 when switches disagree)", "scope": "token"},
    {"name": "nvtopology.gpus_agree", "type": "bool", "doc": "every GPU reaches the same set of switch PDIs", "scope": "token"},
    {"name": "nvtopology.switches_agree", "type": "bool", "doc": "every switch reports the same set of GPU PDIs", "scope": "token"},
    {"name": "nvtopology.switches_match_gpus", "type": "bool", "doc": "the switches' own PDIs are distinct and exactly the set the GPUs reach", "scope": "token"},
    {"name": "nvtopology.gpu_pdis_certified", "type": "bool", "doc": "the GPU PDIs the switches report are exactly the GPUs' certified PDIs", "scope": "token"},
    {"name": "nvtopology.problems", "type": "string", "doc": "every violated rule, naming the device and the PDI (\"\" when none)", "scope": "token"}
  ],
  "knobs": [
    {"name": "gpus", "type": "int", "min": 0, "max": 64, "doc": "GPUs the board must hold", "rules": [{"claim": "nvtopology.gpus", "op": "equals", "operand": "$value"}]},
    {"name": "switches", "type": "int", "min": 0, "max": 64, "doc": "NVSwitches the board must hold", "rules": [{"claim": "nvtopology.switches", "op": "equals", "operand": "$value"}]},
    {"name": "switch_pdis_per_gpu", "type": "int", "min": 0, "max": 64, "doc": "switch PDIs every GPU must reach", "rules": [{"claim": "nvtopology.switch_pdis_per_gpu", "op": "equals", "operand": "$value"}]},
    {"name": "gpu_pdis_per_switch", "type": "int", "min": 0, "max": 64, "doc": "GPU PDIs every switch must report", "rules": [{"claim": "nvtopology.gpu_pdis_per_switch", "op": "equals", "operand": "$value"}]},
    {"name": "require_consistent", "type": "bool", "doc": "true: every topology rule holds (the failure lists each violation)", "rules": [{"when": true, "claim": "nvtopology.problems", "op": "equals", "operand": "", "expected": "no topology violation"}]},
    {"name": "require_bijection", "type": "bool", "doc": "true: the switches' PDIs are distinct and exactly the set the GPUs reach", "rules": [{"when": true, "claim": "nvtopology.switches_match_gpus", "op": "equals", "operand": true}]},
    {"name": "require_certified_gpu_pdis", "type": "bool", "doc": "true: the switches' GPU PDIs are exactly the GPUs' certified PDIs", "rules": [{"when": true, "claim": "nvtopology.gpu_pdis_certified", "op": "equals", "operand": true}]}
  ],
  "config": [],
  "collateral": []
})json";
  return json;
}

}  // namespace cchost::nv::topology
