#pragma once
// The raw path's evidence (NOTES §1, §6): what the SKR sidecar's POST /attest/combined returns,
// plus the two inputs a relying party needs beside it, in one JSON object:
//   {"evidence":         std base64 of the SNP report (1184 bytes)        (sidecar)
//    "endorsements":     std base64 of the VCEK, ASK and ARK PEMs (THIM)    (sidecar)
//    "uvm_endorsements": std base64 of the UVM endorsement COSE_Sign1       (sidecar)
//    "endorsed_tcb":     16 hex digits, the THIM tcbm (optional)            (sidecar)
//    "runtime_data":     std base64 of the runtime data the report commits to (cchost; optional
//                        for inspection, required for a binding)
//    "security_policy":  std base64 of the CCE policy, as /security-context-*/security-policy-base64}
// Parsing only; verify_raw.cpp checks it. Unknown members are refused.
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "cchost/bytes.hpp"
#include "cchost/crypto/x509.hpp"
#include "cchost/result.hpp"

namespace cchost::aci {

inline constexpr std::size_t kMaxRawEvidenceSize = 256 * 1024;

struct RawEvidence {
  Bytes report;
  std::vector<crypto::Certificate> certificates;  // as the endorsements PEM lists them
  std::optional<std::uint64_t> endorsed_tcb;      // tcbm read as a number: REPORTED_TCB
  Bytes uvm_endorsement;
  std::optional<Bytes> runtime_data;
  Bytes security_policy;
};

Result<RawEvidence> parse_raw_evidence(std::string_view json);

}  // namespace cchost::aci
