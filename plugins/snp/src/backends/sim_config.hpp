#pragma once
// The `[sim]` table of the SNP plugin's config (documented in src/sim/README-sim.md) turned into
// the fields of the reports the sim backend signs.
#include <filesystem>
#include <optional>

#include <toml++/toml.h>

#include "cchost/result.hpp"
#include "sim/sim_report_fields.hpp"

namespace cchost::snp {

struct SimBackendConfig {
  std::filesystem::path ca_dir;         // ark.pem, ask.pem, ask.key from create_sim_ca
  bool create_ca_if_missing = false;    // tests and demos only
  sim::SimReportFields fields;          // report_data is filled per request
  bool report_id_given = false;         // else the backend draws a random REPORT_ID
};

// Strict: unknown keys, wrong types, out-of-range numbers and wrong hex lengths are errors naming
// the key. `plugin_vmpl` is the top-level `vmpl`, used when `[sim] vmpl` is absent.
Result<SimBackendConfig> parse_sim_config(const toml::table& sim,
                                          std::optional<std::uint32_t> plugin_vmpl);

}  // namespace cchost::snp
