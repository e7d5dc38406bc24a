#pragma once
// Simulated vendor CAs for simulate mode. They are generated once into the state folder and
// copied into kits: the public certificates into trust/<ns>/ (every kit, so every participant
// can verify simulated evidence), and the CA with its signing keys into sim/<ns>/ (only kits
// whose own authorizer uses the sim backend, which signs its own VCEK with them).
#include <filesystem>
#include <string>
#include <string_view>

#include "cchost/result.hpp"
#include "state_store.hpp"

namespace cchost::provision {

// The simulated AMD product used for x-snp (ARK/ASK names and the VCEK shape follow it).
inline constexpr std::string_view kSimSnpProduct = "Milan";

// True when this build can create a simulated CA for `ns` (x-snp needs cchost_snp_sim).
bool sim_ca_supported(std::string_view ns);

// Creates state/sim/<ns>/ unless it already exists (then it is reused unchanged).
Status ensure_sim_ca(const StateStore& state, const std::string& ns);

// <kit>/trust/<ns>/sim_ark.pem and sim_ask.pem.
Status copy_sim_trust(const StateStore& state, const std::string& ns,
                      const std::filesystem::path& kit_dir);
// <kit>/sim/<ns>/ark.pem, ask.pem and ask.key (0600): what the sim backend loads.
Status copy_sim_ca(const StateStore& state, const std::string& ns,
                   const std::filesystem::path& kit_dir);

}  // namespace cchost::provision
