// Verifying one NVIDIA device's evidence (see device_evidence.hpp).
#include "device/device_evidence.hpp"

#include <algorithm>

#include "cchost/crypto/encoding.hpp"
#include "cchost/crypto/signature.hpp"

namespace cchost::nv {
namespace {

bool starts_with(const std::string& s, std::string_view prefix) { return s.rfind(prefix, 0) == 0; }

Error fail(DeviceClass device, std::size_t index, const std::string& message) {
  return make_error(device_label(device, index) + ": " + message);
}

}  // namespace

std::string arch_of_hwmodel(const std::string& hwmodel) {
  if (starts_with(hwmodel, "GH100")) return "HOPPER";
  if (starts_with(hwmodel, "GB1") || starts_with(hwmodel, "GB2")) return "BLACKWELL";
  if (starts_with(hwmodel, "LS_10")) return "LS10";
  return {};
}

std::string device_label(DeviceClass device, std::size_t index) {
  return (device == DeviceClass::gpu ? "GPU " : "NVSwitch ") + std::to_string(index);
}

Result<VerifiedDevice> verify_device(const EvidenceEntry& entry, std::size_t index, DeviceClass device,
                                     const DeviceChainVerifier& chains, const DeviceCheckOptions& options, bool* malformed) {
  auto unreadable = [&](const std::string& message) {
    if (malformed) *malformed = true;
    return fail(device, index, message);
  };
  if (malformed) *malformed = false;
  VerifiedDevice out;
  out.device = device;
  out.index = index;

  const bool gpu_arch = entry.arch == "HOPPER" || entry.arch == "BLACKWELL";
  if (device == DeviceClass::gpu ? !gpu_arch : entry.arch != "LS10") {
    return fail(device, index, "architecture \"" + entry.arch + "\" is not " + (device == DeviceClass::gpu ? "HOPPER or BLACKWELL" : "LS10"));
  }
  out.arch = entry.arch;

  auto report = parse_spdm_report(entry.report);
  if (!report) return unreadable(report.message());
  out.report = std::move(*report);

  auto identity = chains.verify(entry.certificate_pem, options.at);
  if (!identity) return fail(device, index, identity.message());
  out.identity = std::move(*identity);

  // The leaf signs request || response up to the signature (ECDSA P-384, SHA-384, raw r || s).
  const ByteView signed_part(entry.report.data(), out.report.signed_length);
  if (auto s = crypto::verify_ecdsa_concat(out.identity.attestation_key, crypto::HashAlg::Sha384, signed_part,
                                           out.report.response.signature, crypto::Endian::Big);
      !s) {
    return fail(device, index, "the report's signature does not verify with the chain's leaf key: " + s.message());
  }

  auto opaque = parse_opaque_data(out.report.response.opaque, device);
  if (!opaque) return unreadable(opaque.message());
  out.opaque = std::move(*opaque);

  if (options.nonce) {
    if (!std::equal(options.nonce->begin(), options.nonce->end(), out.report.request.nonce.begin())) {
      return fail(device, index, "nonce mismatch: expected " + crypto::hex_encode(*options.nonce) + ", the report carries " +
                                     crypto::hex_encode(out.report.request.nonce));
    }
    out.nonce_checked = true;
  }

  // The FWID the report states must be the one the leaf certifies. A report without one (every
  // switch, older GPUs) has nothing to compare: NVIDIA's verifiers count that as a match.
  out.fwid_in_report = out.opaque.fwid.has_value();
  if (out.fwid_in_report) {
    if (!out.identity.fwid) return fail(device, index, "the report states an FWID but the leaf certificate carries none");
    if (*out.identity.fwid != *out.opaque.fwid) {
      return fail(device, index, "FWID mismatch: the leaf certifies " + crypto::hex_encode(*out.identity.fwid) +
                                     ", the report states " + crypto::hex_encode(*out.opaque.fwid));
    }
  }

  const std::string certified = arch_of_hwmodel(out.identity.hwmodel);
  if (certified != out.arch) {
    return fail(device, index, "architecture mismatch: the entry says " + out.arch + ", the device certificate \"" +
                                   out.identity.hwmodel + "\" is " + (certified.empty() ? "unknown" : certified));
  }
  return out;
}

}  // namespace cchost::nv
