// describe() pieces shared by x-nv-gpu and x-nv-switch (see describe_common.hpp).
#include "verify/describe_common.hpp"

#include "cchost/claims.hpp"

namespace cchost::nv {

std::vector<ClaimDoc> common_claims(const std::string& p, const std::vector<std::string>& rim_roles) {
  std::vector<ClaimDoc> c = {
      {p + ".arch", "string", "architecture the device certificate certifies (HOPPER, BLACKWELL, LS10)"},
      {p + ".hwmodel", "string", "CN of the device identity (BROM) certificate, e.g. \"GH100 A01 GSP BROM\""},
      {p + ".ueid", "string", "the attestation certificate's serial number in decimal (NVIDIA's ueid)"},
      {p + ".fwid", "hex", "firmware ID the leaf certificate certifies (48 bytes)"},
      {p + ".fwid_match", "bool", "the report's FWID equals the certified one (true when the report states none, as NVIDIA counts it)"},
      {p + ".fwid_in_report", "bool", "the report states an FWID at all"},
      {p + ".nonce_match", "bool", "the report's nonce was checked against the binding (false only with --no-binding)"},
      {p + ".cert_expiration", "int", "earliest notAfter of the device chain (seconds since the epoch)"},
      {p + ".cert_ocsp_status", "string", "worst OCSP status of the device chain's CAs from collateral: good, revoked, hold, unknown, missing"},
      {p + ".measurements", "string", "report measurements against the signed RIMs: success, fail, unverifiable (a RIM missing or not verified)"},
      {p + ".mismatch_indices", "string", "RIM indices whose measurement differs, ascending, comma-joined (\"\" none)"},
      {p + ".mismatch_count", "int", "how many measurement indices differ"},
      {p + ".secure_boot", "bool", "derived: measurements matched signed reference values"},
      {p + ".debug_disabled", "bool", "derived: measurements matched signed reference values"},
      {p + ".oemid", "string", "FirmwareManufacturerId of the RIMs (NVIDIA: 5703)"},
  };
  for (const auto& role : rim_roles) {
    const std::string k = p + "." + role + "_rim";
    c.push_back({k + "_id", "string", "id of the " + role + " RIM the report selects"});
    c.push_back({k + "_status", "string", "the " + role + " RIM: verified, missing, bad_signature, bad_chain, malformed, version_mismatch, wrong_device"});
    c.push_back({k + "_cert_status", "string", "the " + role + " RIM signing chain at the verification time: valid, expired, not_yet_valid, invalid, unchecked"});
    c.push_back({k + "_ocsp_status", "string", "worst OCSP status of the " + role + " RIM signing chain: good, revoked, hold, unknown, missing"});
  }
  return c;
}

std::string common_knobs(const std::string& p, const std::vector<std::string>& rim_roles) {
  auto rules_over = [&](const std::string& suffix, const std::string& op, const std::string& operand) {
    std::string out;
    for (const auto& role : rim_roles) {
      out += std::string(out.empty() ? "" : ",") + "{\"claim\":\"" + p + "." + role + "_rim_" + suffix + "\",\"op\":\"" + op +
             "\",\"operand\":" + operand + ",\"id_suffix\":\"." + role + "\"}";
    }
    return out;
  };
  auto when_true = [&](const std::string& suffix, const std::string& value) {
    std::string out;
    for (const auto& role : rim_roles) {
      out += std::string(out.empty() ? "" : ",") + "{\"when\":true,\"claim\":\"" + p + "." + role + "_rim_" + suffix +
             "\",\"op\":\"equals\",\"operand\":\"" + value + "\",\"id_suffix\":\"." + role + "\"}";
    }
    return out;
  };
  // certificateHold is tolerable for RIM signing certificates only (NVIDIA's allow_hold_cert);
  // a device certificate on hold is not offered.
  const std::string device_statuses = "[\"good\",\"revoked\",\"unknown\",\"missing\"]";
  const std::string statuses = "[\"good\",\"hold\",\"revoked\",\"unknown\",\"missing\"]";
  return
      R"({"name":"require_measurements_match","type":"bool","doc":"true: every golden measurement of the signed RIMs matches the report","rules":[{"when":true,"claim":")" + p + R"(.measurements","op":"equals","operand":"success"}]},)"
      R"({"name":"accepted_mismatch_indices","type":"string_list","doc":"accepted mismatch lists as )" + p + R"(.mismatch_indices reads (\"\" = none, \"9\" = index 9 only); use with require_measurements_match = false","rules":[{"claim":")" + p + R"(.mismatch_indices","op":"one_of","operand":"$value"}]},)"
      R"({"name":"require_secure_boot","type":"bool","doc":"true: secure boot, derived from the measurements","rules":[{"when":true,"claim":")" + p + R"(.secure_boot","op":"equals","operand":true}]},)"
      R"({"name":"require_debug_disabled","type":"bool","doc":"true: debug disabled, derived from the measurements","rules":[{"when":true,"claim":")" + p + R"(.debug_disabled","op":"equals","operand":true}]},)"
      R"({"name":"require_fwid_match","type":"bool","doc":"true: the report's FWID equals the certified one","rules":[{"when":true,"claim":")" + p + R"(.fwid_match","op":"equals","operand":true}]},)"
      R"({"name":"require_fwid_in_report","type":"bool","doc":"true: the report must state an FWID ; GPUs from opaque version 1, switches state none","rules":[{"when":true,"claim":")" + p + R"(.fwid_in_report","op":"equals","operand":true}]},)"
      R"({"name":"require_rim_signature","type":"bool","doc":"true: every RIM the report selects is present, signed and chained to the pinned NVIDIA root","rules":[)" + when_true("status", "verified") + R"(]},)"
      R"({"name":"accepted_rim_cert_status","type":"string_list","choices":["valid","expired","not_yet_valid"],"doc":"accepted states of the RIM signing chains at the verification time ; RIM certificates are short-lived, so expiry is a policy decision","rules":[)" + rules_over("cert_status", "one_of", "\"$value\"") + R"(]},)"
      R"({"name":"accepted_ocsp_status","type":"string_list","choices":)" + device_statuses + R"(,"doc":"accepted OCSP status of the device chain from collateral, missing when no response was supplied","rules":[{"claim":")" + p + R"(.cert_ocsp_status","op":"one_of","operand":"$value"}]},)"
      R"({"name":"accepted_rim_ocsp_status","type":"string_list","choices":)" + statuses + R"(,"doc":"accepted OCSP status of the RIM signing chains , hold being NVIDIA's allow_hold_cert","rules":[)" + rules_over("ocsp_status", "one_of", "\"$value\"") + R"(]},)"
      R"({"name":"min_cert_expiration","type":"int","min":0,"max":253402300799,"doc":"the device chain must stay valid at least until this time, in seconds since the epoch","rules":[{"claim":")" + p + R"(.cert_expiration","op":"min","operand":"$value"}]})";
}

std::string describe_document(const DescribeParts& d) {
  std::string claims = "[";
  for (std::size_t i = 0; i < d.claims.size(); ++i) {
    if (i) claims += ",";
    claims += "{\"name\":" + sdk::json_quote(d.claims[i].name) + ",\"type\":" + sdk::json_quote(d.claims[i].type) +
              ",\"doc\":" + sdk::json_quote(d.claims[i].doc) + ",\"scope\":\"record\"}";
  }
  claims += "]";
  std::string out = "{\"schema\":\"cchost.describe/v1\",\"namespace\":" + sdk::json_quote(d.ns) + ",\"name\":" + sdk::json_quote(d.name) +
                    ",\"version\":" + sdk::json_quote(d.version) + ",\"policy_section\":" + sdk::json_quote(d.section) +
                    ",\"evidence_formats\":[" + sdk::json_quote(d.evidence_format) + "]" +
                    ",\"binding\":{\"size\":32,\"carried_in\":\"the SPDM GET_MEASUREMENTS nonce of every device\",\"composite\":\"member\"}" +
                    ",\"record_classes\":[" + sdk::json_quote(d.record_class) + "]" +
                    ",\"capabilities\":{\"generate\":true,\"verify\":true,\"sim\":" + (d.sim ? "true" : "false") +
                    ",\"thread_safe_verify\":true},\"claims\":" + claims + ",\"knobs\":" + d.knobs_json + ",\"config\":" + d.config_json +
                    ",\"collateral\":" + d.collateral_json;
  if (!d.events_json.empty()) out += ",\"events\":" + d.events_json;
  return out + "}";
}

}  // namespace cchost::nv
