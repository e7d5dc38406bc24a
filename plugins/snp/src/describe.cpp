// describe() for x-snp. Knob semantics follow go-sev-guest validate.Options
// (shared/vectors/snp/NOTES.md §9): POLICY bits SMT/MIGRATE_MA/DEBUG/CXL are maxima (allowed or
// not), the "required" bits must be set, TCB and versions are minima. The knob order is the
// evaluation order of the rules they compile to, so decisions stay deterministic.
#include "describe.hpp"

#include <array>
#include <string_view>

#include "cchost/claims.hpp"

namespace cchost::snp {
namespace {

struct ClaimDoc {
  std::string_view name, type, doc;
};

constexpr std::array<std::string_view, 4> kTcbPrefixes = {"snp.current_tcb", "snp.reported_tcb",
                                                          "snp.committed_tcb", "snp.launch_tcb"};
constexpr std::array<std::string_view, 5> kTcbComponents = {"bootloader", "tee", "snp", "microcode", "fmc"};

constexpr ClaimDoc kClaims[] = {
    {"snp.version", "int", "ATTESTATION_REPORT version (2..5)"},
    {"snp.guest_svn", "int", "guest security version number"},
    {"snp.policy", "int", "the raw 64-bit guest POLICY"},
    {"snp.policy.abi_major", "int", "POLICY bits 15:8, minimum ABI major"},
    {"snp.policy.abi_minor", "int", "POLICY bits 7:0, minimum ABI minor"},
    {"snp.policy.smt", "bool", "POLICY: SMT allowed"},
    {"snp.policy.migrate_ma", "bool", "POLICY: migration agent allowed"},
    {"snp.policy.debug", "bool", "POLICY: debugging allowed (the hypervisor can read guest memory)"},
    {"snp.policy.single_socket", "bool", "POLICY: single socket only"},
    {"snp.policy.cxl_allow", "bool", "POLICY: CXL allowed"},
    {"snp.policy.mem_aes_256_xts", "bool", "POLICY: AES-256-XTS memory encryption required"},
    {"snp.policy.rapl_dis", "bool", "POLICY: RAPL disabled"},
    {"snp.policy.ciphertext_hiding", "bool", "POLICY: ciphertext hiding required"},
    {"snp.policy.page_swap_disable", "bool", "POLICY: page swap disabled"},
    {"snp.family_id", "hex", "FAMILY_ID from the ID block (16 bytes)"},
    {"snp.image_id", "hex", "IMAGE_ID from the ID block (16 bytes)"},
    {"snp.vmpl", "int", "VMPL the report was requested at (0..3)"},
    {"snp.signature_algo", "int", "signature algorithm (1 = ECDSA P-384 with SHA-384)"},
    {"snp.platform_info", "int", "the raw PLATFORM_INFO"},
    {"snp.platform_info.smt_en", "bool", "PLATFORM_INFO: SMT enabled"},
    {"snp.platform_info.tsme_en", "bool", "PLATFORM_INFO: TSME enabled"},
    {"snp.platform_info.ecc_en", "bool", "PLATFORM_INFO: ECC memory"},
    {"snp.platform_info.rapl_dis", "bool", "PLATFORM_INFO: RAPL disabled"},
    {"snp.platform_info.ciphertext_hiding_en", "bool", "PLATFORM_INFO: ciphertext hiding enabled"},
    {"snp.platform_info.alias_check_complete", "bool", "PLATFORM_INFO: memory alias check done"},
    {"snp.platform_info.tio_en", "bool", "PLATFORM_INFO: SEV-TIO enabled"},
    {"snp.author_key_en", "bool", "an author key signed the ID key"},
    {"snp.mask_chip_key", "bool", "MASK_CHIP_KEY: the chip key is masked"},
    {"snp.signing_key", "string", "vcek or vlek"},
    {"snp.report_data", "hex", "REPORT_DATA (64 bytes): the host's identity binding"},
    {"snp.measurement", "hex", "launch MEASUREMENT (48 bytes)"},
    {"snp.host_data", "hex", "HOST_DATA (32 bytes)"},
    {"snp.id_key_digest", "hex", "SHA-384 of the ID key (48 bytes; zero without an ID block)"},
    {"snp.author_key_digest", "hex", "SHA-384 of the author key (48 bytes)"},
    {"snp.report_id", "hex", "REPORT_ID (32 bytes)"},
    {"snp.report_id_ma", "hex", "REPORT_ID of the migration agent (32 bytes)"},
    {"snp.chip_id", "hex", "CHIP_ID (64 bytes)"},
    {"snp.current_version", "version", "firmware CURRENT_MAJOR.MINOR.BUILD"},
    {"snp.committed_version", "version", "firmware COMMITTED_MAJOR.MINOR.BUILD"},
    {"snp.launch_mit_vector", "int", "LAUNCH_MIT_VECTOR (report v5)"},
    {"snp.current_mit_vector", "int", "CURRENT_MIT_VECTOR (report v5)"},
    {"snp.product", "string", "product line: Milan, Genoa or Turin"},
    {"snp.cpuid_fam_id", "int", "CPUID family (report v3+)"},
    {"snp.cpuid_mod_id", "int", "CPUID model (report v3+)"},
    {"snp.cpuid_step", "int", "CPUID stepping (report v3+)"},
};

// The [snp] vocabulary (sdk/README.md "Knob tables"): each knob's value type and the rule
// templates it compiles to over the host's operators.
constexpr std::string_view kKnobs = R"json([
 {"name":"debug","type":"bool","doc":"false: reject guests whose POLICY allows debugging","rules":[{"when":false,"claim":"snp.policy.debug","op":"equals","operand":false}]},
 {"name":"smt_allowed","type":"bool","doc":"false: reject guests whose POLICY allows SMT","rules":[{"when":false,"claim":"snp.policy.smt","op":"equals","operand":false}]},
 {"name":"migrate_ma_allowed","type":"bool","doc":"false: reject guests that allow a migration agent","rules":[{"when":false,"claim":"snp.policy.migrate_ma","op":"equals","operand":false}]},
 {"name":"cxl_allowed","type":"bool","doc":"false: reject guests that allow CXL","rules":[{"when":false,"claim":"snp.policy.cxl_allow","op":"equals","operand":false}]},
 {"name":"require_single_socket","type":"bool","doc":"true: POLICY must require a single socket","rules":[{"when":true,"claim":"snp.policy.single_socket","op":"equals","operand":true}]},
 {"name":"require_mem_aes_256_xts","type":"bool","doc":"true: POLICY must require AES-256-XTS","rules":[{"when":true,"claim":"snp.policy.mem_aes_256_xts","op":"equals","operand":true}]},
 {"name":"require_rapl_dis","type":"bool","doc":"true: POLICY must disable RAPL","rules":[{"when":true,"claim":"snp.policy.rapl_dis","op":"equals","operand":true}]},
 {"name":"require_ciphertext_hiding","type":"bool","doc":"true: POLICY must require ciphertext hiding","rules":[{"when":true,"claim":"snp.policy.ciphertext_hiding","op":"equals","operand":true}]},
 {"name":"require_page_swap_disable","type":"bool","doc":"true: POLICY must disable page swap","rules":[{"when":true,"claim":"snp.policy.page_swap_disable","op":"equals","operand":true}]},
 {"name":"min_abi","type":"major_minor","doc":"minimum guest ABI \"major.minor\" (POLICY bits 15:0)","rules":[{"claim":"snp.policy","op":"masked_min","mask":65535,"operand":"$packed16","expected":"ABI (POLICY bits 15:0) >= {value}"}]},
 {"name":"smt_en_allowed","type":"bool","doc":"false: reject platforms with SMT enabled","rules":[{"when":false,"claim":"snp.platform_info.smt_en","op":"equals","operand":false}]},
 {"name":"tsme_en_allowed","type":"bool","doc":"false: reject platforms with TSME enabled","rules":[{"when":false,"claim":"snp.platform_info.tsme_en","op":"equals","operand":false}]},
 {"name":"tio_en_allowed","type":"bool","doc":"false: reject platforms with SEV-TIO enabled","rules":[{"when":false,"claim":"snp.platform_info.tio_en","op":"equals","operand":false}]},
 {"name":"require_ecc","type":"bool","doc":"true: the platform must have ECC memory","rules":[{"when":true,"claim":"snp.platform_info.ecc_en","op":"equals","operand":true}]},
 {"name":"require_platform_rapl_dis","type":"bool","doc":"true: the platform must have RAPL disabled","rules":[{"when":true,"claim":"snp.platform_info.rapl_dis","op":"equals","operand":true}]},
 {"name":"require_platform_ciphertext_hiding","type":"bool","doc":"true: the platform must enable ciphertext hiding","rules":[{"when":true,"claim":"snp.platform_info.ciphertext_hiding_en","op":"equals","operand":true}]},
 {"name":"require_alias_check","type":"bool","doc":"true: the memory alias check must be complete","rules":[{"when":true,"claim":"snp.platform_info.alias_check_complete","op":"equals","operand":true}]},
 {"name":"min_tcb","type":"components","components":["bootloader","tee","snp","microcode","fmc"],"min":0,"max":255,"doc":"minimum REPORTED_TCB, e.g. {bootloader = 2, tee = 0, snp = 5, microcode = 68}","rules":[{"id_suffix":".{item}","claim":"snp.reported_tcb.{item}","op":"min","operand":"$value"}]},
 {"name":"min_launch_tcb","type":"components","components":["bootloader","tee","snp","microcode","fmc"],"min":0,"max":255,"doc":"minimum LAUNCH_TCB","rules":[{"id_suffix":".{item}","claim":"snp.launch_tcb.{item}","op":"min","operand":"$value"}]},
 {"name":"min_guest_svn","type":"int","min":0,"max":4294967295,"doc":"minimum GUEST_SVN","rules":[{"claim":"snp.guest_svn","op":"min","operand":"$value"}]},
 {"name":"vmpl","type":"int","min":0,"max":3,"doc":"required VMPL","rules":[{"claim":"snp.vmpl","op":"equals","operand":"$value"}]},
 {"name":"measurements","type":"hex_list","bytes":48,"doc":"accepted launch measurements","rules":[{"claim":"snp.measurement","op":"one_of","operand":"$value"}]},
 {"name":"host_data","type":"hex_list","bytes":32,"doc":"accepted HOST_DATA values","rules":[{"claim":"snp.host_data","op":"one_of","operand":"$value"}]},
 {"name":"family_id","type":"hex_list","bytes":16,"doc":"accepted FAMILY_IDs","rules":[{"claim":"snp.family_id","op":"one_of","operand":"$value"}]},
 {"name":"image_id","type":"hex_list","bytes":16,"doc":"accepted IMAGE_IDs","rules":[{"claim":"snp.image_id","op":"one_of","operand":"$value"}]},
 {"name":"report_id","type":"hex_list","bytes":32,"doc":"accepted REPORT_IDs","rules":[{"claim":"snp.report_id","op":"one_of","operand":"$value"}]},
 {"name":"report_id_ma","type":"hex_list","bytes":32,"doc":"accepted migration agent REPORT_IDs","rules":[{"claim":"snp.report_id_ma","op":"one_of","operand":"$value"}]},
 {"name":"chip_ids","type":"hex_list","bytes":64,"doc":"accepted CHIP_IDs","rules":[{"claim":"snp.chip_id","op":"one_of","operand":"$value"}]},
 {"name":"require_id_block","type":"bool","doc":"true: the guest must have been launched with an ID block (ID_KEY_DIGEST not zero)","rules":[{"when":true,"claim":"snp.id_key_digest","op":"not_one_of","operand":["000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"]}]},
 {"name":"id_key_digests","type":"hex_list","bytes":48,"doc":"accepted ID key digests","rules":[{"claim":"snp.id_key_digest","op":"one_of","operand":"$value"}]},
 {"name":"require_author_key","type":"bool","doc":"true: an author key must have signed the ID key","rules":[{"when":true,"claim":"snp.author_key_en","op":"equals","operand":true}]},
 {"name":"author_key_digests","type":"hex_list","bytes":48,"doc":"accepted author key digests","rules":[{"claim":"snp.author_key_digest","op":"one_of","operand":"$value"}]},
 {"name":"mask_chip_key_allowed","type":"bool","doc":"false: reject reports with a masked chip key","rules":[{"when":false,"claim":"snp.mask_chip_key","op":"equals","operand":false}]},
 {"name":"allowed_signing_keys","type":"string_list","choices":["vcek","vlek"],"doc":"accepted report signing keys","rules":[{"claim":"snp.signing_key","op":"one_of","operand":"$value"}]},
 {"name":"allowed_products","type":"string_list","choices":["Milan","Genoa","Turin"],"doc":"accepted product lines","rules":[{"claim":"snp.product","op":"one_of","operand":"$value"}]},
 {"name":"min_version","type":"major_minor","doc":"minimum firmware CURRENT \"major.minor\"","rules":[{"claim":"snp.current_version","op":"version_min","operand":"$value"}]},
 {"name":"min_build","type":"int","min":0,"max":255,"doc":"minimum firmware CURRENT_BUILD","rules":[{"claim":"snp.current_version","op":"version_part_min","part":2,"operand":"$value","expected":"build (3rd component) >= {value}"}]},
 {"name":"allow_provisional_firmware","type":"bool","doc":"false: COMMITTED firmware (TCB and version) must equal CURRENT, so it cannot be rolled back","rules":[
   {"when":false,"id_suffix":".version","claim":"snp.committed_version","op":"same_as","other_claim":"snp.current_version"},
   {"when":false,"for_each":["bootloader","tee","snp","microcode","fmc"],"absent_ok_for":["fmc"],"id_suffix":".{item}","claim":"snp.committed_tcb.{item}","op":"same_as","other_claim":"snp.current_tcb.{item}"}]},
 {"name":"min_launch_mit_vector","type":"int","min":0,"doc":"bits that must be set in LAUNCH_MIT_VECTOR","rules":[{"claim":"snp.launch_mit_vector","op":"bits_set","operand":"$value"}]},
 {"name":"min_current_mit_vector","type":"int","min":0,"doc":"bits that must be set in CURRENT_MIT_VECTOR","rules":[{"claim":"snp.current_mit_vector","op":"bits_set","operand":"$value"}]}
])json";

constexpr std::string_view kConfig = R"json([
 {"key":"backend","type":"string","default":"auto","choices":["auto","configfs-tsm","sev-guest","sim"],"doc":"evidence source for generate()"},
 {"key":"product","type":"string","choices":["Milan","Genoa","Turin"],"doc":"product line of v2 reports (which carry no CPUID fields)"},
 {"key":"require_crl","type":"bool","default":false,"doc":"verify() fails without a CRL in the collateral"},
 {"key":"sim_roots","type":"path_list","doc":"simulated ARKs to trust (claims are then marked simulated); relative to the kit"},
 {"key":"vmpl","type":"int","min":0,"max":3,"doc":"VMPL to request reports at"},
 {"key":"configfs_root","type":"path","doc":"configfs-tsm report folder (default /sys/kernel/config/tsm/report)"},
 {"key":"device","type":"path","doc":"SEV guest device (default /dev/sev-guest)"},
 {"key":"sim","type":"table","doc":"the sim backend's table (ca_dir, fields); src/sim/README-sim.md"}
])json";

constexpr std::string_view kCollateral = R"json([
 {"file":"ark.pem","doc":"AMD root key (pinned roots are built in; this one must match)"},
 {"file":"ask.pem","doc":"AMD signing key (or in the evidence's cert table)"},
 {"file":"vcek.pem","doc":"the chip's VCEK (or in the evidence's cert table)"},
 {"file":"vlek.pem","doc":"the VLEK, for VLEK-signed reports"},
 {"file":"crl.der","doc":"AMD's CRL for the ARK/ASK (required with require_crl = true)"},
 {"file":"sim_ark.pem","doc":"a simulated ARK to trust (simulate mode only)"}
])json";

// sim_provision() exists when the sim CA is in the build (plugin.cpp).
#if defined(CCHOST_SNP_HAVE_BACKENDS)
constexpr bool kSim = true;
#else
constexpr bool kSim = false;
#endif

std::string build() {
  std::string claims = "[";
  auto add = [&](std::string_view name, std::string_view type, std::string_view doc) {
    if (claims.size() > 1) claims += ',';
    claims += "{\"name\":" + sdk::json_quote(name) + ",\"type\":" + sdk::json_quote(type) +
              ",\"doc\":" + sdk::json_quote(doc) + ",\"scope\":\"record\"}";
  };
  for (const auto& c : kClaims) add(c.name, c.type, c.doc);
  for (auto prefix : kTcbPrefixes) {
    for (auto component : kTcbComponents) {
      add(std::string(prefix) + "." + std::string(component), "int",
          std::string(prefix.substr(4)) + " " + std::string(component) + " SVN" +
              (component == "fmc" ? " (Turin only)" : ""));
    }
  }
  claims += "]";
  return std::string("{\"schema\":\"cchost.describe/v1\",\"namespace\":\"x-snp\",\"name\":\"AMD SEV-SNP\","
                     "\"version\":\"0.2.0\",\"policy_section\":\"snp\","
                     "\"evidence_formats\":[\"cchost.snp-evidence/v1\"],"
                     "\"binding\":{\"size\":64,\"carried_in\":\"REPORT_DATA\",\"composite\":\"anchor\"},"
                     "\"record_classes\":[\"cpu\"],"
                     "\"capabilities\":{\"generate\":true,\"verify\":true,\"sim\":" + std::string(kSim ? "true" : "false") +
                     ",\"thread_safe_verify\":true},"
                     "\"claims\":") +
         claims + ",\"knobs\":" + std::string(kKnobs) + ",\"config\":" + std::string(kConfig) +
         ",\"collateral\":" + std::string(kCollateral) + "}";
}

}  // namespace

const std::string& describe_json() {
  static const std::string json = build();
  return json;
}

}  // namespace cchost::snp
