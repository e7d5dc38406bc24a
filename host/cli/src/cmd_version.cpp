// `cchost version`: the host version and the plugin ABI it speaks.
#include <iostream>

#include "cchost/authorizer.h"
#include "cli_reference.hpp"
#include "command_registry.hpp"

namespace cchost::cli {
namespace {

const CommandRegistration registration{"0-version", [](CLI::App& app, auto& set_exit) {
  auto* cmd = app.add_subcommand("version", "print the cchost version and plugin ABI");
  document(*cmd, {.examples = {{"cchost version"}}, .exit_codes = {exit_code(kExitOk, "ok")}});
  cmd->callback([&set_exit] {
    std::cout << "cchost " << CCHOST_VERSION << " (authorizer ABI " << CCHOST_AUTHORIZER_ABI_MAJOR
              << "." << CCHOST_AUTHORIZER_ABI_MINOR << ")\n";
    set_exit(kExitOk);
  });
}};

}  // namespace
}  // namespace cchost::cli
