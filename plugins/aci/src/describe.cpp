// describe() for x-az-aci. The knobs follow NOTES §5 (the ACI policy knobs) and keep the names
// policies/README.md documents; the knob order is the evaluation order of their rules.
#include "describe.hpp"

#include <string_view>

#include "cchost/claims.hpp"

namespace cchost::aci {
namespace {

struct ClaimDoc {
  std::string_view name, type, doc;
};

constexpr ClaimDoc kClaims[] = {
    {"aci.evidence_path", "string", "maa (an MAA token) or raw (the sidecar's SNP report and endorsements, no MAA)"},
    {"aci.issuer", "string", "the MAA instance that signed the token (its pinned iss)"},
    {"aci.attestation_type", "string", "x-ms-attestation-type (sevsnpvm for ACI)"},
    {"aci.compliance_status", "string", "x-ms-compliance-status (azure-compliant-uvm: a Microsoft-signed ACI UVM)"},
    {"aci.policy_hash", "string", "x-ms-policy-hash: the MAA attestation policy that evaluated the evidence"},
    {"aci.host_data", "hex", "HOST_DATA (32 bytes): SHA-256 of the CCE policy, the container group's identity"},
    {"aci.launch_measurement", "hex", "MEASUREMENT (48 bytes) of the UVM"},
    {"aci.debuggable", "bool", "POLICY: debugging allowed"},
    {"aci.migration_allowed", "bool", "POLICY: migration agent allowed"},
    {"aci.smt_allowed", "bool", "POLICY: SMT allowed"},
    {"aci.vmpl", "int", "VMPL of the report"},
    {"aci.guest_svn", "int", "GUEST_SVN"},
    {"aci.report_data", "hex", "REPORT_DATA (64 bytes): SHA-256(runtime data) || 0^32"},
    {"aci.report_id", "hex", "REPORT_ID (32 bytes)"},
    {"aci.id_key_digest", "hex", "ID_KEY_DIGEST (48 bytes)"},
    {"aci.author_key_digest", "hex", "AUTHOR_KEY_DIGEST (48 bytes)"},
    {"aci.family_id", "hex", "FAMILY_ID (16 bytes)"},
    {"aci.image_id", "hex", "IMAGE_ID (16 bytes)"},
    {"aci.reported_tcb.bootloader", "int", "REPORTED_TCB boot loader SVN"},
    {"aci.reported_tcb.tee", "int", "REPORTED_TCB TEE SVN"},
    {"aci.reported_tcb.snp", "int", "REPORTED_TCB SNP firmware SVN"},
    {"aci.reported_tcb.microcode", "int", "REPORTED_TCB microcode SVN"},
    {"aci.uvm_svn", "int", "the UVM endorsement's guest SVN"},
    {"aci.uvm_launch_measurement", "hex", "the launch measurement the UVM endorsement signs (48 bytes)"},
    {"aci.uvm_feed", "string", "the UVM endorsement's feed (ContainerPlat-AMD-UVM)"},
    {"aci.uvm_issuer", "string", "the UVM endorsement's issuer (did:x509 of Microsoft's supply-chain root and EKU)"},
    {"aci.iat", "int", "token issued at (seconds since the epoch)"},
    {"aci.nbf", "int", "token not before"},
    {"aci.exp", "int", "token expiry"},
    {"aci.token_age", "int", "seconds from iat to the verification time"},
    {"aci.runtime.nonce", "string", "x-ms-runtime.nonce, when the runtime data has a string nonce"},
};

constexpr std::string_view kKnobs = R"json([
 {"name":"attestation_type","type":"string_list","choices":["sevsnpvm","azurevm"],"doc":"accepted x-ms-attestation-type (sevsnpvm for containers)","rules":[{"claim":"aci.attestation_type","op":"one_of","operand":"$value"}]},
 {"name":"compliance_status","type":"string_list","doc":"accepted x-ms-compliance-status values","rules":[{"claim":"aci.compliance_status","op":"one_of","operand":"$value"}]},
 {"name":"issuers","type":"string_list","doc":"accepted MAA instances (iss); each needs its keys pinned in collateral","rules":[{"claim":"aci.issuer","op":"one_of","operand":"$value"}]},
 {"name":"host_data","type":"hex_list","bytes":32,"doc":"accepted CCE policy hashes (HOST_DATA)","rules":[{"claim":"aci.host_data","op":"one_of","operand":"$value"}]},
 {"name":"debuggable","type":"bool","doc":"false: reject debuggable guests","rules":[{"when":false,"claim":"aci.debuggable","op":"equals","operand":false}]},
 {"name":"migration_allowed","type":"bool","doc":"false: reject guests that allow migration","rules":[{"when":false,"claim":"aci.migration_allowed","op":"equals","operand":false}]},
 {"name":"smt_allowed","type":"bool","doc":"false: reject guests that allow SMT","rules":[{"when":false,"claim":"aci.smt_allowed","op":"equals","operand":false}]},
 {"name":"vmpl","type":"int","min":0,"max":3,"doc":"required VMPL","rules":[{"claim":"aci.vmpl","op":"equals","operand":"$value"}]},
 {"name":"min_guest_svn","type":"int","min":0,"max":4294967295,"doc":"minimum GUEST_SVN","rules":[{"claim":"aci.guest_svn","op":"min","operand":"$value"}]},
 {"name":"min_uvm_svn","type":"int","min":0,"max":4294967295,"doc":"minimum UVM endorsement svn (the ACI verifier uses 100)","rules":[{"claim":"aci.uvm_svn","op":"min","operand":"$value"}]},
 {"name":"uvm_feeds","type":"string_list","doc":"accepted UVM endorsement feeds","rules":[{"claim":"aci.uvm_feed","op":"one_of","operand":"$value"}]},
 {"name":"uvm_issuers","type":"string_list","doc":"accepted UVM endorsement issuers (did:x509)","rules":[{"claim":"aci.uvm_issuer","op":"one_of","operand":"$value"}]},
 {"name":"launch_measurement_matches_uvm","type":"bool","doc":"true: MEASUREMENT must equal the measurement the UVM endorsement signs","rules":[{"when":true,"claim":"aci.launch_measurement","op":"same_as","other_claim":"aci.uvm_launch_measurement"}]},
 {"name":"launch_measurements","type":"hex_list","bytes":48,"doc":"accepted launch measurements","rules":[{"claim":"aci.launch_measurement","op":"one_of","operand":"$value"}]},
 {"name":"policy_hashes","type":"string_list","doc":"accepted x-ms-policy-hash values (a private MAA instance's attestation policy)","rules":[{"claim":"aci.policy_hash","op":"one_of","operand":"$value"}]},
 {"name":"min_tcb","type":"components","components":["bootloader","tee","snp","microcode"],"min":0,"max":255,"doc":"minimum REPORTED_TCB, e.g. {snp = 24, microcode = 219}","rules":[{"id_suffix":".{item}","claim":"aci.reported_tcb.{item}","op":"min","operand":"$value"}]},
 {"name":"max_token_age","type":"int","min":0,"max":86400,"doc":"maximum seconds from the token's iat to the verification time (MAA tokens live 8 h)","rules":[{"claim":"aci.token_age","op":"max","operand":"$value"}]},
 {"name":"evidence_paths","type":"string_list","choices":["maa","raw"],"doc":"accepted evidence paths","rules":[{"claim":"aci.evidence_path","op":"one_of","operand":"$value"}]}
])json";

constexpr std::string_view kConfig = R"json([
 {"key":"allowed_algs","type":"string_list","default":["RS256"],"choices":["RS256","PS256"],"doc":"JWS algorithms accepted for MAA tokens (the header never chooses)"},
 {"key":"min_rsa_bits","type":"int","default":2048,"min":1024,"max":16384,"doc":"smallest MAA signing key accepted (1024 only for legacy test vectors)"},
 {"key":"clock_skew","type":"int","default":60,"min":0,"max":300,"doc":"seconds of skew allowed on exp, nbf and iat"},
 {"key":"backend","type":"string","default":"sidecar","choices":["sidecar","sim"],"doc":"evidence source for generate()"},
 {"key":"evidence","type":"string","default":"maa","choices":["maa","raw"],"doc":"maa: an MAA token; raw: the sidecar's SNP report and endorsements"},
 {"key":"sidecar_port","type":"int","default":8080,"min":1,"max":65535,"doc":"port of the SKR sidecar on localhost"},
 {"key":"maa_endpoint","type":"string","doc":"the MAA instance host the sidecar asks (evidence = maa)"},
 {"key":"security_policy_file","type":"path","doc":"evidence = raw: the CCE policy as the UVM mounts it (/security-context-*/security-policy-base64)"},
 {"key":"timeout_ms","type":"int","default":10000,"min":100,"max":120000,"doc":"sidecar request timeout"},
 {"key":"sim","type":"table","doc":"the sim backend: ca_dir (sim_provision's secret folder), host_data, debuggable, uvm_svn"}
])json";

constexpr std::string_view kCollateral = R"json([
 {"file":"maa.<host>.jwks.json","doc":"pinned JWKS of the trusted MAA instance https://<host> (its /certs document)"},
 {"file":"sim_maa.<host>.jwks.json","doc":"a simulated MAA instance (simulate mode only; claims marked simulated)"},
 {"file":"sim_ark.pem","doc":"raw path: a simulated AMD ARK to trust (claims marked simulated)"},
 {"file":"sim_uvm_root.pem","doc":"raw path: a simulated supply-chain root for UVM endorsements (claims marked simulated)"}
])json";

std::string build() {
  std::string claims = "[";
  for (const auto& c : kClaims) {
    if (claims.size() > 1) claims += ',';
    claims += "{\"name\":" + sdk::json_quote(c.name) + ",\"type\":" + sdk::json_quote(c.type) +
              ",\"doc\":" + sdk::json_quote(c.doc) + ",\"scope\":\"record\"}";
  }
  claims += "]";
  return std::string(
             "{\"schema\":\"cchost.describe/v1\",\"namespace\":\"x-az-aci\",\"name\":\"Azure Confidential Container "
             "Instances\",\"version\":\"0.1.0\",\"policy_section\":\"aci\","
             "\"evidence_formats\":[\"maa-jwt\",\"sidecar-combined-json\"],"
             "\"binding\":{\"size\":64,\"carried_in\":\"runtime data member cchost_binding (REPORT_DATA = "
             "SHA-256(runtime data) || 0^32)\",\"composite\":\"anchor\"},"
             "\"record_classes\":[\"container\"],"
             "\"capabilities\":{\"generate\":true,\"verify\":true,\"sim\":true,\"thread_safe_verify\":false},"
             "\"claims\":") +
         claims + ",\"knobs\":" + std::string(kKnobs) + ",\"config\":" + std::string(kConfig) +
         ",\"collateral\":" + std::string(kCollateral) + "}";
}

}  // namespace

const std::string& describe_json() {
  static const std::string json = build();
  return json;
}

}  // namespace cchost::aci
