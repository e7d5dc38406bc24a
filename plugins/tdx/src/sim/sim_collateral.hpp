#pragma once
// Signed TCB Info / QE Identity for the simulated platform, in PCS wire format, plus the
// whole collateral folder layout (collateral.hpp) written next to them.
#include <ctime>
#include <filesystem>
#include <optional>

#include "sim/sim_pki.hpp"

namespace cchost::tdx::sim {

// The TDX side of the simulated platform: what its quotes carry and its TCB Info accepts.
inline constexpr std::array<std::uint8_t, 16> kSimTeeTcbSvn{5, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
inline constexpr std::uint16_t kSimQeSvn = 8;
inline constexpr std::uint16_t kSimQeProdId = 2;

struct CollateralOptions {
  std::time_t now = 0;
  long validity_days = 365;
  std::optional<std::array<std::uint8_t, 6>> fmspc;  // TCB Info for another FMSPC (attack tests)
};

Result<std::string> signed_tcb_info(const SimPki& pki, const PckPlatform& platform, const CollateralOptions& o);
Result<std::string> signed_qe_identity(const SimPki& pki, const CollateralOptions& o);
// TCB Info, QE Identity, both issuer chains and both CRLs, as collateral.hpp's files.
Status write_collateral_dir(const std::filesystem::path& dir, const SimPki& pki, const PckPlatform& platform,
                            const CollateralOptions& o);

}  // namespace cchost::tdx::sim
