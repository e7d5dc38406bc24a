// Turning verified NVIDIA devices into claim records (see device_claims.hpp).
#include "verify/device_claims.hpp"

#include <algorithm>
#include <set>

#include <openssl/objects.h>
#include <openssl/x509.h>

namespace cchost::nv {
namespace {

std::string joined(const std::set<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ",") + s;
  return out;
}

std::string joined(const std::vector<unsigned>& items) {
  std::string out;
  for (unsigned i : items) out += (out.empty() ? "" : ",") + std::to_string(i);
  return out;
}

void add_reference_claims(sdk::ClaimRecord& r, const std::string& p, const ReferenceOutcome& refs) {
  r.add_string(p + ".measurements", refs.measurements);
  r.add_string(p + ".mismatch_indices", joined(refs.mismatch_indices));
  r.add_int(p + ".mismatch_count", static_cast<std::int64_t>(refs.mismatch_indices.size()));
  // NVIDIA derives these two from the comparison (not read from hardware): the measured boot
  // matched signed reference values, so secure boot held and no debug firmware ran.
  r.add_bool(p + ".secure_boot", refs.measurements == "success");
  r.add_bool(p + ".debug_disabled", refs.measurements == "success");
  r.add_string(p + ".oemid", refs.oemid);
  for (const auto& rim : refs.rims) {
    const std::string k = p + "." + rim.role + "_rim";
    r.add_string(k + "_id", rim.id);
    r.add_string(k + "_status", rim.status);
    r.add_string(k + "_cert_status", rim.cert_status.empty() ? "unchecked" : rim.cert_status);
    r.add_string(k + "_ocsp_status", rim.ocsp_status);
  }
}

}  // namespace

std::string certified_pdi(const DeviceIdentity& identity) {
  if (identity.certificates.size() < 2) return {};
  const X509_NAME* name = X509_get_subject_name(identity.certificates[1].get());
  const int at = X509_NAME_get_index_by_NID(name, NID_serialNumber, -1);
  if (at < 0) return {};
  const ASN1_STRING* value = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, at));
  const std::string s(reinterpret_cast<const char*>(ASN1_STRING_get0_data(value)), static_cast<std::size_t>(ASN1_STRING_length(value)));
  if (s.size() != 18 || !std::all_of(s.begin(), s.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); })) return {};
  std::string pdi = s.substr(2);
  std::transform(pdi.begin(), pdi.end(), pdi.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return pdi;
}

std::string gpu_mode(const OpaqueData& opaque) {
  // FEATURE_FLAG is defined for opaque data version 1; a later layout may mean something else
  // by it (NVIDIA's SDK refuses such reports), so it names no mode.
  if (!opaque.feature_flag || opaque.opaque_data_version != 1) return "unknown";
  switch (*opaque.feature_flag) {
    case 0: return "mpt";
    case 1: return "spt";
    case 2: return "ppcie";
    default: return "unknown";
  }
}

sdk::ClaimSet make_device_claims(const std::string& ns, DeviceClass device, const std::vector<DeviceVerdict>& verdicts) {
  const bool gpu = device == DeviceClass::gpu;
  const std::string p = gpu ? "gpu" : "nvswitch";
  sdk::ClaimSet set(ns, p);
  bool simulated = false;
  for (const auto& v : verdicts) {
    simulated = simulated || v.simulated;
    const VerifiedDevice& d = v.device;
    const OpaqueData& o = d.opaque;
    auto& r = set.add_record(p, static_cast<std::uint32_t>(d.index), d.identity.ueid);
    r.add_string(p + ".arch", d.arch);
    r.add_string(p + ".hwmodel", d.identity.hwmodel);
    r.add_string(p + ".ueid", d.identity.ueid);
    if (d.identity.fwid) r.add_hex(p + ".fwid", *d.identity.fwid);
    // NVIDIA's verifiers count a report without an FWID entry as matching; so do we, and say
    // which case it was.
    r.add_bool(p + ".fwid_match", true);
    r.add_bool(p + ".fwid_in_report", d.fwid_in_report);
    r.add_bool(p + ".nonce_match", d.nonce_checked);
    r.add_int(p + ".cert_expiration", static_cast<std::int64_t>(d.identity.expiration));
    r.add_string(p + ".cert_ocsp_status", v.cert_ocsp_status);
    add_reference_claims(r, p, v.references);
    if (gpu) {
      if (o.driver_version) r.add_version("gpu.driver_version", *o.driver_version);
      r.add_string("gpu.vbios_version", o.vbios_version.value_or(""));
      r.add_string("gpu.project", o.project.value_or(""));
      r.add_string("gpu.project_sku", o.project_sku.value_or(""));
      r.add_string("gpu.chip_sku", o.chip_sku.value_or(""));
      if (o.chip_info) r.add_string("gpu.chip_info", *o.chip_info);
      r.add_string("gpu.pdi", certified_pdi(d.identity));
      std::set<std::string> pdis;
      for (const auto& s : o.switch_pdis) pdis.insert(pdi_hex(s));
      r.add_string("gpu.switch_pdis", joined(pdis));
      r.add_string("gpu.mode", gpu_mode(o));
      r.add_int("gpu.feature_flag", o.feature_flag ? static_cast<std::int64_t>(*o.feature_flag) : -1);
      r.add_int("gpu.opaque_data_version", static_cast<std::int64_t>(o.opaque_data_version));
      r.add_bool("gpu.protected_pcie", o.protected_pcie_status.value_or(0) == 0xAA);
      r.add_bool("gpu.nvdec0_enabled", o.nvdec0_status.value_or(0) == 0xAA);
      r.add_bool("gpu.rim_index_conflict", v.references.index_conflict);
    } else {
      r.add_string("nvswitch.bios_version", o.vbios_version.value_or(""));
      r.add_string("nvswitch.pdi", o.device_pdi ? pdi_hex(*o.device_pdi) : "");
      std::set<std::string> pdis;
      for (const auto& g : o.gpu_pdis) pdis.insert(pdi_hex(g));
      r.add_string("nvswitch.gpu_pdis", joined(pdis));
      r.add_int("nvswitch.position", o.switch_position_id ? *o.switch_position_id : -1);
    }
  }
  set.set_simulated(simulated);
  return set;
}

}  // namespace cchost::nv
