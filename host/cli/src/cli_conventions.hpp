#pragma once
// What every subcommand gets without asking (docs/cli.md): global and parent options accepted
// anywhere after their command, as in git and kubectl, and a "did you mean" for a mistyped
// subcommand instead of CLI11's "A subcommand is required".
#include <CLI/CLI.hpp>
#include <optional>
#include <string>

namespace cchost::cli {

// Lets every subcommand below `app` take its parents' options too (`admin status --kit K`,
// `plugins list --log-level debug`).
void accept_options_anywhere(CLI::App& app);

// When argv names a subcommand that does not exist where one is expected, the message for it:
// `unknown command "verfy" (did you mean "verify"?)`; nullopt otherwise.
std::optional<std::string> unknown_command_message(CLI::App& app, int argc, char** argv);

}  // namespace cchost::cli
