#include "cchost/manpage/man_page.hpp"

#include <algorithm>
#include <cctype>
#include <sstream>

#include "cchost/manpage/roff.hpp"

namespace cchost::manpage {
namespace {

std::string upper(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::toupper(c); });
  return text;
}

std::string one_line(std::string text) {
  std::replace(text.begin(), text.end(), '\n', ' ');
  return text;
}

bool is_help(const CLI::App& command, const CLI::Option* option) { return option == command.get_help_ptr(); }

// The options of `command` a page lists, in definition order.
std::vector<const CLI::Option*> listed_options(const CLI::App& command) {
  return command.get_options([](const CLI::Option* o) { return !is_hidden(*o); });
}

// CLI11 names a checked value "INT:INT in [1 - 3600]" or "TEXT:{a,b}": the check says it all.
std::string value_type(const CLI::Option& option) {
  const std::string type = option.get_type_name();
  if (type.empty()) return "VALUE";
  const auto colon = type.find(':');
  return colon == std::string::npos ? type : type.substr(colon + 1);
}

// "--kit TEXT", "-h, --help", "FILE" (a positional), in roff.
std::string option_label(const CLI::Option& option) {
  if (option.get_positional()) return italic(option.get_name(true));
  std::vector<std::string> names;
  for (const auto& s : option.get_snames()) names.push_back(bold("-" + s));
  for (const auto& l : option.get_lnames()) names.push_back(bold("--" + l));
  std::string label;
  for (const auto& n : names) label += (label.empty() ? "" : ", ") + n;
  if (values_taken(option) > 0) label += " " + italic(value_type(option));
  return label;
}

// The description, then what CLI11 knows about the option: "the kit folder (required)".
std::string option_text(const CLI::Option& option, const ManualInfo& info) {
  std::vector<std::string> facts;
  if (option.get_required()) facts.push_back("required");
  if (values_taken(option) > 0 && option.get_expected_max() > 1) facts.push_back("may be given more than once");
  const auto lname = option.get_lnames().empty() ? std::string() : "--" + option.get_lnames().front();
  if (auto described = info.default_text.find(lname); described != info.default_text.end()) {
    facts.push_back("default: " + described->second);
  } else if (!option.get_default_str().empty()) {
    facts.push_back("default: " + option.get_default_str());
  }
  if (!option.get_envname().empty()) facts.push_back("also read from $" + option.get_envname());
  std::string text = one_line(option.get_description());
  if (facts.empty()) return text;
  std::string joined;
  for (const auto& fact : facts) joined += (joined.empty() ? "" : "; ") + fact;
  return text + (text.empty() ? "(" : " (") + joined + ")";
}

void write_option_list(std::ostream& out, const std::vector<const CLI::Option*>& options, const ManualInfo& info) {
  for (const CLI::Option* option : options) {
    out << ".TP\n" << option_label(*option) << "\n" << paragraphs(option_text(*option, info));
  }
}

// The ancestors of `command` below the root, nearest last: their options are accepted here.
std::vector<const CLI::App*> inner_ancestors(const CLI::App& command) {
  std::vector<const CLI::App*> out;
  for (const CLI::App* at = command.get_parent(); at != nullptr && at->get_parent() != nullptr; at = at->get_parent())
    out.push_back(at);
  std::reverse(out.begin(), out.end());
  return out;
}

void write_synopsis(std::ostream& out, const CommandNode& node, const ManualInfo& info) {
  out << ".SH SYNOPSIS\n.B " << macro_arg(command_line(info.program, node.path)) << "\n";
  std::string line;
  bool optional = false;
  auto scopes = inner_ancestors(*node.app);
  scopes.push_back(node.app);
  for (const CLI::App* scope : scopes) {
    for (const CLI::Option* option : listed_options(*scope)) {
      if (option->get_positional() || is_help(*scope, option)) continue;
      if (option->get_required()) {
        line += option_label(*option) + " ";
      } else {
        optional = true;
      }
    }
  }
  if (optional || node.path.empty()) line += "[" + italic("OPTIONS") + "] ";
  for (const CLI::Option* option : listed_options(*node.app)) {
    if (!option->get_positional()) continue;
    const std::string name = option_label(*option);
    line += (option->get_required() ? name : "[" + name + "]") + " ";
  }
  if (!visible_subcommands(*node.app).empty()) line += italic("COMMAND") + " ";
  if (!line.empty()) out << line.substr(0, line.size() - 1) << "\n";
}

void write_options(std::ostream& out, const CommandNode& node, const ManualInfo& info) {
  out << ".SH OPTIONS\n";
  write_option_list(out, listed_options(*node.app), info);
  for (const CLI::App* ancestor : inner_ancestors(*node.app)) {
    std::vector<const CLI::Option*> inherited;
    for (const CLI::Option* option : listed_options(*ancestor))
      if (!option->get_positional() && !is_help(*ancestor, option)) inherited.push_back(option);
    if (inherited.empty()) continue;
    out << ".SS " << macro_arg("Options of " + command_line(info.program, path_of(*ancestor))) << "\n";
    write_option_list(out, inherited, info);
  }
  if (!node.path.empty()) {
    out << ".PP\n"
        << paragraphs("The global options of " + info.program + "(1) are accepted here too, anywhere after the command.");
  }
}

void write_commands(std::ostream& out, const CommandNode& node, const ManualInfo& info) {
  const auto subs = visible_subcommands(*node.app);
  if (subs.empty()) return;
  out << ".SH COMMANDS\n";
  for (const CLI::App* sub : subs) {
    auto path = node.path;
    path.push_back(sub->get_name());
    out << ".TP\n"
        << bold(sub->get_name()) << "\n"
        << paragraphs(one_line(sub->get_description()) + " (" + page_name(info.program, path) + "(1))");
  }
}

void write_examples(std::ostream& out, const CommandManual& manual) {
  out << ".SH EXAMPLES\n";
  for (const auto& example : manual.examples) {
    if (!example.what.empty()) out << ".PP\n" << paragraphs(example.what);
    out << ".PP\n.EX\n" << verbatim(example.command) << ".EE\n";
  }
}

void write_environment(std::ostream& out, const CommandNode& node, const CommandManual& manual, const ManualInfo& info) {
  out << ".SH ENVIRONMENT\n";
  if (manual.environment.empty()) {
    out << paragraphs(command_line(info.program, node.path) + " reads no environment variables.");
    return;
  }
  for (const auto& variable : manual.environment)
    out << ".TP\n.B " << macro_arg(variable.name) << "\n" << paragraphs(variable.meaning);
}

void write_exit_status(std::ostream& out, const CommandManual& manual) {
  out << ".SH \"EXIT STATUS\"\n";
  for (const auto& exit : manual.exit_codes)
    out << ".TP\n.B " << exit.code << "\n" << paragraphs(exit.meaning);
}

void write_see_also(std::ostream& out, const CommandNode& node, const ManualInfo& info) {
  std::vector<std::string> pages;
  if (!node.path.empty()) {
    auto parent = node.path;
    parent.pop_back();
    pages.push_back(page_name(info.program, parent) + "(1)");
  }
  for (const CLI::App* sub : visible_subcommands(*node.app)) {
    auto path = node.path;
    path.push_back(sub->get_name());
    pages.push_back(page_name(info.program, path) + "(1)");
  }
  if (node.path.empty()) pages.insert(pages.end(), info.see_also.begin(), info.see_also.end());
  if (pages.empty()) return;
  out << ".SH \"SEE ALSO\"\n";
  for (std::size_t i = 0; i < pages.size(); ++i) {
    const auto paren = pages[i].find('(');
    out << ".BR " << macro_arg(pages[i].substr(0, paren)) << " " << macro_arg(pages[i].substr(paren) + (i + 1 < pages.size() ? "," : ""))
        << "\n";
  }
}

// The NAME line's summary: the description without a leading "cchost: " (the page name says it).
std::string summary(const CommandNode& node, const ManualInfo& info) {
  std::string text = one_line(node.app->get_description());
  if (text.starts_with(info.program + ": ")) text.erase(0, info.program.size() + 2);
  return text;
}

}  // namespace

ManPage render_man_page(const CommandNode& node, const CommandManual& manual, const ManualInfo& info) {
  const std::string name = page_name(info.program, node.path);
  std::ostringstream out;
  out << ".\\\" Generated from the command-line definitions of " << info.program
      << "; edit those (and their CommandManual), not this page.\n"
      << ".TH " << macro_arg(upper(name)) << " 1 \"\" " << macro_arg(info.program + " " + info.version) << " "
      << macro_arg(info.manual) << "\n"
      << ".SH NAME\n"
      << text_line(name + " - " + summary(node, info)) << "\n";
  write_synopsis(out, node, info);
  out << ".SH DESCRIPTION\n" << paragraphs(node.app->get_description());
  if (!manual.notes.empty()) out << ".PP\n" << paragraphs(manual.notes);
  write_options(out, node, info);
  write_commands(out, node, info);
  write_examples(out, manual);
  write_environment(out, node, manual, info);
  write_exit_status(out, manual);
  write_see_also(out, node, info);
  return {name + ".1", out.str()};
}

std::vector<ManPage> render_man_pages(const CLI::App& root, const ManualLookup& lookup, const ManualInfo& info) {
  std::vector<ManPage> pages;
  for (const auto& node : visible_commands(root)) pages.push_back(render_man_page(node, lookup(*node.app), info));
  return pages;
}

}  // namespace cchost::manpage
