#include "cli_conventions.hpp"

#include <vector>

#include "cchost/manpage/command_tree.hpp"
#include "cchost/policy/vocabulary.hpp"

namespace cchost::cli {
namespace {

std::vector<CLI::App*> children(CLI::App& app) {
  return app.get_subcommands([](CLI::App*) { return true; });
}

}  // namespace

void accept_options_anywhere(CLI::App& app) {
  for (CLI::App* sub : children(app)) {
    sub->fallthrough();
    accept_options_anywhere(*sub);
  }
}

std::optional<std::string> unknown_command_message(CLI::App& app, int argc, char** argv) {
  CLI::App* at = &app;
  for (int i = 1; i < argc; ++i) {
    const std::string token = argv[i];
    if (token == "--") return std::nullopt;
    if (token.size() > 1 && token[0] == '-') {
      // An option: skip its values when it takes some and they are not attached (--opt=value).
      // A flag takes none, so the word after `--log-json` is still read as a command.
      if (token.find('=') != std::string::npos) continue;
      if (const CLI::Option* option = manpage::find_option_in_scope(*at, token)) i += manpage::values_taken(*option);
      continue;
    }
    const auto subs = children(*at);
    if (subs.empty()) return std::nullopt;  // a positional argument of a leaf command
    CLI::App* next = nullptr;
    std::vector<std::string> names;
    for (CLI::App* sub : subs) {
      if (!manpage::is_hidden(*sub)) names.push_back(sub->get_name());  // suggest only what --help lists
      if (sub->check_name(token)) next = sub;
    }
    if (next != nullptr) {
      at = next;
      continue;
    }
    // Commands that take positionals of their own besides subcommands are not second-guessed.
    if (at->get_require_subcommand_min() == 0) return std::nullopt;
    const auto near = policy::did_you_mean(token, names);
    const std::string where = manpage::command_line("cchost", manpage::path_of(*at));
    std::string message = "unknown command \"" + token + "\" for \"" + where + "\"";
    if (near) message += " (did you mean \"" + *near + "\"?)";
    return message;
  }
  return std::nullopt;
}

}  // namespace cchost::cli
