#include "cchost/manpage/example_check.hpp"

#include <algorithm>
#include <set>

#include "cchost/manpage/command_tree.hpp"

namespace cchost::manpage {
namespace {

bool is_assignment(const std::string& word) {
  const auto eq = word.find('=');
  return eq != std::string::npos && eq > 0 && word[0] != '-';
}

// Where the example lands and what it says there.
struct ExampleWalk {
  const CLI::App* reached = nullptr;
  std::set<const CLI::Option*> given;
  std::size_t positionals = 0;
  std::vector<std::string> problems;
};

ExampleWalk walk(const CLI::App& root, const std::vector<std::string>& words, std::size_t first,
                 std::string_view program) {
  ExampleWalk w;
  w.reached = &root;
  for (std::size_t i = first; i < words.size(); ++i) {
    const std::string& word = words[i];
    const std::string here = command_line(program, path_of(*w.reached));
    if (word == "--") break;
    if (word.size() > 1 && word[0] == '-') {
      const std::string name = word.substr(0, word.find('='));
      const CLI::Option* option = find_option_in_scope(*w.reached, name);
      if (option == nullptr) {
        w.problems.push_back("option " + name + " is not an option of \"" + here + "\"");
        continue;
      }
      w.given.insert(option);
      if (word.find('=') == std::string::npos) i += static_cast<std::size_t>(values_taken(*option));
      continue;
    }
    if (w.positionals == 0) {
      if (const CLI::App* sub = find_subcommand(*w.reached, word)) {
        w.reached = sub;
        continue;
      }
      if (w.reached->get_require_subcommand_min() > 0) {
        w.problems.push_back("\"" + word + "\" is not a command of \"" + here + "\"");
        return w;
      }
    }
    ++w.positionals;
  }
  return w;
}

// What the walk left out: a subcommand still needed, a required option or positional.
void check_complete(ExampleWalk& w, std::string_view program) {
  const std::string here = command_line(program, path_of(*w.reached));
  if (w.reached->get_require_subcommand_min() > 0) w.problems.push_back("\"" + here + "\" needs a command");
  std::size_t required_positionals = 0;
  for (const CLI::App* scope = w.reached; scope != nullptr; scope = scope->get_parent()) {
    for (const CLI::Option* option : scope->get_options()) {
      if (!option->get_required()) continue;
      if (option->get_positional()) {
        if (scope == w.reached) ++required_positionals;
      } else if (!w.given.contains(option)) {
        w.problems.push_back("\"" + here + "\" requires " + option->get_name());
      }
    }
  }
  if (w.positionals < required_positionals)
    w.problems.push_back("\"" + here + "\" takes " + std::to_string(required_positionals) + " argument(s), the example gives " +
                         std::to_string(w.positionals));
}

bool starts_with(const std::vector<std::string>& path, const std::vector<std::string>& prefix) {
  return path.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), path.begin());
}

}  // namespace

std::vector<std::string> shell_words(std::string_view line) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  char quote = 0;
  for (const char c : line) {
    if (quote != 0) {
      if (c == quote) {
        quote = 0;
      } else {
        word += c;
      }
    } else if (c == '\'' || c == '"') {
      quote = c;
      in_word = true;
    } else if (c == ' ' || c == '\t') {
      if (in_word) words.push_back(word);
      word.clear();
      in_word = false;
    } else {
      word += c;
      in_word = true;
    }
  }
  if (in_word) words.push_back(word);
  return words;
}

std::vector<std::string> example_problems(const CLI::App& root, const ManualLookup& lookup, std::string_view program) {
  std::vector<std::string> problems;
  for (const auto& node : visible_commands(root)) {
    const std::string documented = command_line(program, node.path);
    const CommandManual manual = lookup(*node.app);
    if (manual.examples.empty()) problems.push_back("\"" + documented + "\" has no example");
    for (const auto& example : manual.examples) {
      const auto words = shell_words(example.command);
      std::size_t first = 0;
      while (first < words.size() && is_assignment(words[first])) ++first;  // NAME=value cchost ...
      const std::string where = "example of \"" + documented + "\" (" + example.command + "): ";
      if (first >= words.size() || words[first] != program) {
        problems.push_back(where + "does not start with " + std::string(program));
        continue;
      }
      ExampleWalk w = walk(root, words, first + 1, program);
      if (w.problems.empty()) check_complete(w, program);
      if (w.problems.empty() && !starts_with(path_of(*w.reached), node.path))
        w.problems.push_back("it runs \"" + command_line(program, path_of(*w.reached)) + "\", not a command under \"" +
                             documented + "\"");
      for (const auto& p : w.problems) problems.push_back(where + p);
    }
  }
  return problems;
}

}  // namespace cchost::manpage
