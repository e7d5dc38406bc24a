#include "verify_raw.hpp"

#include "cchost/crypto/encoding.hpp"
#include "cchost/crypto/hash.hpp"
#include "json_strict.hpp"
#include "raw_evidence.hpp"
#include <algorithm>

namespace cchost::aci {
namespace {

constexpr const char* kUvmFeed = "ContainerPlat-AMD-UVM";

AciFailure from_snp(const snp::ChainFailure& f) {
  switch (f.kind) {
    case snp::FailureKind::Malformed: return malformed("ACI raw evidence SNP report: " + f.message);
    case snp::FailureKind::Collateral: return collateral_error("ACI raw evidence SNP report: " + f.message);
    case snp::FailureKind::VerifyFailed: break;
  }
  return verify_failed("ACI raw evidence SNP report: " + f.message);
}

// The THIM certificates by role: AMD names them by CN (ARK-<line>, SEV-<line>, SEV-VCEK,
// SEV-VLEK-<line>, SEV-VLEK). Which role a certificate takes decides nothing about trust: the
// SNP verifier anchors at its pinned ARK.
Result<snp::Collateral> collateral_of(const std::vector<crypto::Certificate>& certs) {
  snp::Collateral c;
  for (const auto& cert : certs) {
    const std::string cn = cert.subject_cn();
    std::optional<crypto::Certificate>* slot = nullptr;
    if (cn == "SEV-VCEK") slot = &c.vcek;
    else if (cn == "SEV-VLEK") slot = &c.vlek;
    else if (cn.rfind("ARK-", 0) == 0) slot = &c.ark;
    else if (cn.rfind("SEV-VLEK-", 0) == 0) slot = &c.asvk;
    else if (cn.rfind("SEV-", 0) == 0) slot = &c.ask;
    if (!slot) return make_error("ACI raw evidence endorsements: unexpected certificate CN \"" + cn + "\"");
    if (*slot) return make_error("ACI raw evidence endorsements: two certificates with CN \"" + cn + "\"");
    *slot = cert;
  }
  return c;
}

void add_report_claims(const snp::SnpReport& r, snp::Product product, AciClaims& c) {
  c.strings["aci.attestation_type"] = "sevsnpvm";
  c.hexes["aci.host_data"] = Bytes(r.host_data.begin(), r.host_data.end());
  c.hexes["aci.launch_measurement"] = Bytes(r.measurement.begin(), r.measurement.end());
  c.bools["aci.debuggable"] = r.policy.debug;
  c.bools["aci.migration_allowed"] = r.policy.migrate_ma;
  c.bools["aci.smt_allowed"] = r.policy.smt;
  c.ints["aci.vmpl"] = r.vmpl;
  c.ints["aci.guest_svn"] = r.guest_svn;
  c.hexes["aci.report_data"] = Bytes(r.report_data.begin(), r.report_data.end());
  c.hexes["aci.report_id"] = Bytes(r.report_id.begin(), r.report_id.end());
  c.hexes["aci.id_key_digest"] = Bytes(r.id_key_digest.begin(), r.id_key_digest.end());
  c.hexes["aci.author_key_digest"] = Bytes(r.author_key_digest.begin(), r.author_key_digest.end());
  c.hexes["aci.family_id"] = Bytes(r.family_id.begin(), r.family_id.end());
  c.hexes["aci.image_id"] = Bytes(r.image_id.begin(), r.image_id.end());
  const auto tcb = snp::decode_tcb(r.reported_tcb, product);
  c.ints["aci.reported_tcb.bootloader"] = tcb.bootloader;
  c.ints["aci.reported_tcb.tee"] = tcb.tee;
  c.ints["aci.reported_tcb.snp"] = tcb.snp;
  c.ints["aci.reported_tcb.microcode"] = tcb.microcode;
}

}  // namespace

std::variant<AciClaims, AciFailure> verify_raw_evidence(std::string_view json, snp::SnpVerifier& snp_verifier,
                                                        UvmEndorsementCache& uvm_cache, const RawVerifyOptions& options) {
  if (options.at <= 0) return verify_failed("ACI raw verify: a verification time is required");
  auto evidence = parse_raw_evidence(json);
  if (!evidence) return malformed(evidence.message());
  if (options.expected_binding && !evidence->runtime_data) {
    return verify_failed("ACI raw evidence: no runtime_data, so it carries no binding");
  }
  auto collateral = collateral_of(evidence->certificates);
  if (!collateral) return malformed(collateral.message());

  // The SNP plugin's verifier, unchanged: REPORT_DATA must be SHA-256(runtime data) || 0^32 (the
  // sidecar's construction) whenever the runtime data is given.
  snp::VerifyOptions snp_options;
  snp_options.at = static_cast<std::time_t>(options.at);
  snp_options.sim_roots = options.snp_sim_roots;
  if (evidence->runtime_data) snp_options.expected_report_data = report_data_for(*evidence->runtime_data);
  auto verified = snp_verifier.verify(evidence->report, std::move(*collateral), snp_options);
  if (auto* f = std::get_if<snp::ChainFailure>(&verified)) return from_snp(*f);
  const auto& report = std::get<snp::VerifiedReport>(verified);

  if (evidence->endorsed_tcb && *evidence->endorsed_tcb != report.report.reported_tcb) {
    return verify_failed("ACI raw evidence: endorsed_tcb (THIM tcbm) " + std::to_string(*evidence->endorsed_tcb) +
                         " differs from REPORTED_TCB " + std::to_string(report.report.reported_tcb) +
                         ": the endorsements are for another TCB");
  }
  // HOST_DATA is SHA-256 of the CCE policy the UVM enforces: the container group's identity.
  const Bytes policy_hash = crypto::sha256(evidence->security_policy);
  if (!std::equal(policy_hash.begin(), policy_hash.end(), report.report.host_data.begin())) {
    return verify_failed("ACI raw evidence: HOST_DATA must be SHA-256(security_policy): expected " +
                         crypto::hex_encode(policy_hash) + ", got " + crypto::hex_encode(report.report.host_data));
  }
  auto uvm = uvm_cache.verify(evidence->uvm_endorsement, options.uvm_roots, options.at);
  if (!uvm) return verify_failed(uvm.message());
  if (options.expected_binding) {
    const auto& rt = *evidence->runtime_data;
    auto runtime = parse_json_object(std::string_view(reinterpret_cast<const char*>(rt.data()), rt.size()),
                                     "ACI runtime data");
    if (!runtime) return verify_failed(runtime.message());
    if (auto s = check_binding(*runtime, *options.expected_binding); !s) {
      return verify_failed("ACI runtime data " + s.message());
    }
  }

  AciClaims c;
  c.evidence_path = "raw";
  c.simulated = report.simulated || uvm->simulated;
  add_report_claims(report.report, report.product, c);
  c.ints["aci.uvm_svn"] = uvm->svn;
  c.hexes["aci.uvm_launch_measurement"] = uvm->launch_measurement;
  c.strings["aci.uvm_feed"] = uvm->feed;
  c.strings["aci.uvm_issuer"] = uvm->issuer;
  // What MAA's "azure-compliant-uvm" asserts, established here without MAA: a UVM that
  // Microsoft's supply chain endorsed on the ACI feed, whose measurement is the one launched.
  const Bytes& launched = c.hexes["aci.launch_measurement"];
  if (uvm->feed == kUvmFeed && uvm->launch_measurement == launched) {
    c.strings["aci.compliance_status"] = "azure-compliant-uvm";
  }
  return c;
}

}  // namespace cchost::aci
