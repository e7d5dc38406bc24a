#include "cchost/manpage/roff.hpp"

namespace cchost::manpage {
namespace {

// Calls `line` for each line of `text` (a last line without '\n' too; "" gives one empty line).
template <class F>
void for_each_line(std::string_view text, F&& line) {
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find('\n', start);
    line(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) return;
    start = end + 1;
  }
}

std::string guard_line_start(std::string line) {
  if (!line.empty() && (line[0] == '.' || line[0] == '\'')) line.insert(0, "\\&");
  return line;
}

}  // namespace

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (c == '\\') {
      out += "\\e";
    } else if (c == '-') {
      out += "\\-";
    } else {
      out += c;
    }
  }
  return out;
}

std::string text_line(std::string_view text) { return guard_line_start(escape(text)); }

std::string paragraphs(std::string_view text) {
  std::string out;
  bool pending_break = false;  // an empty line seen since the last text line
  for_each_line(text, [&](std::string_view line) {
    const std::size_t first = line.find_first_not_of(" \t");
    if (first == std::string_view::npos) {
      pending_break = true;
      return;
    }
    // Only a break between two stretches of text, never a leading, trailing or doubled one.
    if (pending_break && !out.empty()) out += ".PP\n";
    pending_break = false;
    out += text_line(line.substr(first)) + "\n";
  });
  return out;
}

std::string verbatim(std::string_view text) {
  std::string out;
  for_each_line(text, [&](std::string_view line) { out += text_line(line) + "\n"; });
  return out;
}

std::string macro_arg(std::string_view text) {
  std::string out = "\"";
  for (const char c : escape(text)) {
    if (c == '"') {
      out += "\\(dq";
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string bold(std::string_view text) { return "\\fB" + escape(text) + "\\fR"; }
std::string italic(std::string_view text) { return "\\fI" + escape(text) + "\\fR"; }

}  // namespace cchost::manpage
