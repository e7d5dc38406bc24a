#pragma once
// Reading a CLI11 command tree as its user sees it: which commands are visible, what each is
// called on the command line and as a page, and which tokens of a command line an option
// consumes. Shared by the page generator, the example check and cchost's "did you mean".
#include <CLI/CLI.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace cchost::manpage {

struct CommandNode {
  std::vector<std::string> path;  // {} for the root, {"admin", "status"}
  const CLI::App* app = nullptr;
};

// A command or option in group "" is hidden from --help (CLI11's convention); it gets no page.
bool is_hidden(const CLI::App& command);
bool is_hidden(const CLI::Option& option);

// The visible subcommands of `command`, in the order they were defined.
std::vector<const CLI::App*> visible_subcommands(const CLI::App& command);

// `root` and every visible command below it, depth first, parents before their children.
std::vector<CommandNode> visible_commands(const CLI::App& root);

// The names from below the root down to `command`: {"admin", "status"}.
std::vector<std::string> path_of(const CLI::App& command);

// "cchost admin status" and "cchost-admin-status".
std::string command_line(std::string_view program, const std::vector<std::string>& path);
std::string page_name(std::string_view program, const std::vector<std::string>& path);

// The option `name` ("--kit", "-h") of `command` or of one of its ancestors: a subcommand that
// falls through takes its parents' options too.
const CLI::Option* find_option_in_scope(const CLI::App& command, std::string_view name);

// How many following tokens `option` consumes when its value is not attached (--opt=value):
// none for a flag, else at least one. A flag is an option that expects no value, whatever its
// type (CLI11 keeps a type size of 1 for a bool flag).
int values_taken(const CLI::Option& option);

// The visible subcommand of `command` called `name` (or an alias of it), or nullptr.
const CLI::App* find_subcommand(const CLI::App& command, std::string_view name);

}  // namespace cchost::manpage
