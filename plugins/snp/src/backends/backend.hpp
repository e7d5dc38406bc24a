#pragma once
// The evidence source of the SNP authorizer: a guest asks its backend for an ATTESTATION_REPORT
// bound to 64 bytes of report data. Real backends talk to the kernel (configfs-tsm, /dev/sev-guest);
// the sim backend signs byte-exact reports with a simulated AMD chain. The verifier never knows
// which one produced the evidence: the chain's root decides (simulated roots are opt-in).
#include <array>
#include <cstdint>
#include <memory>
#include <string_view>

#include <toml++/toml.h>  // toml++ 3.3 (Debian 12) ships toml.h

#include "cchost/bytes.hpp"
#include "cchost/result.hpp"

namespace cchost::snp {

// 1184-byte ATTESTATION_REPORT; GHCB cert table (NOTES §7), may be empty.
struct RawEvidence {
  Bytes report;
  Bytes cert_table;
};

class ReportBackend {
 public:
  virtual ~ReportBackend() = default;
  virtual std::string_view name() const = 0;  // "configfs-tsm" | "sev-guest" | "sim"
  virtual Result<RawEvidence> get_report(const std::array<std::uint8_t, 64>& report_data) = 0;
};

// `config` is the plugin's whole TOML config table: `backend = "auto"|"configfs-tsm"|"sev-guest"|"sim"`
// (default "auto"), `vmpl` (optional), and the `[sim]` table for the sim backend.
Result<std::unique_ptr<ReportBackend>> make_backend(const toml::table& config);

}  // namespace cchost::snp
