// CLI conventions (issue 14): --version at the top, options accepted after their subcommand,
// "did you mean" for a mistyped subcommand, the exit-code table in --help. Each runs the real
// binary; on the parent commit every one of these failed or printed something misleading.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cchost/authorizer.h"
#include "cli_test_support.hpp"

namespace cchost::cli::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(CliConventions, VersionFlagAtTheTop) {
  CliSandbox box;
  auto r = box.cchost({"--version"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("cchost "));
  EXPECT_THAT(r.out, HasSubstr("authorizer ABI " + std::to_string(CCHOST_AUTHORIZER_ABI_MAJOR) + "."));
}

TEST(CliConventions, MistypedSubcommandsGetASuggestionAndExit2) {
  CliSandbox box;
  auto top = box.cchost({"verfy"});
  EXPECT_EQ(top.exit_code, 2);
  EXPECT_THAT(top.err, HasSubstr("unknown command \"verfy\" for \"cchost\" (did you mean \"verify\"?)"));
  auto nested = box.cchost({"plugins", "lst"});
  EXPECT_EQ(nested.exit_code, 2);
  EXPECT_THAT(nested.err, HasSubstr("unknown command \"lst\" for \"cchost plugins\" (did you mean \"list\"?)"));
  // Far from every command: no suggestion, but still named.
  auto far = box.cchost({"frobnicate"});
  EXPECT_EQ(far.exit_code, 2);
  EXPECT_THAT(far.err, HasSubstr("unknown command \"frobnicate\""));
  EXPECT_THAT(far.err, Not(HasSubstr("did you mean")));
}

TEST(CliConventions, GlobalAndParentOptionsAreAcceptedAfterTheSubcommand) {
  CliSandbox box;
  auto logged = box.cchost({"plugins", "list", "--plugin-dir", box.plugin_dir().string(), "--log-level", "debug"});
  EXPECT_EQ(logged.exit_code, 0) << logged.err;
  EXPECT_THAT(logged.out, HasSubstr("x-hello"));
  // `--kit` belongs to `admin`; after `status` it is read, so the refusal is about the kit itself.
  auto admin = box.cchost({"admin", "status", "--kit", (box.root() / "no-such-kit").string()});
  EXPECT_EQ(admin.exit_code, 2);
  EXPECT_THAT(admin.err, Not(HasSubstr("--kit is required")));
  EXPECT_THAT(admin.err, HasSubstr("no-such-kit"));
}

TEST(CliConventions, HelpShowsExitCodesEnvironmentAndExamples) {
  CliSandbox box;
  auto help = box.cchost({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_THAT(help.out, HasSubstr("3 unreachable"));
  EXPECT_THAT(help.out, HasSubstr("CCHOST_ROOT_FINGERPRINT"));
  EXPECT_THAT(help.out, HasSubstr("Examples:"));
}

}  // namespace
}  // namespace cchost::cli::test
