#pragma once
// The TOML config text written into participant.toml's [[authorizer]] config for one plugin.
// Paths in it are relative to the kit folder; the runtime resolves them (Kit::resolve).
#include <string>

#include <nlohmann/json.hpp>

#include "project_config.hpp"

namespace cchost::provision {

// backend = <backend> (see below); in simulate mode the config keys the plugin's sim_provision() answer
// names (`sim`: its verifier_config, plus its prover_config when `prover`); then the project's
// `args` table merged over it (args win, tables merge key by key).
// `plugin_has_backend`: the plugin's config schema declares `backend` (else it is written only
// when the project gives it, and then it was checked against the schema).
std::string build_plugin_config(const AuthorizerSpec& spec, const nlohmann::json* sim, bool prover,
                                bool plugin_has_backend);

// Deep merge: keys of `over` replace those of `base`, except that two tables merge.
void merge_table(toml::table& base, const toml::table& over);

}  // namespace cchost::provision
