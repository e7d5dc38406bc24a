#pragma once
// The simulated NVIDIA device CA hierarchy (sim backend, tests), shaped like NVIDIA's
// (NOTES.md §2): a self-signed P-384 root, an "Identity" CA, one "Provisioner ICA" per chip,
// and per device a BROM certificate (CN = the hwmodel) and an "FMC LF" attestation leaf that
// carries the FWID in extension 2.23.133.5.4.1 in the Hopper form. All ecdsa-with-SHA384,
// serial numbers 20 random bytes. Nothing here is trusted unless a policy pins this root and
// allows simulated evidence.
#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "cchost/bytes.hpp"
#include "cchost/result.hpp"
#include "spdm/opaque_data.hpp"
#include "cchost/verify/openssl_handles.hpp"

namespace cchost::nv::sim {

using DeviceClass = ::cchost::nv::DeviceClass;  // one enum for the sim and the verifier

inline constexpr const char* kSimDeviceRootCn = "cchost SIMULATED NVIDIA Device Identity CA";
inline constexpr const char* kFwidExtensionOid = "2.23.133.5.4.1";

using Fwid = std::array<std::uint8_t, 48>;

struct SimIssuer {
  vkit::EvpPkeyPtr key;
  vkit::X509Ptr cert;
};

// Root, Identity CA and both Provisioner ICAs (GH100 for GPUs, LS_10 for switches; NVIDIA's
// LS10 chains also hang below the GH100 Identity).
struct SimDevicePki {
  SimIssuer root;
  SimIssuer identity;
  SimIssuer gpu_ica;
  SimIssuer switch_ica;
};

// One device's identity: the BROM certificate and the attestation leaf with its key.
struct SimDeviceCert {
  SimIssuer brom;
  SimIssuer leaf;            // leaf.key signs the SPDM reports
  std::string chain_pem;     // leaf, BROM, ICA, Identity, root (5 certificates, as NVML returns)
};

Result<SimDevicePki> make_sim_device_pki();

// One certificate signed with ecdsa-with-SHA384 by `issuer` (nullptr: self-signed), with the
// extensions NVIDIA's certificates of that role carry. Devices (brom, leaf) get a serialNumber
// DN attribute and notAfter 9999-12-31; `key` is the subject key (fresh P-384 when null).
enum class SimCertRole {
  ca,      // CA:TRUE, keyCertSign+cRLSign, 30 years
  brom,    // CA:TRUE, keyCertSign (the per-chip device identity)
  leaf,    // keyUsage digitalSignature only (the FMC LF attestation key)
  signer,  // CA:FALSE, digitalSignature, 10 years (the RIM L4 signer)
};
Result<SimIssuer> make_sim_certificate(const std::vector<std::pair<std::string, std::string>>& subject,
                                       SimCertRole role, const SimIssuer* issuer, const Bytes* fwid_extension = nullptr,
                                       vkit::EvpPkeyPtr key = nullptr, const Bytes* serial = nullptr);

// `hwmodel` is the BROM CN ("GH100 A01 GSP BROM", "LS_10 A01 FSP BROM"); the leaf CN replaces
// its trailing "BROM" with "FMC LF". The leaf's FWID extension holds `fwid`.
// `own_pdi`: the device's PDI as a switch lists it (GPU) or as the switch reports its own
// (NVSwitch). NVIDIA writes it into the device identity (BROM) certificate: serial number and
// DN serialNumber are 0x41 || PDI for a GPU and 0x50 || PDI for a switch; the sim does the same,
// so a verifier can tie a switch's list of GPU PDIs to attested GPUs.
Result<SimDeviceCert> issue_sim_device(const SimDevicePki& pki, DeviceClass device_class,
                                       const std::string& hwmodel, const Fwid& fwid, const Pdi& own_pdi);

// The Hopper FWID extension value: SEQ{INTEGER 1, SubjectPublicKeyInfo(leaf key),
// SEQ{sha384 OID, OCTET STRING(fwid)}}; its last 48 bytes are the FWID.
Result<Bytes> hopper_fwid_extension(EVP_PKEY* leaf_key, const Fwid& fwid);

// PEM text of one certificate.
Result<std::string> certificate_pem_text(X509* cert);

// The ueid claim: the certificate's serial number in decimal.
Result<std::string> serial_decimal(X509* cert);

}  // namespace cchost::nv::sim
