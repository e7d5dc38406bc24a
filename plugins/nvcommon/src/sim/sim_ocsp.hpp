#pragma once
// The simulated NVIDIA OCSP responder: at provisioning, while the simulated CA keys exist, each
// CA signs a "good" OCSP response for every certificate it issued that NVIDIA's verifiers query
// (device chains: BROM, provisioner ICA, identity CA; RIM chains: L4, L3, CA). The responses go
// into the kit's trust folder beside the RIMs, so a verifier checks OCSP offline for simulated
// evidence exactly as for genuine evidence with pre-fetched responses.
#include <ctime>

#include "cchost/bytes.hpp"
#include "cchost/result.hpp"
#include "sim/sim_device_pki.hpp"

namespace cchost::nv::sim {

// One DER OCSPResponse: `cert` (issued by `issuer`) is good, signed by the issuer itself,
// SHA-1 CertID as NVIDIA's responder uses, thisUpdate = now - 1 day, nextUpdate = now + `years`.
Result<Bytes> sim_ocsp_good(X509* cert, const SimIssuer& issuer, int years);

}  // namespace cchost::nv::sim
