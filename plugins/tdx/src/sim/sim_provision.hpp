#pragma once
// authorizer.h sim_provision for x-tdx: a simulated Intel PKI and its collateral under `dir`.
//   dir/trust/  sim_root.pem and the collateral folder layout (every kit's trust/x-tdx/)
//   dir/secret/ pck.key and pck_chain.pem: what the sim backend signs quotes with
// The root, CA and TCB Signing keys are never written: no kit can mint another PCK or re-sign
// collateral.
#include <filesystem>
#include <optional>
#include <string>

#include "cchost/result.hpp"
#include "sim/sim_pki.hpp"

namespace cchost::tdx::sim {

inline constexpr const char* kSimRootFile = "sim_root.pem";
inline constexpr const char* kPckKeyFile = "pck.key";
inline constexpr const char* kPckChainFile = "pck_chain.pem";

// Writes the layout under `dir` and returns the JSON answer (trust, secret, verifier_config,
// prover_config).
Result<std::string> provision_sim_ca(const std::filesystem::path& dir);

// The same files for tests, with the PKI options (revoked PCK, another FMSPC, short windows)
// under control; `dir` gets trust/ and secret/.
Status write_sim_ca(const std::filesystem::path& dir, const PkiOptions& pki, std::optional<std::array<std::uint8_t, 6>> tcb_info_fmspc = {});

}  // namespace cchost::tdx::sim
