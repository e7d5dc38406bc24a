#pragma once
// The x-tdx configuration table (describe() "config"), read strictly: unknown keys are errors.
#include <string>
#include <vector>

#include <toml++/toml.h>

#include "cchost/crypto/x509.hpp"

namespace cchost::tdx {

struct TdxPluginConfig {
  std::string backend = "auto";
  std::vector<crypto::Certificate> sim_roots;
  toml::table table;  // the whole table, paths made absolute (the backends read their keys)
};

// Throws std::invalid_argument naming the key for a bad configuration.
TdxPluginConfig parse_plugin_config(const std::string& text, const std::string& base_dir);

}  // namespace cchost::tdx
