// describe() for x-tdx. Knob semantics follow go-tdx-guest validate.Options and the proposed
// [tdx] section of shared/vectors/tdx/NOTES.md §7, with Intel QVL's TCB statuses. The knob
// order is the evaluation order of the rules they compile to, so decisions stay deterministic.
#include "describe.hpp"

#include <string_view>

#include "cchost/claims.hpp"

namespace cchost::tdx {
namespace {

struct ClaimDoc {
  std::string_view name, type, doc;
};

constexpr ClaimDoc kClaims[] = {
    {"tdx.version", "int", "quote version (4 or 5)"},
    {"tdx.body_type", "int", "TD report body type: 2 = TDX 1.0, 3 = TDX 1.5"},
    {"tdx.qe_vendor_id", "hex", "QE vendor ID from the quote header (16 bytes; Intel 939a7233f79c4ca9940a0db3957f0607)"},
    {"tdx.tee_tcb_svn", "hex", "TEE_TCB_SVN (16 bytes): [0] module SVN, [1] module major version, [2] SEAM loader SVN"},
    {"tdx.tee_tcb_svn_2", "hex", "TEE_TCB_SVN_2 (16 bytes, TDX 1.5 bodies only)"},
    {"tdx.mr_seam", "hex", "MRSEAM: SHA-384 of the TDX module (48 bytes)"},
    {"tdx.mr_signer_seam", "hex", "MRSIGNERSEAM (48 bytes; zero for Intel's module)"},
    {"tdx.seam_attributes", "hex", "SEAM attributes (8 bytes)"},
    {"tdx.td_attributes", "hex", "TD_ATTRIBUTES (8 bytes, quote byte order)"},
    {"tdx.debug", "bool", "TD_ATTRIBUTES bit 0: the TD is debuggable (the host can read its memory)"},
    {"tdx.sept_ve_disable", "bool", "TD_ATTRIBUTES bit 28: EPT violations do not raise #VE in the TD"},
    {"tdx.pks", "bool", "TD_ATTRIBUTES bit 30: protection keys for supervisor pages"},
    {"tdx.kl", "bool", "TD_ATTRIBUTES bit 31: Key Locker"},
    {"tdx.perfmon", "bool", "TD_ATTRIBUTES bit 63: performance monitoring"},
    {"tdx.td_attributes_known_only", "bool", "no TD_ATTRIBUTES bit is set outside DEBUG, SEPT_VE_DISABLE, PKS, KL, PERFMON"},
    {"tdx.xfam", "hex", "XFAM (8 bytes, quote byte order)"},
    {"tdx.xfam_valid", "bool", "XFAM has x87 and SSE set and no bit outside 0x0006DBE7"},
    {"tdx.mr_td", "hex", "MRTD: build-time measurement of the TD (48 bytes)"},
    {"tdx.mr_config_id", "hex", "MRCONFIGID (48 bytes, host-supplied)"},
    {"tdx.mr_owner", "hex", "MROWNER (48 bytes, host-supplied)"},
    {"tdx.mr_owner_config", "hex", "MROWNERCONFIG (48 bytes, host-supplied)"},
    {"tdx.rtmr0", "hex", "RTMR0: firmware configuration (48 bytes)"},
    {"tdx.rtmr1", "hex", "RTMR1: OS loader and kernel (48 bytes)"},
    {"tdx.rtmr2", "hex", "RTMR2: kernel command line, initrd, OS (48 bytes)"},
    {"tdx.rtmr3", "hex", "RTMR3: runtime and application (48 bytes)"},
    {"tdx.mr_servicetd", "hex", "MR_SERVICETD (48 bytes, TDX 1.5; all zero for TDX 1.0 bodies, which bind no service TD)"},
    {"tdx.report_data", "hex", "REPORT_DATA (64 bytes): the host's identity binding"},
    {"tdx.fmspc", "hex", "FMSPC of the platform, from the PCK certificate (6 bytes)"},
    {"tdx.pce_id", "hex", "PCE-ID from the PCK certificate (2 bytes)"},
    {"tdx.pce_svn", "int", "PCESVN from the PCK certificate"},
    {"tdx.pck_ca", "string", "the PCK certificate's CA: platform or processor"},
    {"tdx.qe_svn", "int", "ISVSVN of the TD quoting enclave (QE report)"},
    {"tdx.tcb_status", "string", "the TCB status per Intel's algorithm (platform, TDX module, relaunch and QE combined)"},
    {"tdx.platform_tcb_status", "string", "status of the matched TCB Info level alone"},
    {"tdx.module_tcb_status", "string", "status of the matched tdxModuleIdentities level (module major version > 0 only)"},
    {"tdx.module_id", "string", "the TDX module identity matched (\"TDX_03\"; module major version > 0 only)"},
    {"tdx.qe_tcb_status", "string", "status of the matched QE Identity level"},
    {"tdx.relaunch_advised", "bool", "TDX 1.5: relaunching the TD would make it up to date"},
    {"tdx.advisory_ids", "string", "Intel advisory IDs of the matched levels, sorted, comma-separated (empty: none)"},
    {"tdx.advisory_count", "int", "how many advisory IDs apply"},
    {"tdx.tcb_date", "string", "tcbDate of the matched levels (the earliest), RFC 3339"},
    {"tdx.tcb_date_ymd", "version", "tcbDate as year.month.day, for min_tcb_date"},
    {"tdx.tcb_evaluation_data_number", "int", "tcbEvaluationDataNumber of the TCB Info"},
    {"tdx.collateral_expires", "int", "earliest nextUpdate of TCB Info, QE Identity and the CRLs (seconds since the epoch)"},
    {"tdx.collateral_age", "int", "seconds from the TCB Info issueDate to the verification time"},
};

constexpr std::string_view kZero48 =
    "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000";

// The [tdx] vocabulary (sdk/README.md "Knob tables").
constexpr std::string_view kKnobsHead = R"json([
 {"name":"debug","type":"bool","doc":"false: reject debuggable TDs (TD_ATTRIBUTES.DEBUG)","rules":[{"when":false,"claim":"tdx.debug","op":"equals","operand":false}]},
 {"name":"require_sept_ve_disable","type":"bool","doc":"true: TD_ATTRIBUTES.SEPT_VE_DISABLE must be set","rules":[{"when":true,"claim":"tdx.sept_ve_disable","op":"equals","operand":true}]},
 {"name":"pks_allowed","type":"bool","doc":"false: reject TDs with PKS","rules":[{"when":false,"claim":"tdx.pks","op":"equals","operand":false}]},
 {"name":"kl_allowed","type":"bool","doc":"false: reject TDs with Key Locker","rules":[{"when":false,"claim":"tdx.kl","op":"equals","operand":false}]},
 {"name":"perfmon_allowed","type":"bool","doc":"false: reject TDs with PERFMON","rules":[{"when":false,"claim":"tdx.perfmon","op":"equals","operand":false}]},
 {"name":"require_known_td_attributes","type":"bool","doc":"true: no TD_ATTRIBUTES bit outside DEBUG, SEPT_VE_DISABLE, PKS, KL, PERFMON","rules":[{"when":true,"claim":"tdx.td_attributes_known_only","op":"equals","operand":true}]},
 {"name":"require_valid_xfam","type":"bool","doc":"true: XFAM has x87 and SSE and no bit outside 0x0006DBE7","rules":[{"when":true,"claim":"tdx.xfam_valid","op":"equals","operand":true}]},
 {"name":"mr_seam","type":"hex_list","bytes":48,"doc":"accepted TDX module measurements","rules":[{"claim":"tdx.mr_seam","op":"one_of","operand":"$value"}]},
 {"name":"mr_signer_seam","type":"hex_list","bytes":48,"doc":"accepted TDX module signers","rules":[{"claim":"tdx.mr_signer_seam","op":"one_of","operand":"$value"}]},
 {"name":"min_tee_tcb_svn","type":"hex","bytes":16,"doc":"minimum TEE_TCB_SVN, byte by byte","rules":[{"claim":"tdx.tee_tcb_svn","op":"bytewise_min","operand":"$value","expected":"every byte >= {value}"}]},
 {"name":"min_tee_tcb_svn_2","type":"hex","bytes":16,"doc":"minimum TEE_TCB_SVN_2 byte by byte (TDX 1.5 quotes only; others fail)","rules":[{"claim":"tdx.tee_tcb_svn_2","op":"bytewise_min","operand":"$value","expected":"every byte >= {value}"}]},
 {"name":"td_attributes","type":"hex_list","bytes":8,"doc":"accepted TD_ATTRIBUTES values (quote byte order)","rules":[{"claim":"tdx.td_attributes","op":"one_of","operand":"$value"}]},
 {"name":"xfam","type":"hex_list","bytes":8,"doc":"accepted XFAM values (quote byte order)","rules":[{"claim":"tdx.xfam","op":"one_of","operand":"$value"}]},
 {"name":"mr_td","type":"hex_list","bytes":48,"doc":"accepted MRTD values","rules":[{"claim":"tdx.mr_td","op":"one_of","operand":"$value"}]},
 {"name":"mr_config_id","type":"hex_list","bytes":48,"doc":"accepted MRCONFIGID values","rules":[{"claim":"tdx.mr_config_id","op":"one_of","operand":"$value"}]},
 {"name":"mr_owner","type":"hex_list","bytes":48,"doc":"accepted MROWNER values","rules":[{"claim":"tdx.mr_owner","op":"one_of","operand":"$value"}]},
 {"name":"mr_owner_config","type":"hex_list","bytes":48,"doc":"accepted MROWNERCONFIG values","rules":[{"claim":"tdx.mr_owner_config","op":"one_of","operand":"$value"}]},
 {"name":"rtmr0","type":"hex_list","bytes":48,"doc":"accepted RTMR0 values","rules":[{"claim":"tdx.rtmr0","op":"one_of","operand":"$value"}]},
 {"name":"rtmr1","type":"hex_list","bytes":48,"doc":"accepted RTMR1 values","rules":[{"claim":"tdx.rtmr1","op":"one_of","operand":"$value"}]},
 {"name":"rtmr2","type":"hex_list","bytes":48,"doc":"accepted RTMR2 values","rules":[{"claim":"tdx.rtmr2","op":"one_of","operand":"$value"}]},
 {"name":"rtmr3","type":"hex_list","bytes":48,"doc":"accepted RTMR3 values","rules":[{"claim":"tdx.rtmr3","op":"one_of","operand":"$value"}]},
 {"name":"require_mr_servicetd_zero","type":"bool","doc":"true: MR_SERVICETD must be all zero (no bound service TD)","rules":[{"when":true,"claim":"tdx.mr_servicetd","op":"one_of","operand":[")json";

constexpr std::string_view kKnobsTail = R"json("]}]},
 {"name":"qe_vendor_id","type":"hex_list","bytes":16,"doc":"accepted QE vendor IDs (Intel: 939a7233f79c4ca9940a0db3957f0607)","rules":[{"claim":"tdx.qe_vendor_id","op":"one_of","operand":"$value"}]},
 {"name":"min_qe_svn","type":"int","min":0,"max":65535,"doc":"minimum ISVSVN of the TD quoting enclave","rules":[{"claim":"tdx.qe_svn","op":"min","operand":"$value"}]},
 {"name":"min_pce_svn","type":"int","min":0,"max":65535,"doc":"minimum PCESVN of the platform (PCK certificate)","rules":[{"claim":"tdx.pce_svn","op":"min","operand":"$value"}]},
 {"name":"accepted_tcb_status","type":"string_list","choices":["UpToDate","SWHardeningNeeded","ConfigurationNeeded","ConfigurationAndSWHardeningNeeded","OutOfDate","OutOfDateConfigurationNeeded","TDRelaunchAdvised","TDRelaunchAdvisedConfigurationNeeded"],"doc":"accepted TCB statuses (Intel's algorithm; Revoked is never accepted)","rules":[{"claim":"tdx.tcb_status","op":"one_of","operand":"$value"}]},
 {"name":"accepted_qe_tcb_status","type":"string_list","choices":["UpToDate","SWHardeningNeeded","ConfigurationNeeded","ConfigurationAndSWHardeningNeeded","OutOfDate","OutOfDateConfigurationNeeded"],"doc":"accepted statuses of the quoting enclave's own TCB level","rules":[{"claim":"tdx.qe_tcb_status","op":"one_of","operand":"$value"}]},
 {"name":"allowed_advisory_ids","type":"string_list","doc":"accepted advisory lists, each as tdx.advisory_ids reads (sorted IDs joined by commas; \"\" = none)","rules":[{"claim":"tdx.advisory_ids","op":"one_of","operand":"$value"}]},
 {"name":"max_advisories","type":"int","min":0,"max":1000,"doc":"at most this many advisory IDs may apply","rules":[{"claim":"tdx.advisory_count","op":"max","operand":"$value"}]},
 {"name":"min_tcb_date","type":"version","doc":"minimum tcbDate as \"year.month.day\" (\"2024.3.13\")","rules":[{"claim":"tdx.tcb_date_ymd","op":"version_min","operand":"$value"}]},
 {"name":"min_tcb_evaluation_data_number","type":"int","min":0,"max":2147483647,"doc":"minimum tcbEvaluationDataNumber of the TCB Info","rules":[{"claim":"tdx.tcb_evaluation_data_number","op":"min","operand":"$value"}]},
 {"name":"max_collateral_age","type":"int","min":0,"max":31536000,"doc":"collateral freshness: at most this many seconds from the TCB Info issueDate to verification","rules":[{"claim":"tdx.collateral_age","op":"max","operand":"$value"}]},
 {"name":"fmspcs","type":"hex_list","bytes":6,"doc":"accepted platform FMSPCs","rules":[{"claim":"tdx.fmspc","op":"one_of","operand":"$value"}]},
 {"name":"pck_ca","type":"string_list","choices":["platform","processor"],"doc":"accepted PCK certificate CAs","rules":[{"claim":"tdx.pck_ca","op":"one_of","operand":"$value"}]}
])json";

constexpr std::string_view kConfig = R"json([
 {"key":"backend","type":"string","default":"auto","choices":["auto","configfs-tsm","tdx-guest","sim"],"doc":"evidence source for generate(): auto tries configfs-tsm, then the /dev/tdx_guest quote ioctl"},
 {"key":"sim_roots","type":"path_list","doc":"simulated Intel roots to trust (claims are then marked simulated); relative to the kit"},
 {"key":"configfs_root","type":"path","doc":"configfs-tsm report folder (default /sys/kernel/config/tsm/report)"},
 {"key":"device","type":"path","doc":"TDX guest device for the legacy quote ioctl (default /dev/tdx_guest)"},
 {"key":"sim","type":"table","doc":"the sim backend's table (ca_dir, fields)"}
])json";

constexpr std::string_view kCollateral = R"json([
 {"file":"tcbinfo.json","doc":"Intel PCS TDX TCB Info for the platform's FMSPC ({\"tcbInfo\":...,\"signature\":...})"},
 {"file":"qe_identity.json","doc":"Intel PCS TD_QE identity ({\"enclaveIdentity\":...,\"signature\":...})"},
 {"file":"tcb_info_issuer_chain.pem","doc":"TCB Signing certificate and root (TCB-Info-Issuer-Chain)"},
 {"file":"qe_identity_issuer_chain.pem","doc":"TCB Signing certificate and root (SGX-Enclave-Identity-Issuer-Chain)"},
 {"file":"pck_crl.der","doc":"CRL of the PCK's CA (Platform or Processor)"},
 {"file":"root_ca_crl.der","doc":"Intel SGX Root CA CRL"},
 {"file":"collateral_bundle.json","doc":"instead of the files above: a dcap-qvl collateral bundle (or one *.collateral_bundle.json)"}
])json";

#if defined(CCHOST_TDX_HAVE_BACKENDS)
constexpr bool kSim = true;
#else
constexpr bool kSim = false;
#endif

std::string build() {
  std::string claims = "[";
  for (const auto& c : kClaims) {
    if (claims.size() > 1) claims += ',';
    claims += "{\"name\":" + sdk::json_quote(c.name) + ",\"type\":" + sdk::json_quote(c.type) +
              ",\"doc\":" + sdk::json_quote(c.doc) + ",\"scope\":\"record\"}";
  }
  claims += "]";
  return std::string("{\"schema\":\"cchost.describe/v1\",\"namespace\":\"x-tdx\",\"name\":\"Intel TDX\","
                     "\"version\":\"0.1.0\",\"policy_section\":\"tdx\","
                     "\"evidence_formats\":[\"intel.tdx-dcap-quote/v4\",\"intel.tdx-dcap-quote/v5\"],"
                     "\"binding\":{\"size\":64,\"carried_in\":\"REPORT_DATA\",\"composite\":\"anchor\"},"
                     "\"record_classes\":[\"td\"],"
                     "\"capabilities\":{\"generate\":true,\"verify\":true,\"sim\":") +
         (kSim ? "true" : "false") + ",\"thread_safe_verify\":true},\"claims\":" + claims +
         ",\"knobs\":" + std::string(kKnobsHead) + std::string(kZero48) + std::string(kKnobsTail) +
         ",\"config\":" + std::string(kConfig) + ",\"collateral\":" + std::string(kCollateral) + "}";
}

}  // namespace

const std::string& describe_json() {
  static const std::string json = build();
  return json;
}

}  // namespace cchost::tdx
