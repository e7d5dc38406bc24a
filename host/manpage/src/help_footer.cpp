#include "cchost/manpage/help_footer.hpp"

#include <algorithm>
#include <sstream>

namespace cchost::manpage {
namespace {

constexpr std::size_t kWidth = 100;  // CLI11 does not wrap footers; long meanings are ours to wrap

// `text` as lines of at most kWidth columns (a longer word stays whole), each after `indent`.
std::string wrapped(const std::string& text, const std::string& indent) {
  std::istringstream words(text);
  std::string out;
  std::string line;
  std::string word;
  while (words >> word) {
    if (!line.empty() && indent.size() + line.size() + 1 + word.size() > kWidth) {
      out += indent + line + "\n";
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
  }
  if (!line.empty()) out += indent + line + "\n";
  return out;
}

}  // namespace

std::string help_footer(const CommandManual& manual, const std::string& page, const std::string& reference) {
  std::string out = "Examples:\n";
  for (const auto& example : manual.examples) {
    out += "  " + example.command + "\n";
    if (!example.what.empty()) out += wrapped(example.what, "      ");
  }
  if (manual.environment.empty()) {
    out += "Environment: none read by this command.\n";
  } else {
    out += "Environment:\n";
    for (const auto& variable : manual.environment) out += "  " + variable.name + "\n" + wrapped(variable.meaning, "      ");
  }
  out += "Exit status:\n";
  for (const auto& exit : manual.exit_codes) {
    const std::string lead = "  " + std::to_string(exit.code) + " ";
    const std::string body = wrapped(exit.meaning, std::string(lead.size(), ' '));
    out += body.empty() ? lead + "\n" : lead + body.substr(lead.size());
  }
  // Notes keep their paragraphs (separated by an empty line); each is wrapped on its own.
  for (std::size_t start = 0; start < manual.notes.size();) {
    const std::size_t end = std::min(manual.notes.find("\n\n", start), manual.notes.size());
    out += wrapped(manual.notes.substr(start, end - start), "");
    start = end + 2;
  }
  out += "Manual: man " + page + " (generated from these definitions); " + reference + ".";
  return out;
}

}  // namespace cchost::manpage
