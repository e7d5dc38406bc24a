#pragma once
// Examples are checked against the tree they document, so a renamed option or command breaks
// the build (the man_pages target runs this) instead of leaving a page that lies.
#include <CLI/CLI.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "cchost/manpage/command_manual.hpp"

namespace cchost::manpage {

// Every problem with the examples of `root`'s visible commands, one sentence each (empty: none):
// a command without an example; an example that does not start with `program`, names a
// command that does not exist, stops at a command that needs a subcommand, lands outside the
// command it documents, gives an option the command it reaches does not take, or leaves out
// one it requires.
std::vector<std::string> example_problems(const CLI::App& root, const ManualLookup& lookup, std::string_view program);

// The words of one shell line: split at blanks, '...' and "..." kept whole without their quotes.
std::vector<std::string> shell_words(std::string_view line);

}  // namespace cchost::manpage
