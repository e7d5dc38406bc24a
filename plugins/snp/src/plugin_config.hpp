#pragma once
// The x-snp plugin's TOML configuration (README.md "Configuration").
#include <optional>
#include <string>
#include <vector>

#include <toml++/toml.h>

#include "cchost/crypto/x509.hpp"
#include "report.hpp"

namespace cchost::snp {

struct SnpPluginConfig {
  std::string backend = "auto";                // evidence source for generate()
  std::optional<Product> product;              // product line of v2 reports (no CPUID fields)
  bool require_crl = false;                    // verify() fails without a CRL in the collateral
  std::vector<crypto::Certificate> sim_roots;  // simulated ARKs trusted (claims marked simulated)
  toml::table table;                           // the whole table, for make_backend()
};

// Throws std::invalid_argument naming the offending key for anything unknown or ill-typed:
// a typo in a security setting must not silently fall back to a default.
// Relative paths (sim_roots entries, [sim] ca_dir) resolve against `base_dir` (the host's
// services: the kit folder), never against the working directory.
SnpPluginConfig parse_plugin_config(const std::string& toml_text, const std::string& base_dir = {});

}  // namespace cchost::snp
