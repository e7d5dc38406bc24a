// Man pages and --help footers of the real cchost and ccprovision, generated from their command
// definitions (issue 14 item 5), and the "did you mean" that read a flag's next word as its
// value. host/manpage itself is tested on a tree of its own in manpage_test.cpp.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "cli_test_support.hpp"
#include "man_page_reading.hpp"

namespace cchost::cli::test {
namespace {

namespace fs = std::filesystem;
using ::testing::AllOf;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// The commands `cchost ... --help` lists, found by reading the help itself (not the generator).
std::vector<std::vector<std::string>> commands_from_help(const CliSandbox& box, std::vector<std::string> path = {}) {
  std::vector<std::vector<std::string>> found = {path};
  auto args = path;
  args.push_back("--help");
  const auto help = box.cchost(args);
  EXPECT_EQ(help.exit_code, 0) << help.err;
  bool in_list = false;
  for (const auto& line : lines_of(help.out)) {
    if (line == "Subcommands:") {
      in_list = true;
      continue;
    }
    if (!in_list) continue;
    std::smatch m;
    if (!std::regex_match(line, m, std::regex(R"(  ([a-z][a-z0-9-]*)\s.*)"))) break;
    auto below = path;
    below.push_back(m[1]);
    for (auto& p : commands_from_help(box, below)) found.push_back(std::move(p));
  }
  return found;
}

std::string page_file(const std::vector<std::string>& path) {
  std::string name = "cchost";
  for (const auto& n : path) name += "-" + n;
  return name + ".1";
}

TEST(CchostMan, WritesAPageForEveryCommandTheHelpLists) {
  CliSandbox box;
  const auto commands = commands_from_help(box);
  ASSERT_GE(commands.size(), 20u);  // admin's six, audit's two, kit's two, ...
  const auto out = box.root() / "man";
  auto r = box.cchost({"man", "--out", out.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::set<std::string> expected;
  for (const auto& path : commands) expected.insert(page_file(path));
  std::set<std::string> written;
  for (const auto& entry : fs::directory_iterator(out)) written.insert(entry.path().filename().string());
  EXPECT_EQ(written, expected);  // and no page for the hidden `man`
  EXPECT_THAT(written, Contains("cchost-admin-status.1"));
}

TEST(CchostMan, EveryPageHasItsSectionsAndExamplesOfItsOwnCommand) {
  CliSandbox box;
  const auto out = box.root() / "man";
  ASSERT_EQ(box.cchost({"man", "--out", out.string()}).exit_code, 0);
  const std::regex request(R"(^(\.\\".*|\.(TH|SH|SS|TP|PP|B|BR|EX|EE)( .*)?)$)");
  for (const auto& path : commands_from_help(box)) {
    const std::string file = page_file(path);
    SCOPED_TRACE(file);
    const std::string page = slurp(out / file);
    for (const char* title : {"NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "ENVIRONMENT"})
      EXPECT_TRUE(section(page, title)) << title;
    const auto exit_status = section(page, "\"EXIT STATUS\"");
    ASSERT_TRUE(exit_status);
    EXPECT_THAT(*exit_status, Contains(".B 0"));
    const auto examples = section(page, "EXAMPLES");
    ASSERT_TRUE(examples);
    // Each example runs this command (or one below it): "cchost admin status ...".
    std::string prefix = "cchost";
    for (const auto& n : path) prefix += " " + n;
    std::size_t shown = 0;
    for (std::size_t i = 0; i + 1 < examples->size(); ++i) {
      if ((*examples)[i] != ".EX") continue;
      ++shown;
      EXPECT_THAT((*examples)[i + 1], StartsWith(prefix));
    }
    EXPECT_GE(shown, 1u);
    // Every line roff reads as a request is one the generator meant: text never starts with '.'.
    for (const auto& line : lines_of(page)) {
      if (line.starts_with(".") || line.starts_with("'")) {
        EXPECT_TRUE(std::regex_match(line, request)) << line;
      }
    }
  }
}

TEST(CchostMan, CheckPassesAndManNeedsAFolder) {
  CliSandbox box;
  auto check = box.cchost({"man", "--check"});
  EXPECT_EQ(check.exit_code, 0) << check.err;
  EXPECT_THAT(check.out, HasSubstr("every one with examples that parse"));
  EXPECT_EQ(box.cchost({"man"}).exit_code, 2);
  // Hidden: --help does not list it, and a typo is not steered to it.
  EXPECT_THAT(box.cchost({"--help"}).out, Not(HasSubstr("  man ")));
}

TEST(CchostHelp, EveryHelpEndsWithExamplesEnvironmentAndExitStatus) {
  CliSandbox box;
  for (const auto& path : commands_from_help(box)) {
    auto args = path;
    args.push_back("--help");
    const auto help = box.cchost(args);
    SCOPED_TRACE(::testing::PrintToString(path));
    EXPECT_THAT(help.out, AllOf(HasSubstr("Examples:\n  cchost"), HasSubstr("Environment"), HasSubstr("Exit status:\n  0 ")));
    EXPECT_THAT(help.out, HasSubstr("Manual: man " + page_file(path).substr(0, page_file(path).size() - 2)));
  }
  // The environment each command really reads: the root pin where a kit is loaded, systemd's
  // variables where a participant runs, none for a policy lint.
  EXPECT_THAT(box.cchost({"admin", "status", "--help"}).out, HasSubstr("CCHOST_ROOT_FINGERPRINT"));
  EXPECT_THAT(box.cchost({"audit", "--help"}).out, HasSubstr("CCHOST_ROOT_FINGERPRINT"));
  EXPECT_THAT(box.cchost({"run", "--help"}).out, AllOf(HasSubstr("NOTIFY_SOCKET"), HasSubstr("WATCHDOG_USEC")));
  EXPECT_THAT(box.cchost({"policy", "check", "--help"}).out, HasSubstr("Environment: none read by this command."));
  EXPECT_THAT(box.cchost({"admin", "submit", "--help"}).out, HasSubstr("3 server unreachable"));
}

TEST(CliConventions, DidYouMeanLooksPastFlagsButNotPastOptionValues) {
  CliSandbox box;
  // --log-json is a flag: "verfy" is the command, not its value.
  auto flag = box.cchost({"--log-json", "verfy"});
  EXPECT_EQ(flag.exit_code, 2);
  EXPECT_THAT(flag.err, HasSubstr("unknown command \"verfy\" for \"cchost\" (did you mean \"verify\"?)"));
  // --log-level takes a value: "debug" is skipped, "verfy" is still found.
  auto option = box.cchost({"--log-level", "debug", "verfy"});
  EXPECT_EQ(option.exit_code, 2);
  EXPECT_THAT(option.err, HasSubstr("(did you mean \"verify\"?)"));
  // A parent's option and a global flag before a nested typo; the message names the full path.
  auto nested = box.cchost({"admin", "--kit", "k", "--log-json", "stauts"});
  EXPECT_EQ(nested.exit_code, 2);
  EXPECT_THAT(nested.err, HasSubstr("unknown command \"stauts\" for \"cchost admin\" (did you mean \"status\"?)"));
}

#ifdef CCHOST_TEST_HAVE_CCPROVISION
TEST(CcprovisionMan, WritesItsPageWithExamplesAndExitStatus) {
  CliSandbox box;
  const auto out = box.root() / "man";
  auto r = box.run(CCHOST_BINARY_DIR "/bin/ccprovision", {"--man", out.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string page = slurp(out / "ccprovision.1");
  ASSERT_TRUE(section(page, "EXAMPLES"));
  EXPECT_THAT(*section(page, "EXAMPLES"), Contains("ccprovision \\-\\-init my\\-project"));
  EXPECT_THAT(*section(page, "\"EXIT STATUS\""), Contains(".B 2"));
  EXPECT_THAT(*section(page, "OPTIONS"), Contains(HasSubstr("\\-\\-project")));
  EXPECT_THAT(*section(page, "OPTIONS"), Not(Contains(HasSubstr("\\-\\-man"))));  // hidden
  EXPECT_THAT(box.run(CCHOST_BINARY_DIR "/bin/ccprovision", {"--help"}).out,
              AllOf(HasSubstr("Examples:\n  ccprovision --init my-project"), HasSubstr("Exit status:\n  0 ")));
}
#endif

// docs/cli.md's tables are prose, but they must name what cchost.1 names.
TEST(CchostMan, DocsCliAgreesWithTheGeneratedReference) {
  CliSandbox box;
  const auto out = box.root() / "man";
  ASSERT_EQ(box.cchost({"man", "--out", out.string()}).exit_code, 0);
  const std::string page = slurp(out / "cchost.1");
  std::set<std::string> page_variables;
  const auto environment = section(page, "ENVIRONMENT");
  const auto exit_status = section(page, "\"EXIT STATUS\"");
  ASSERT_TRUE(environment && exit_status);
  for (const auto& line : *environment) {
    std::smatch m;
    if (std::regex_match(line, m, std::regex(R"re(\.B "([A-Z_]+)")re"))) page_variables.insert(m[1]);
  }
  std::set<std::string> page_codes;
  for (const auto& line : *exit_status) {
    std::smatch m;
    if (std::regex_match(line, m, std::regex(R"(\.B ([0-9]+))"))) page_codes.insert(m[1]);
  }
  const std::string docs = slurp(fs::path(CCHOST_SOURCE_DIR) / "docs" / "cli.md");
  const auto docs_table = [&](const std::string& heading, const std::regex& row) {
    std::set<std::string> keys;
    const auto at = docs.find("\n## " + heading + "\n");
    EXPECT_NE(at, std::string::npos) << heading;
    if (at == std::string::npos) return keys;
    const auto end = docs.find("\n## ", at + 1);
    std::istringstream in(docs.substr(at, end == std::string::npos ? std::string::npos : end - at));
    for (std::string line; std::getline(in, line);) {
      std::smatch m;
      if (std::regex_search(line, m, row)) keys.insert(m[1]);
    }
    return keys;
  };
  EXPECT_THAT(page_variables, Contains("CCHOST_ROOT_FINGERPRINT"));
  EXPECT_EQ(docs_table("Environment", std::regex(R"(^\| `([A-Z_]+)`)")), page_variables);
  EXPECT_EQ(page_codes, (std::set<std::string>{"0", "1", "2", "3", "4"}));
  EXPECT_EQ(docs_table("Exit status", std::regex(R"(^\| ([0-9]+) \|)")), page_codes);
}

}  // namespace
}  // namespace cchost::cli::test
