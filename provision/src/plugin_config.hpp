#pragma once
// The TOML config text written into participant.toml's [[authorizer]] config for one plugin.
// Paths in it are relative to the kit folder; the runtime resolves them (Kit::resolve).
#include <string>

#include "project_config.hpp"

namespace cchost::provision {

// backend = <backend>; in simulate mode with a sim CA for the namespace also
// sim_roots = ["trust/<ns>/sim_ark.pem"] and [sim] ca_dir = "sim/<ns>" (the latter only when
// the backend is "sim"); then the project's `args` table merged over it (args win, tables merge
// key by key).
std::string build_plugin_config(const AuthorizerSpec& spec, bool simulated_roots);

// Deep merge: keys of `over` replace those of `base`, except that two tables merge.
void merge_table(toml::table& base, const toml::table& over);

}  // namespace cchost::provision
