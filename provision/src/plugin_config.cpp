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

std::string build_plugin_config(const AuthorizerSpec& spec, bool simulated_roots) {
  toml::table config;
  config.insert("backend", spec.backend);
  if (simulated_roots) {
    const std::string trust = "trust/" + spec.ns + "/sim_ark.pem";
    config.insert("sim_roots", toml::array{trust});
    if (spec.backend == "sim") {
      config.insert("sim", toml::table{{"ca_dir", "sim/" + spec.ns}});
    }
  }
  merge_table(config, spec.args);
  std::ostringstream out;
  out << toml::toml_formatter(config, toml::format_flags::indentation);
  return out.str();
}

}  // namespace cchost::provision
