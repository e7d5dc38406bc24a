#include "cli_conventions.hpp"

#include <vector>

#include "cchost/policy/vocabulary.hpp"

namespace cchost::cli {
namespace {

std::vector<CLI::App*> children(CLI::App& app) {
  return app.get_subcommands([](CLI::App*) { return true; });
}

// The option `name` ("--kit") of `app` or of one of its parents (they fall through).
const CLI::Option* find_option(CLI::App* app, const std::string& name) {
  for (; app != nullptr; app = app->get_parent()) {
    if (const CLI::Option* option = app->get_option_no_throw(name)) return option;
  }
  return nullptr;
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
      // An option: skip its value when it takes one and was not given as --opt=value.
      if (token.find('=') != std::string::npos) continue;
      const CLI::Option* option = find_option(at, token);
      if (option != nullptr && option->get_type_size() > 0) ++i;
      continue;
    }
    const auto subs = children(*at);
    if (subs.empty()) return std::nullopt;  // a positional argument of a leaf command
    CLI::App* next = nullptr;
    std::vector<std::string> names;
    for (CLI::App* sub : subs) {
      names.push_back(sub->get_name());
      if (sub->check_name(token)) next = sub;
    }
    if (next != nullptr) {
      at = next;
      continue;
    }
    // Commands that take positionals of their own besides subcommands are not second-guessed.
    if (at->get_require_subcommand_min() == 0) return std::nullopt;
    const auto near = policy::did_you_mean(token, names);
    std::string where = at == &app ? std::string("cchost") : "cchost " + at->get_name();
    std::string message = "unknown command \"" + token + "\" for \"" + where + "\"";
    if (near) message += " (did you mean \"" + *near + "\"?)";
    return message;
  }
  return std::nullopt;
}

}  // namespace cchost::cli
