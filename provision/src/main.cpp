// ccprovision: project.toml -> signed startup kits (provision/README.md).
#include <iostream>

#include <CLI/CLI.hpp>

#include "provisioner.hpp"

int main(int argc, char** argv) {
  cchost::provision::ProvisionOptions options;
  std::string add_site;
  std::string rotate;
  std::string plugin_dir;
  std::string state_dir;
  CLI::App app{"ccprovision: turn project.toml into one signed startup kit per participant"};
  app.add_option("--project", options.project, "the project description (project.toml)")->required();
  app.add_option("--out", options.out, "folder to create with one kit (and .tar.gz) per participant")
      ->required();
  app.add_flag("--force", options.force, "replace an existing --out folder");
  app.add_option("--add-site", add_site, "provision one more [[site]] of project.toml, keeping every key");
  app.add_option("--rotate", rotate,
                 "issue new keys for one provisioned [[site]] and rewrite its kit and the server's")
      ->excludes("--add-site");
  app.add_option("--plugin-dir", plugin_dir, "where the authorizer plugins are (default: <exe>/../plugins)");
  app.add_option("--state", state_dir, "key state folder (default: <out>/../<project>-state)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  if (!add_site.empty()) options.add_site = add_site;
  if (!rotate.empty()) options.rotate = rotate;
  if (!plugin_dir.empty()) options.plugin_dir = plugin_dir;
  if (!state_dir.empty()) options.state_dir = state_dir;

  auto outcome = cchost::provision::run_provision(options);
  if (outcome.exit_code == 0) {
    std::cout << outcome.message << "\n";
  } else {
    std::cerr << outcome.message << "\n";
  }
  return outcome.exit_code;
}
