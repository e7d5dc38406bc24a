// ccprovision: project.toml -> signed startup kits (provision/README.md).
#include <iostream>

#include <CLI/CLI.hpp>

#include "ccprovision_manual.hpp"
#include "cchost/manpage/example_check.hpp"
#include "cchost/manpage/help_footer.hpp"
#include "cchost/manpage/man_page.hpp"
#include "cchost/manpage/write_pages.hpp"
#include "init_project.hpp"
#include "provisioner.hpp"

namespace {

// The page, from the definitions above and ccprovision_manual(); refused while an example names
// an option that does not exist.
int write_man_page(const CLI::App& app, const std::string& dir) {
  const auto lookup = [](const CLI::App&) { return cchost::provision::ccprovision_manual(); };
  const auto info = cchost::provision::ccprovision_manual_info();
  const auto problems = cchost::manpage::example_problems(app, lookup, info.program);
  for (const auto& problem : problems) std::cerr << "ccprovision --man: " << problem << "\n";
  if (!problems.empty()) return 1;
  if (auto written = cchost::manpage::write_man_pages(dir, cchost::manpage::render_man_pages(app, lookup, info));
      !written) {
    std::cerr << "ccprovision --man: " << written.message() << "\n";
    return 2;
  }
  std::cout << "ccprovision --man: wrote ccprovision.1 to " << dir << "\n";
  return 0;
}

}  // namespace

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
  app.add_flag("--force", options.force, "replace an existing --out folder");
  app.add_option("--add-site", add_site, "provision one more [[site]] of project.toml, keeping every key");
  app.add_option("--rotate", rotate,
                 "issue new keys for one provisioned [[site]] and rewrite its kit and the server's")
      ->excludes("--add-site");
  app.add_option("--plugin-dir", plugin_dir, "where the authorizer plugins are (default: <exe>/../plugins in a build tree, <exe>/../lib/cchost/plugins installed)");
  app.add_option("--state", state_dir, "key state folder (default: <out>/../<project>-state)");
  std::string man_dir;
  // Hidden: the build writes ccprovision.1 with it (cmake/CchostManPages.cmake).
  app.add_option("--man", man_dir, "write the man page ccprovision.1 into this folder and stop")->group("");
  app.footer([] { return cchost::manpage::help_footer(cchost::provision::ccprovision_manual(), "ccprovision", "provision/README.md"); });
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  if (!man_dir.empty()) return write_man_page(app, man_dir);
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
