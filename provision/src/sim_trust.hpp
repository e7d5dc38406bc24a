#pragma once
// Simulated vendor CAs for simulate mode, made by the plugins themselves through the ABI
// (authorizer.h sim_provision): the provisioner links no plugin code and knows no platform.
// A CA is generated once into the state folder (state/sim/<ns>/, with the plugin's answer in
// sim.json) and copied into kits: its public files into trust/<ns>/ (every kit, so every
// participant can verify simulated evidence), its secret files into sim/<ns>/ (only kits whose
// own authorizer proves with it), and the config keys the plugin named merged into configs.
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "cchost/result.hpp"
#include "state_store.hpp"

namespace cchost::provision {

// Creates state/sim/<ns>/ by asking the plugin `so` (its sim_provision()), unless an earlier
// run made it (then it is reused unchanged). The plugin must declare the "sim" capability.
Status ensure_sim_ca(const StateStore& state, const std::string& ns, const std::filesystem::path& so);

// The plugin's sim_provision() answer: {"trust":[..], "secret":[..], "verifier_config":{..},
// "prover_config":{..}}.
Result<nlohmann::json> sim_answer(const StateStore& state, const std::string& ns);

// <kit>/trust/<ns>/<each trust file>.
Status copy_sim_trust(const StateStore& state, const std::string& ns, const std::filesystem::path& kit_dir);
// <kit>/sim/<ns>/<each secret file> (*.key files 0600): what a simulated prover signs with.
Status copy_sim_ca(const StateStore& state, const std::string& ns, const std::filesystem::path& kit_dir);

}  // namespace cchost::provision
