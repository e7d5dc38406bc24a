#pragma once
// What a command's reference says beyond its CLI11 definition: examples, the environment it
// reads, its exit codes and a paragraph of notes. A program supplies one CommandManual per
// command through a ManualLookup; the man pages and the --help footers are both rendered from
// it, so the two never disagree.
#include <CLI/CLI.hpp>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace cchost::manpage {

struct Example {
  std::string command;  // one shell line, starting with the program's name
  std::string what = {};  // what it does; may be empty
};

struct EnvironmentVariable {
  std::string name;     // "CCHOST_ROOT_FINGERPRINT"
  std::string meaning;  // what the program does with it
};

struct ExitCode {
  int code = 0;
  std::string meaning;  // "unreachable: no answer within --timeout"; the text before ':' is its name
};

struct CommandManual {
  // Defaulted, so a manual can name only what it has ({.examples = ...}).
  std::vector<Example> examples = {};
  std::vector<EnvironmentVariable> environment = {};  // empty: the command reads none
  std::vector<ExitCode> exit_codes = {};
  std::string notes = {};  // prose after the description (man DESCRIPTION, end of --help)
};

// The manual of one command of the tree (the root included).
using ManualLookup = std::function<CommandManual(const CLI::App& command)>;

// What is true of the whole set of pages.
struct ManualInfo {
  std::string program;  // "cchost": the root's name (CLI11 names the root after argv[0])
  std::string version;  // "0.1.0", in each page's footer
  std::string manual;   // "cchost manual", the page header's centre
  std::vector<std::string> see_also;  // other programs' pages: "ccprovision(1)"
  // Defaults that depend on the machine the page is generated on (a path next to the binary)
  // are described instead, by long option name: {"--plugin-dir", "../plugins next to the binary"}.
  std::map<std::string, std::string> default_text;
};

}  // namespace cchost::manpage
