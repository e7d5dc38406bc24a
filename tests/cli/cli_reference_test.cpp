// host/cli/src/cli_reference.cpp in process: what a command's manual inherits from the
// commands around it, and what it refuses. The registry is keyed by command path, so each
// test builds its tree under a top-level name of its own.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cli_reference.hpp"
#include "command_registry.hpp"

namespace cchost::cli::test {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

std::vector<std::string> names(const std::vector<manpage::EnvironmentVariable>& variables) {
  std::vector<std::string> out;
  for (const auto& v : variables) out.push_back(v.name);
  return out;
}

TEST(CliReference, ExitCodesComeFromTheNearestDocumentedCommandElseTheTable) {
  CLI::App root{"root"};
  auto* parent = root.add_subcommand("ref-exit", "parent");
  auto* child = parent->add_subcommand("child", "child");
  auto* other = root.add_subcommand("ref-exit-other", "no exit codes of its own");
  document(*parent, {.examples = {{"cchost ref-exit child"}},
                     .exit_codes = {exit_code(kExitOk, "fine"), exit_code(kExitUnreachable, "gone")}});
  EXPECT_THAT(manual_for(*child).exit_codes,
              ElementsAre(Field(&manpage::ExitCode::meaning, "fine"), Field(&manpage::ExitCode::meaning, "gone")));
  EXPECT_EQ(manual_for(*other).exit_codes.size(), exit_code_table().size());
  EXPECT_THAT(manual_for(*child).examples, IsEmpty());  // examples are a command's own
  // Only codes of the table, and each command documented once.
  EXPECT_THROW(exit_code(5), std::logic_error);
  EXPECT_THROW(document(*parent, {}), std::logic_error);
}

TEST(CliReference, AVariableShowsWhereItIsReadAboveAndBelow) {
  CLI::App root{"root"};
  auto* parent = root.add_subcommand("ref-env", "parent");
  auto* reader = parent->add_subcommand("reader", "reads the pin");
  auto* below = reader->add_subcommand("below", "under the reader");
  auto* sibling = parent->add_subcommand("sibling", "reads nothing");
  reads_environment(*reader, "CCHOST_ROOT_FINGERPRINT");
  EXPECT_THAT(names(manual_for(*reader).environment), ElementsAre("CCHOST_ROOT_FINGERPRINT"));
  EXPECT_THAT(names(manual_for(*below).environment), ElementsAre("CCHOST_ROOT_FINGERPRINT"));
  EXPECT_THAT(names(manual_for(*parent).environment), ElementsAre("CCHOST_ROOT_FINGERPRINT"));
  EXPECT_THAT(manual_for(*sibling).environment, IsEmpty());
  // The root lists every variable of the table and who reads each.
  const auto all = manual_for(root).environment;
  EXPECT_EQ(all.size(), environment_table().size());
  EXPECT_THAT(all.front().meaning, HasSubstr("cchost ref-env reader"));
  // A variable read but not documented is a programming error, found at start.
  EXPECT_THROW(reads_environment(*reader, "CCHOST_UNDOCUMENTED"), std::logic_error);
}

TEST(CliReference, EveryHelpGetsAFooterAndAnOwnFooterMovesIntoTheNotes) {
  CLI::App root{"root"};
  auto* command = root.add_subcommand("ref-footer", "has a footer of its own");
  command->footer("Written by hand.");
  document(*command, {.examples = {{"cchost ref-footer", "run it"}}});
  install_help_footers(root);
  const std::string footer = command->get_footer();
  EXPECT_THAT(footer, HasSubstr("Examples:\n  cchost ref-footer\n      run it\n"));
  EXPECT_THAT(footer, HasSubstr("Exit status:\n  0 ok"));
  EXPECT_THAT(footer, HasSubstr("Manual: man cchost-ref-footer"));
  EXPECT_EQ(manual_for(*command).notes, "Written by hand.");  // so the man page says it too
  EXPECT_EQ(footer.find("Written by hand."), footer.rfind("Written by hand."));  // and --help once
}

}  // namespace
}  // namespace cchost::cli::test
