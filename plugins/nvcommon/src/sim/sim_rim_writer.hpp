#pragma once
// Simulated RIMs (NOTES.md §5): a RIM signing hierarchy shaped like NVIDIA's (CoRIM signing root
// → Reference Value CA → L3 → "RIM L4 Signer", P-384, ecdsa-with-SHA384) and ISO 19770-2 SWID
// documents for the driver, the VBIOS and the switch BIOS, signed as enveloped XMLDSig with
// libxmlsec1 in NVIDIA's profile: ecdsa-sha384, xmldsig-more#sha384, C14N 1.1 for SignedInfo and
// the reference, the enveloped-signature transform, Reference URI="", and KeyInfo/X509Data with
// the L4, L3, CA and root certificates (leaf first; NVIDIA's RIMs carry the root too, and a
// verifier must pin its own). The same verifier accepts genuine and simulated RIMs.
#include <cstddef>
#include <string>
#include <vector>

#include "cchost/result.hpp"
#include "sim/sim_device_pki.hpp"
#include "sim/sim_device_spec.hpp"

namespace cchost::nv::sim {

inline constexpr const char* kSimRimRootCn = "cchost SIMULATED NVIDIA CoRIM signing Root CA";
inline constexpr std::size_t kRimResources = 64;  // every NVIDIA RIM lists indices 0..63

struct SimRimPki {
  SimIssuer root, ca, l3, l4;  // l4.key signs RIMs
};

Result<SimRimPki> make_sim_rim_pki();

struct RimMeasurement {
  std::size_t index = 0;                    // RIM index i (SPDM block Index i+1)
  std::vector<Digest384> alternatives;      // Hash0.. (at least one)
};

struct RimDocument {
  std::string id;                   // e.g. NV_GPU_DRIVER_GH100_580.159.03 (the store file name)
  std::string product;              // "GH100" / "LS10": SoftwareIdentity@name, Meta@product
  std::string edition;              // "GPU" / "SWITCH"
  std::string colloquial_version;   // the device's driver / VBIOS / BIOS version
  std::vector<RimMeasurement> active;  // active="True" entries; every other index 0..63 inactive
};

// RIM ids (NOTES §5).
std::string driver_rim_id(const std::string& driver_version);  // NV_GPU_DRIVER_GH100_{driver}
std::string vbios_rim_id(const SimDeviceSpec& gpu);            // NV_GPU_VBIOS_{PROJECT}_{SKU}_{CHIP_SKU}_{VBIOS}
std::string switch_bios_rim_id(const std::string& bios_version); // NV_SWITCH_BIOS_5612_0002_890_{BIOS}

// The RIMs describing `spec`'s golden values: for a GPU the driver RIM (indices in
// `driver_indices`) and the VBIOS RIM (`vbios_indices`); for a switch the BIOS RIM (every
// block). Hash0 of index i = spec.measurements[i].
Result<std::vector<RimDocument>> rims_for_device(const SimDeviceSpec& spec, const std::vector<std::size_t>& driver_indices,
                                                 const std::vector<std::size_t>& vbios_indices);

// The unsigned SWID XML.
Result<std::string> write_rim_xml(const RimDocument& doc);

// Appends the enveloped XMLDSig to `xml` (a SoftwareIdentity document), signed by pki.l4.
Result<std::string> sign_rim_xml(const std::string& xml, const SimRimPki& pki);

inline Result<std::string> write_signed_rim(const RimDocument& doc, const SimRimPki& pki) {
  auto xml = write_rim_xml(doc);
  if (!xml) return xml.error();
  return sign_rim_xml(*xml, pki);
}

}  // namespace cchost::nv::sim
