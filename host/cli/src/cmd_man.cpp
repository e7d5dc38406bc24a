// `cchost man --out DIR` (hidden): writes cchost.1 and one page per command (cchost-admin-status.1,
// ...), generated from the command definitions and cli_reference, so a page cannot describe an
// option that is gone. The build runs it (cmake/CchostManPages.cmake); `--check` only checks.
#include <iostream>

#include "cchost/manpage/example_check.hpp"
#include "cchost/manpage/man_page.hpp"
#include "cchost/manpage/write_pages.hpp"
#include "cli_reference.hpp"
#include "command_registry.hpp"

namespace cchost::cli {
namespace {

struct ManArgs {
  std::string out;
  bool check_only = false;
};

int run_man(const CLI::App& root, const ManArgs& args) {
  const bool writes = !args.out.empty();
  if (writes == args.check_only) {  // exactly one of the two
    std::cerr << "cchost man: give --out DIR, or --check\n";
    return kExitUsage;
  }
  const auto info = manual_info();
  // An example that names a command or option that does not exist fails the build here,
  // before a page that lies is written.
  const auto problems = manpage::example_problems(root, manual_for, info.program);
  for (const auto& problem : problems) std::cerr << "cchost man: " << problem << "\n";
  if (!problems.empty()) return kExitRejected;
  const auto pages = manpage::render_man_pages(root, manual_for, info);
  if (args.check_only) {
    std::cout << "cchost man: " << pages.size() << " commands, every one with examples that parse\n";
    return kExitOk;
  }
  if (auto written = manpage::write_man_pages(args.out, pages); !written) {
    std::cerr << "cchost man: " << written.message() << "\n";
    return kExitUsage;
  }
  std::cout << "cchost man: wrote " << pages.size() << " pages to " << args.out << "\n";
  return kExitOk;
}

const CommandRegistration registration{"9-man", [](CLI::App& app, auto& set_exit) {
  auto* cmd = app.add_subcommand("man", "write the man pages (cchost.1, cchost-COMMAND.1, ...) into a folder");
  cmd->group("");  // for the build and packagers, not a command operators need in --help
  auto args = std::make_shared<ManArgs>();
  cmd->add_option("--out", args->out, "the folder to write the pages into (created if missing)");
  cmd->add_flag("--check", args->check_only, "only check that every command has examples that parse");
  document(*cmd, {.examples = {{"cchost man --out build/man"}}});
  const CLI::App* root = &app;
  cmd->callback([root, args, &set_exit] { set_exit(run_man(*root, *args)); });
}};

}  // namespace
}  // namespace cchost::cli
