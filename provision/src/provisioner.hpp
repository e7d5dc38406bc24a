#pragma once
// project.toml + state folder -> one signed kit (and .tar.gz) per participant under --out.
#include <filesystem>
#include <optional>
#include <string>

namespace cchost::provision {

struct ProvisionOptions {
  std::filesystem::path project;
  std::filesystem::path out;
  bool force = false;
  std::optional<std::string> add_site;
  // Issue new keys for one provisioned site (CURVE pair and audit key; the old ones move to
  // <state>/retired/) and rewrite its kit and the server's, which lists its public keys.
  std::optional<std::string> rotate;
  std::optional<std::filesystem::path> plugin_dir;  // default: <exe>/../plugins
  std::optional<std::filesystem::path> state_dir;   // default: <out>/../<project>-state
};

// Exit codes: 0 done, 2 bad input (project.toml, arguments, existing --out), 1 anything else.
struct ProvisionOutcome {
  int exit_code = 0;
  std::string message;  // the error for stderr, or the summary for stdout
};

ProvisionOutcome run_provision(const ProvisionOptions& options);

// <ccprovision>/../plugins: where the plugins are unless --plugin-dir says otherwise.
std::filesystem::path default_plugin_dir();

}  // namespace cchost::provision
