#pragma once
// Reading generated man pages in tests: a page's lines and its sections.
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace cchost::cli::test {

inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The lines of `page` between the ".SH <title>" line and the next .SH (nullopt: no such section).
inline std::optional<std::vector<std::string>> section(const std::string& page, const std::string& title) {
  const auto lines = lines_of(page);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i] != ".SH " + title) continue;
    std::vector<std::string> body;
    for (std::size_t j = i + 1; j < lines.size() && !lines[j].starts_with(".SH "); ++j) body.push_back(lines[j]);
    return body;
  }
  return std::nullopt;
}

}  // namespace cchost::cli::test
