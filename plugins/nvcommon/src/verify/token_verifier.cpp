// Verifying an NVIDIA evidence list device by device (see token_verifier.hpp).
#include "verify/token_verifier.hpp"

#include <algorithm>
#include <map>
#include <string_view>

#include "cchost/crypto/encoding.hpp"
#include "evidence/evidence_list.hpp"
#include "trust/nvidia_roots.hpp"

namespace cchost::nv {
namespace {

std::vector<crypto::Certificate> anchors_of(const NvTrust& trust) {
  std::vector<crypto::Certificate> anchors{nvidia_device_identity_root()};
  anchors.insert(anchors.end(), trust.sim_device_roots.begin(), trust.sim_device_roots.end());
  return anchors;
}

}  // namespace

NvTokenVerifier::NvTokenVerifier(DeviceClass device, const NvTrust& trust, std::shared_ptr<const ReferenceChecker> references,
                                 std::shared_ptr<const OcspChecker> ocsp)
    : device_(device), chains_(anchors_of(trust)), references_(std::move(references)), ocsp_(std::move(ocsp)) {
  for (const auto& r : trust.sim_device_roots) sim_root_ders_.push_back(r.der());
}

Result<std::vector<DeviceVerdict>> NvTokenVerifier::verify(ByteView token, const DeviceCheckOptions& options, bool* malformed) const {
  if (malformed) *malformed = false;
  auto entries = parse_evidence_list(std::string_view(reinterpret_cast<const char*>(token.data()), token.size()));
  if (!entries) {
    if (malformed) *malformed = true;
    return entries.error();
  }
  std::vector<DeviceVerdict> out;
  out.reserve(entries->size());
  std::map<std::string, std::size_t> seen_ueids, seen_identities;
  for (std::size_t i = 0; i < entries->size(); ++i) {
    auto device = verify_device((*entries)[i], i, device_, chains_, options, malformed);
    if (!device) return device.error();
    if (i > 0 && device->report.request.nonce != out.front().device.report.request.nonce) {
      return make_error(device_label(device_, i) + ": answers nonce " + crypto::hex_encode(device->report.request.nonce) + ", " +
                        device_label(device_, 0) + " answers " + crypto::hex_encode(out.front().device.report.request.nonce) +
                        " (one token answers one challenge)");
    }
    auto [it, fresh] = seen_ueids.emplace(device->identity.ueid, i);
    if (!fresh) {
      return make_error(device_label(device_, i) + " repeats " + device_label(device_, it->second) + " (ueid " +
                        device->identity.ueid + "): each device may appear once");
    }
    // The leaf is per boot and firmware: one device can present two leaves under its one
    // device identity (BROM) certificate. Distinct devices have distinct identity certificates.
    const std::string identity = crypto::hex_encode(device->identity.certificates.at(1).sha256());
    auto [same, first_time] = seen_identities.emplace(identity, i);
    if (!first_time) {
      return make_error(device_label(device_, i) + " is the device " + device_label(device_, same->second) +
                        " already is (same device identity certificate \"" + device->identity.hwmodel +
                        "\", another attestation key): each device may appear once");
    }
    DeviceVerdict verdict;
    const Bytes root_der = device->identity.certificates.back().der();
    verdict.simulated = std::find(sim_root_ders_.begin(), sim_root_ders_.end(), root_der) != sim_root_ders_.end();
    if (references_) {
      verdict.references = references_->check(*device, options.at);
      // Golden values signed under a simulated RIM root make the appraisal simulated too, even
      // for a genuine device: whoever holds that key chooses what "matches" means.
      for (const auto& rim : verdict.references.rims) verdict.simulated = verdict.simulated || (rim.status == "verified" && rim.simulated);
    } else {
      // No reference checker configured: the RIMs the report selects are reported missing, so
      // a policy that requires them rejects (deny by default).
      for (auto& [role, id] : rim_ids_for(*device)) {
        RimOutcome rim;
        rim.role = role;
        rim.id = id;
        rim.detail = "no RIM store is configured";
        verdict.references.rims.push_back(std::move(rim));
      }
    }
    if (ocsp_) verdict.cert_ocsp_status = ocsp_->device_chain_status(device->identity, options.at);
    verdict.device = std::move(*device);
    out.push_back(std::move(verdict));
  }
  return out;
}

}  // namespace cchost::nv
