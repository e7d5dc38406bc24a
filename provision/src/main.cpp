// ccprovision: project.toml -> signed startup kits (provision/README.md).
#include <iostream>

#include <CLI/CLI.hpp>

#include "init_project.hpp"
#include "provisioner.hpp"

int main(int argc, char** argv) {
  cchost::provision::ProvisionOptions options;
  std::string add_site;
  std::string rotate;
  std::string plugin_dir;
  std::string state_dir;
  std::string init_dir;
  CLI::App app{"ccprovision: turn project.toml into one signed startup kit per participant"};
  auto* project = app.add_option("--project", options.project, "the project description (project.toml)");
  auto* out = app.add_option("--out", options.out, "folder to create with one kit (and .tar.gz) per participant");
  app.add_option("--init", init_dir,
                 "write a commented sample project (project.toml, policies/) into this folder and stop; it uses the "
                 "first plugin of --plugin-dir that can simulate evidence")
      ->excludes(project)
      ->excludes(out);
  app.footer("Examples:\n  ccprovision --init my-project\n  ccprovision --project my-project/project.toml --out kits");
  app.add_flag("--force", options.force, "replace an existing --out folder");
  app.add_option("--add-site", add_site, "provision one more [[site]] of project.toml, keeping every key");
  app.add_option("--rotate", rotate,
                 "issue new keys for one provisioned [[site]] and rewrite its kit and the server's")
      ->excludes("--add-site");
  app.add_option("--plugin-dir", plugin_dir, "where the authorizer plugins are (default: <exe>/../plugins in a build tree, <exe>/../lib/cchost/plugins installed)");
  app.add_option("--state", state_dir, "key state folder (default: <out>/../<project>-state)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  if (!init_dir.empty()) {
    auto outcome = cchost::provision::init_project(init_dir, plugin_dir.empty() ? std::nullopt
                                                                                 : std::optional<std::filesystem::path>(plugin_dir));
    (outcome.exit_code == 0 ? std::cout : std::cerr) << outcome.message << "\n";
    return outcome.exit_code;
  }
  if (options.project.empty() || options.out.empty()) {
    std::cerr << "ccprovision: --project and --out are required (or --init DIR for a sample project); see --help\n";
    return 2;
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
