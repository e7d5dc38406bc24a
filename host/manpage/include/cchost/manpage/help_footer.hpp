#pragma once
// The end of a command's --help: its examples, the environment it reads and its exit codes,
// from the same CommandManual its man page is rendered from.
#include <string>

#include "cchost/manpage/command_manual.hpp"

namespace cchost::manpage {

// `page` names the man page to read for more ("cchost-admin-status"), `reference` the document
// that says the rest ("docs/cli.md").
std::string help_footer(const CommandManual& manual, const std::string& page, const std::string& reference);

}  // namespace cchost::manpage
