// describe() for x-nv-switch. Knobs follow the proposed [nvswitch] section of NVIDIA NOTES.md
// §12: the BIOS RIM's signature, chain and measurements, OCSP, versions and counts.
#include "describe.hpp"

#include "verify/describe_common.hpp"

namespace cchost::nv::nvswitch {
namespace {

const std::vector<std::string> kRimRoles = {"bios"};

std::vector<ClaimDoc> claims() {
  auto c = common_claims("nvswitch", kRimRoles);
  const std::vector<ClaimDoc> own = {
      {"nvswitch.bios_version", "string", "switch BIOS version as the report states it (\"96.10.55.00.01\")"},
      {"nvswitch.pdi", "string", "the switch's own PDI (16 hex digits)"},
      {"nvswitch.gpu_pdis", "string", "PDIs of the GPUs the switch reports, sorted, comma-joined"},
      {"nvswitch.position", "int", "SWITCH_POSITION_ID on the board (-1 when absent)"},
  };
  c.insert(c.end(), own.begin(), own.end());
  return c;
}

constexpr const char* kOwnKnobs = R"json(
 {"name":"expected_count","type":"int","min":0,"max":64,"doc":"the token must hold exactly this many switches (each a distinct device)","rules":[{"class":"nvswitch","op":"count","operand":"$value"}]},
 {"name":"allowed_bios_versions","type":"string_list","doc":"accepted switch BIOS versions","rules":[{"claim":"nvswitch.bios_version","op":"one_of","operand":"$value"}]},
)json";

constexpr const char* kConfig = R"json([
 {"key":"backend","type":"string","default":"auto","choices":["auto","nscq","sim"],"doc":"evidence source for generate(): NSCQ through dlopen (auto and nscq), or the simulated board"},
 {"key":"nscq_library","type":"path","doc":"the NSCQ library to dlopen (default libnvidia-nscq.so.2 from the loader's path)"},
 {"key":"sim_roots","type":"path_list","doc":"simulated NVIDIA Device Identity roots to trust (claims are then marked simulated); relative to the kit"},
 {"key":"sim_rim_roots","type":"path_list","doc":"simulated RIM signing roots to trust for RIMs; relative to the kit"},
 {"key":"sim","type":"table","doc":"the sim backend's table: ca_dir, the simulated devices' keys and chains (the kit's sim/<namespace>/)"}
])json";

constexpr const char* kCollateral = R"json([
 {"file":"rims/*.xml, rims/*.swidtag (or *.xml directly in the folder)","doc":"switch BIOS RIMs (TCG RIM / SWID XML), found by their id"},
 {"file":"ocsp/*.der","doc":"OCSP responses for the device and RIM chains (DER), fetched ahead of time; optional"}
])json";

std::string build() {
  DescribeParts d;
  d.ns = "x-nv-switch";
  d.name = "NVIDIA NVSwitch";
  d.version = "0.1.0";
  d.section = "nvswitch";
  d.record_class = "nvswitch";
  d.evidence_format = "nvidia.evidence-list/v1";
  d.claims = claims();
  d.knobs_json = std::string("[") + kOwnKnobs + common_knobs("nvswitch", kRimRoles) + "]";
  d.config_json = kConfig;
  d.collateral_json = kCollateral;
  d.sim = true;
  return describe_document(d);
}

}  // namespace

const std::string& describe_json() {
  static const std::string json = build();
  return json;
}

}  // namespace cchost::nv::nvswitch
