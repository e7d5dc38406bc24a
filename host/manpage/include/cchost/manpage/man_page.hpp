#pragma once
// One man(7) page per visible command of a CLI11 tree, from its definition (name, description,
// options with their value types, defaults and descriptions, subcommands) and its
// CommandManual (examples, environment, exit status, notes).
#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "cchost/manpage/command_manual.hpp"
#include "cchost/manpage/command_tree.hpp"

namespace cchost::manpage {

struct ManPage {
  std::string file_name;  // "cchost-admin-status.1"
  std::string text;       // roff
};

ManPage render_man_page(const CommandNode& node, const CommandManual& manual, const ManualInfo& info);

// `root`'s page and one for every visible command below it (hidden ones get none).
std::vector<ManPage> render_man_pages(const CLI::App& root, const ManualLookup& lookup, const ManualInfo& info);

}  // namespace cchost::manpage
