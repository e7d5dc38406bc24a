#include "cchost/manpage/command_tree.hpp"

#include <algorithm>

namespace cchost::manpage {

bool is_hidden(const CLI::App& command) { return command.get_group().empty(); }
bool is_hidden(const CLI::Option& option) { return option.get_group().empty(); }

std::vector<const CLI::App*> visible_subcommands(const CLI::App& command) {
  return command.get_subcommands([](const CLI::App* sub) { return !is_hidden(*sub); });
}

namespace {

void collect(const CLI::App& command, std::vector<std::string> path, std::vector<CommandNode>& out) {
  out.push_back({path, &command});
  for (const CLI::App* sub : visible_subcommands(command)) {
    auto below = path;
    below.push_back(sub->get_name());
    collect(*sub, std::move(below), out);
  }
}

std::string joined(std::string_view program, const std::vector<std::string>& path, char separator) {
  std::string out(program);
  for (const auto& name : path) out += separator + name;
  return out;
}

}  // namespace

std::vector<CommandNode> visible_commands(const CLI::App& root) {
  std::vector<CommandNode> out;
  collect(root, {}, out);
  return out;
}

std::vector<std::string> path_of(const CLI::App& command) {
  std::vector<std::string> path;
  for (const CLI::App* at = &command; at->get_parent() != nullptr; at = at->get_parent()) path.push_back(at->get_name());
  std::reverse(path.begin(), path.end());
  return path;
}

std::string command_line(std::string_view program, const std::vector<std::string>& path) {
  return joined(program, path, ' ');
}

std::string page_name(std::string_view program, const std::vector<std::string>& path) {
  return joined(program, path, '-');
}

const CLI::Option* find_option_in_scope(const CLI::App& command, std::string_view name) {
  for (const CLI::App* at = &command; at != nullptr; at = at->get_parent()) {
    if (const CLI::Option* option = at->get_option_no_throw(std::string(name))) return option;
  }
  return nullptr;
}

int values_taken(const CLI::Option& option) {
  if (option.get_expected_max() == 0) return 0;
  return std::max(1, option.get_items_expected_min());
}

const CLI::App* find_subcommand(const CLI::App& command, std::string_view name) {
  for (const CLI::App* sub : visible_subcommands(command)) {
    if (sub->check_name(std::string(name))) return sub;
  }
  return nullptr;
}

}  // namespace cchost::manpage
