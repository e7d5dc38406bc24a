#include "plugin_config.hpp"

#include <sstream>

namespace cchost::provision {

void merge_table(toml::table& base, const toml::table& over) {
  for (const auto& [key, node] : over) {
    toml::node* mine = base.get(key.str());
    if (mine != nullptr && mine->is_table() && node.is_table()) {
      merge_table(*mine->as_table(), *node.as_table());
    } else {
      base.insert_or_assign(key.str(), node);
    }
  }
}

namespace {

// The plugin's sim_provision() config keys (JSON) as TOML: strings, booleans, integers,
// arrays and tables, which is all a config can hold.
toml::table to_toml(const nlohmann::json& j);

toml::array to_toml_array(const nlohmann::json& j) {
  toml::array out;
  for (const auto& v : j) {
    if (v.is_string()) out.push_back(v.get<std::string>());
    else if (v.is_boolean()) out.push_back(v.get<bool>());
    else if (v.is_number_integer()) out.push_back(v.get<std::int64_t>());
    else if (v.is_object()) out.push_back(to_toml(v));
  }
  return out;
}

toml::table to_toml(const nlohmann::json& j) {
  toml::table out;
  for (const auto& [k, v] : j.items()) {
    if (v.is_string()) out.insert(k, v.get<std::string>());
    else if (v.is_boolean()) out.insert(k, v.get<bool>());
    else if (v.is_number_integer()) out.insert(k, v.get<std::int64_t>());
    else if (v.is_array()) out.insert(k, to_toml_array(v));
    else if (v.is_object()) out.insert(k, to_toml(v));
  }
  return out;
}

}  // namespace

std::string build_plugin_config(const AuthorizerSpec& spec, const nlohmann::json* sim, bool prover,
                                bool plugin_has_backend) {
  toml::table config;
  // Only a plugin that declares a `backend` key gets one (a strict third-party plugin would
  // refuse an injected key at start); one given explicitly was checked against the schema.
  if (spec.backend_given || (plugin_has_backend && !spec.backend.empty())) config.insert("backend", spec.backend);
  if (sim != nullptr) {
    // What the plugin said makes a context trust (or, for a prover, sign with) its simulated CA.
    if (sim->contains("verifier_config")) merge_table(config, to_toml((*sim)["verifier_config"]));
    if (prover && sim->contains("prover_config")) merge_table(config, to_toml((*sim)["prover_config"]));
  }
  merge_table(config, spec.args);
  std::ostringstream out;
  out << toml::toml_formatter(config, toml::format_flags::indentation);
  return out.str();
}

}  // namespace cchost::provision
