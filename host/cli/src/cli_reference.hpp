#pragma once
// cchost's reference beyond its CLI11 definitions, in one place: the exit-code table, the
// environment variables cchost reads, and each command's examples and notes, which a command
// gives next to its definition (document()). Every --help footer and every man page
// (`cchost man`) is rendered from here, and docs/cli.md's tables are checked against it
// (tests/cli/cli_man_test.cpp).
#include <CLI/CLI.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "cchost/manpage/command_manual.hpp"

namespace cchost::cli {

// Its members are defaulted so that a command names only what it has: {.examples = {...}}.
struct CommandDoc {
  std::vector<manpage::Example> examples = {};
  // What each exit code means for this command (and the commands below it, unless they say
  // otherwise); empty: the shared table.
  std::vector<manpage::ExitCode> exit_codes = {};
  std::string notes = {};
};

// The exit codes every command shares (kExit* in command_registry.hpp) and what each means.
const std::vector<manpage::ExitCode>& exit_code_table();

// One entry of the shared table, for a command's own list: exit_code(kExitUnreachable).
manpage::ExitCode exit_code(int code);
// The same code with this command's meaning.
manpage::ExitCode exit_code(int code, std::string meaning);

// Every environment variable cchost reads (or its tests do), and what for.
const std::vector<manpage::EnvironmentVariable>& environment_table();

// Records the examples, exit codes and notes of `command`; once per command, where it is
// defined. Its --help footer shows them (install_help_footers).
void document(const CLI::App& command, CommandDoc doc);

// Records that `command` reads the variable `name` (one of environment_table(), or this throws:
// a variable read but not documented is a bug found at start, by every test).
void reads_environment(const CLI::App& command, std::string_view name);

// What the man page and --help of `command` say: its examples and notes, the exit codes of
// the nearest documented command at or above it (else the table), and the variables read by
// it, by a command above it or by one below it (the root: every variable).
manpage::CommandManual manual_for(const CLI::App& command);

// The page set's name, version and the defaults described rather than printed.
manpage::ManualInfo manual_info();

// Gives every command of the tree its footer (rendered when --help asks, so whatever is
// documented after this call shows too). A footer a command set itself moves into its notes.
void install_help_footers(CLI::App& root);

}  // namespace cchost::cli
