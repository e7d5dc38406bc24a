#pragma once
// The claims of a verified NVIDIA token: one record per device, class "gpu" (claims gpu.*) or
// "nvswitch" (claims nvswitch.*), id = the device's ueid. Versions NVIDIA prints in hex pairs
// (VBIOS "96.00.A5.00.01") are strings; driver versions are "version" (dotted numeric). Lists
// (PDIs, mismatching indices) are sorted and comma-joined strings, so a policy compares them
// exactly. The names are the [gpu] / [nvswitch] vocabulary in each plugin's describe().
#include <ctime>
#include <string>
#include <vector>

#include "cchost/claims.hpp"
#include "verify/token_verifier.hpp"

namespace cchost::nv {

// The GPU's own PDI, read from its device identity certificate: NVIDIA writes it into the BROM
// certificate's serialNumber attribute after a two-digit prefix ("41" + 16 hex digits). Empty
// when the certificate does not have that form. (GPU reports do not state their own PDI, so this
// is what ties a switch's list of GPU PDIs to individual, attested GPUs.)
std::string certified_pdi(const DeviceIdentity& identity);

// "spt" | "mpt" | "ppcie" | "unknown" from FEATURE_FLAG, following NVIDIA's C++ SDK (0 = MPT,
// 1 = SPT, 2 = PPCIe; NVIDIA's Python tools swap 0 and 1). "unknown" when the report has none
// or its opaque data version is not 1.
std::string gpu_mode(const OpaqueData& opaque);

sdk::ClaimSet make_device_claims(const std::string& ns, DeviceClass device, const std::vector<DeviceVerdict>& verdicts);

}  // namespace cchost::nv
