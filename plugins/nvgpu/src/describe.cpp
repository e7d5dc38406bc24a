// describe() for x-nv-gpu. Knobs follow the proposed [gpu] section of NVIDIA NOTES.md §12 and
// the rule set of NVIDIA's own relying-party policies (measurements, RIM signatures and
// chains, OCSP), each a separate, named rule so a rejection says which one failed.
#include "describe.hpp"

#include "verify/describe_common.hpp"

namespace cchost::nv::gpu {
namespace {

const std::vector<std::string> kRimRoles = {"driver", "vbios"};

std::vector<ClaimDoc> claims() {
  auto c = common_claims("gpu", kRimRoles);
  const std::vector<ClaimDoc> own = {
      {"gpu.driver_version", "version", "driver version the report states (\"580.159.03\")"},
      {"gpu.vbios_version", "string", "VBIOS version as NVIDIA prints it (\"96.00.74.00.20\")"},
      {"gpu.project", "string", "board project (\"1010\", \"G520\")"},
      {"gpu.project_sku", "string", "board project SKU (\"0200\")"},
      {"gpu.chip_sku", "string", "chip SKU (\"882\")"},
      {"gpu.chip_info", "string", "chip name (Blackwell and later, \"GB100\")"},
      {"gpu.pdi", "string", "the GPU's own PDI, from its device identity certificate (16 hex digits; \"\" when absent)"},
      {"gpu.switch_pdis", "string", "PDIs of the NVSwitches the GPU's NVLinks reach, sorted, comma-joined"},
      {"gpu.mode", "string", "multi-GPU mode from FEATURE_FLAG: spt, mpt, ppcie, unknown (NVIDIA's C++ SDK mapping)"},
      {"gpu.feature_flag", "int", "FEATURE_FLAG as reported (-1 when absent)"},
      {"gpu.opaque_data_version", "int", "OPAQUE_DATA_VERSION (0 when absent)"},
      {"gpu.protected_pcie", "bool", "PROTECTED_PCIE_STATUS is 0xAA (protected PCIe)"},
      {"gpu.nvdec0_enabled", "bool", "NVDEC0_STATUS is 0xAA (RIM index 35 is then compared)"},
      {"gpu.rim_index_conflict", "bool", "an index is active in both the driver and the VBIOS RIM"},
  };
  c.insert(c.end(), own.begin(), own.end());
  return c;
}

constexpr const char* kOwnKnobs = R"json(
 {"name":"allowed_archs","type":"string_list","choices":["HOPPER","BLACKWELL"],"doc":"accepted GPU architectures","rules":[{"claim":"gpu.arch","op":"one_of","operand":"$value"}]},
 {"name":"expected_count","type":"int","min":0,"max":64,"doc":"the token must hold exactly this many GPUs (each a distinct device)","rules":[{"class":"gpu","op":"count","operand":"$value"}]},
 {"name":"min_driver_version","type":"version","doc":"minimum driver version (\"570.124.06\")","rules":[{"claim":"gpu.driver_version","op":"version_min","operand":"$value"}]},
 {"name":"allowed_vbios_versions","type":"string_list","doc":"accepted VBIOS versions as NVIDIA prints them","rules":[{"claim":"gpu.vbios_version","op":"one_of","operand":"$value"}]},
 {"name":"allowed_projects","type":"string_list","doc":"accepted board projects (\"G520\")","rules":[{"claim":"gpu.project","op":"one_of","operand":"$value"}]},
 {"name":"allowed_project_skus","type":"string_list","doc":"accepted board project SKUs","rules":[{"claim":"gpu.project_sku","op":"one_of","operand":"$value"}]},
 {"name":"allowed_chip_skus","type":"string_list","doc":"accepted chip SKUs","rules":[{"claim":"gpu.chip_sku","op":"one_of","operand":"$value"}]},
 {"name":"allowed_modes","type":"string_list","choices":["spt","mpt","ppcie","unknown"],"doc":"accepted multi-GPU modes","rules":[{"claim":"gpu.mode","op":"one_of","operand":"$value"}]},
 {"name":"require_protected_pcie","type":"bool","doc":"true: PROTECTED_PCIE_STATUS must be 0xAA","rules":[{"when":true,"claim":"gpu.protected_pcie","op":"equals","operand":true}]},
 {"name":"max_opaque_data_version","type":"int","min":0,"max":255,"doc":"highest OPAQUE_DATA_VERSION understood (NVIDIA's SDK: 1)","rules":[{"claim":"gpu.opaque_data_version","op":"max","operand":"$value"}]},
 {"name":"require_no_rim_index_conflict","type":"bool","doc":"true: no index may be active in both RIMs","rules":[{"when":true,"claim":"gpu.rim_index_conflict","op":"equals","operand":false}]},
)json";

constexpr const char* kConfig = R"json([
 {"key":"backend","type":"string","default":"auto","choices":["auto","nvml","sim"],"doc":"evidence source for generate(): NVML through dlopen (auto and nvml), or the simulated board"},
 {"key":"nvml_library","type":"path","doc":"the NVML library to dlopen (default libnvidia-ml.so.1 from the loader's path)"},
 {"key":"sim_roots","type":"path_list","doc":"simulated NVIDIA Device Identity roots to trust (claims are then marked simulated); relative to the kit"},
 {"key":"sim_rim_roots","type":"path_list","doc":"simulated RIM signing roots to trust for RIMs; relative to the kit"},
 {"key":"set_ready_state","type":"bool","default":false,"doc":"after the host's self-appraisal (attest.self_appraisal) accepts this participant, set the GPUs ready through NVML; otherwise leave them not ready"},
 {"key":"sim","type":"table","doc":"the sim backend's table: ca_dir, the simulated devices' keys and chains (the kit's sim/<namespace>/); driver_version, a driver the simulated GPUs report instead (tests)"}
])json";

constexpr const char* kCollateral = R"json([
 {"file":"rims/*.xml, rims/*.swidtag (or *.xml directly in the folder)","doc":"driver and VBIOS RIMs (NVIDIA RIM service documents, TCG RIM / SWID XML), found by their id"},
 {"file":"ocsp/*.der","doc":"OCSP responses for the device and RIM chains (DER), fetched ahead of time; optional"}
])json";

std::string build() {
  DescribeParts d;
  d.ns = "x-nv-gpu";
  d.name = "NVIDIA GPU";
  d.version = "0.1.0";
  d.section = "gpu";
  d.record_class = "gpu";
  d.evidence_format = "nvidia.evidence-list/v1";
  d.claims = claims();
  d.knobs_json = std::string("[") + kOwnKnobs + common_knobs("gpu", kRimRoles) + "]";
  d.config_json = kConfig;
  d.collateral_json = kCollateral;
  d.events_json = R"(["attest.self_appraisal"])";
  d.sim = true;
  return describe_document(d);
}

}  // namespace

const std::string& describe_json() {
  static const std::string json = build();
  return json;
}

}  // namespace cchost::nv::gpu
