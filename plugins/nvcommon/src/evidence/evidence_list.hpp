#pragma once
// NVIDIA's serialized evidence list: the JSON NVIDIA's tools write and its remote service
// accepts, one entry per device:
//   [{"arch": "HOPPER", "nonce": "<64 hex>", "evidence": "<base64 SPDM report>",
//     "certificate": "<base64 of the PEM chain text, leaf first>"}, ...]
// This is the x-nv-gpu / x-nv-switch token, so evidence collected with NVIDIA's tools verifies
// here and ours can be sent to them. The decoder takes untrusted bytes: every field is checked
// for type and size before use; unknown fields are refused (deny by default). The unsigned
// hints NVIDIA's PPCIe tools add (driver_version, vbios_version, version) are checked as text
// and dropped: only the signed report says what a device runs.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cchost/bytes.hpp"
#include "cchost/result.hpp"

namespace cchost::nv {

struct EvidenceEntry {
  std::string arch;                // "HOPPER", "BLACKWELL", "LS10" (as written; checked later)
  std::optional<Bytes> nonce;      // the 32-byte nonce the collector used, when written
  Bytes report;                    // SPDM GET_MEASUREMENTS request || response (signed)
  std::string certificate_pem;     // the device chain as PEM text, leaf first
};

// Limits: a device report is at most 8 KiB (NVML's attestationReport buffer), a chain at most
// 5 KiB (attestationCertChain), and a token at most 64 devices.
inline constexpr std::size_t kMaxReportBytes = 0x2000;
inline constexpr std::size_t kMaxChainBytes = 0x1400;
inline constexpr std::size_t kMaxDevices = 64;
inline constexpr std::size_t kMaxEvidenceListBytes = 2u << 20;

Result<std::vector<EvidenceEntry>> parse_evidence_list(std::string_view json);
std::string write_evidence_list(const std::vector<EvidenceEntry>& entries);

}  // namespace cchost::nv
