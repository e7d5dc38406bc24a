// Man pages and --help footers generated from the command definitions (issue 14 item 5), and
// the "did you mean" that read a flag's next word as its value. The first tests drive
// host/manpage on a small tree of our own; the rest run the real cchost and ccprovision.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <regex>
#include <set>
#include <sstream>

#include "cchost/manpage/example_check.hpp"
#include "cchost/manpage/man_page.hpp"
#include "cchost/manpage/roff.hpp"
#include "cli_test_support.hpp"

namespace cchost::cli::test {
namespace {

namespace fs = std::filesystem;
using ::testing::AllOf;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::StartsWith;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The lines of `page` between the ".SH <title>" line and the next .SH (nullopt: no such section).
std::optional<std::vector<std::string>> section(const std::string& page, const std::string& title) {
  const auto lines = lines_of(page);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i] != ".SH " + title) continue;
    std::vector<std::string> body;
    for (std::size_t j = i + 1; j < lines.size() && !lines[j].starts_with(".SH "); ++j) body.push_back(lines[j]);
    return body;
  }
  return std::nullopt;
}

// A small tree with what the real one has: nested commands, a hidden one, required options, a
// flag before a command, and descriptions that roff would misread unescaped.
struct DemoTree {
  CLI::App root{"demo: a tree for the page generator", "demo"};
  CLI::App* sub = nullptr;
  CLI::App* leaf = nullptr;
  std::string kit;
  std::string file;
  int count = 3;
  bool verbose = false;
  bool json = false;
  std::map<std::string, manpage::CommandManual> manuals;

  DemoTree() {
    root.require_subcommand(1);
    root.add_flag("--verbose", verbose, "say more");
    sub = root.add_subcommand("sub", "a parent command");
    sub->require_subcommand(1);
    sub->add_option("--kit", kit, "the kit folder")->required();
    leaf = sub->add_subcommand("leaf", ".toml files and a back\\slash, 'quoted' too");
    leaf->add_option("FILE", file, "the input")->required();
    leaf->add_option("--count", count, "how many")->capture_default_str();
    leaf->add_flag("--json", json, "print JSON");
    root.add_subcommand("other", "a command beside sub");
    root.add_subcommand("secret", "not for --help")->group("");
    for (const char* path : {"", "sub", "sub leaf"}) {
      manpage::CommandManual m;
      m.examples = {{"demo sub leaf in.toml --kit k", "the leaf"}};
      m.exit_codes = {{0, "ok"}, {2, "usage error"}};
      manuals[path] = m;
    }
    manuals["other"] = {.examples = {{"demo other", ""}}, .exit_codes = {{0, "ok"}, {2, "usage error"}}};
  }

  manpage::ManualLookup lookup() const {
    return [this](const CLI::App& command) {
      std::string key;
      for (const auto& name : manpage::path_of(command)) key += (key.empty() ? "" : " ") + name;
      auto it = manuals.find(key);
      return it == manuals.end() ? manpage::CommandManual{} : it->second;
    };
  }

  manpage::ManualInfo info() const {
    manpage::ManualInfo i;
    i.program = "demo";
    i.version = "1.2.3";
    i.manual = "demo manual";
    return i;
  }
};

TEST(Roff, EscapesBackslashesHyphensAndLeadingControlCharacters) {
  EXPECT_EQ(manpage::escape("a\\b --kit"), "a\\eb \\-\\-kit");
  // A line starting with '.' or '\'' is a request to roff: guarded with \&, and only then.
  EXPECT_EQ(manpage::text_line(".toml files"), "\\&.toml files");
  EXPECT_EQ(manpage::text_line("'quoted'"), "\\&'quoted'");
  EXPECT_EQ(manpage::text_line("a.toml"), "a.toml");
  // Every line of prose is guarded, leading blanks go, empty lines are paragraph breaks.
  EXPECT_EQ(manpage::paragraphs("one\n  .two\n\n\nthree\n\n"), "one\n\\&.two\n.PP\nthree\n");
  EXPECT_EQ(manpage::verbatim("  .kept as is"), "  .kept as is\n");
  EXPECT_EQ(manpage::verbatim(".x\n'y"), "\\&.x\n\\&'y\n");
  EXPECT_EQ(manpage::macro_arg("say \"hi\" -x"), "\"say \\(dqhi\\(dq \\-x\"");
  EXPECT_EQ(manpage::bold("--kit"), "\\fB\\-\\-kit\\fR");
}

TEST(ManPage, OnePagePerVisibleCommandWithEverySection) {
  DemoTree t;
  const auto pages = manpage::render_man_pages(t.root, t.lookup(), t.info());
  std::vector<std::string> names;
  for (const auto& p : pages) names.push_back(p.file_name);
  EXPECT_EQ(names, (std::vector<std::string>{"demo.1", "demo-sub.1", "demo-sub-leaf.1", "demo-other.1"}));  // no demo-secret.1
  for (const auto& page : pages) {
    SCOPED_TRACE(page.file_name);
    for (const char* title : {"NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "EXAMPLES", "ENVIRONMENT",
                              "\"EXIT STATUS\"", "\"SEE ALSO\""})
      EXPECT_TRUE(section(page.text, title)) << title;
    EXPECT_THAT(*section(page.text, "EXAMPLES"), Contains(".EX"));
    EXPECT_THAT(*section(page.text, "EXAMPLES"), Contains(StartsWith("demo ")));
    EXPECT_THAT(*section(page.text, "\"EXIT STATUS\""), Contains(".B 2"));
    EXPECT_THAT(*section(page.text, "ENVIRONMENT"), Contains(HasSubstr("reads no environment variables")));
  }
}

TEST(ManPage, LeafPageEscapesItsTextAndListsInheritedOptions) {
  DemoTree t;
  const auto page = manpage::render_man_page({{"sub", "leaf"}, t.leaf}, t.lookup()(*t.leaf), t.info());
  EXPECT_EQ(page.file_name, "demo-sub-leaf.1");
  EXPECT_THAT(page.text, StartsWith(".\\\" Generated"));
  EXPECT_THAT(page.text, HasSubstr(".TH \"DEMO\\-SUB\\-LEAF\" 1 \"\" \"demo 1.2.3\" \"demo manual\"\n"));
  EXPECT_THAT(*section(page.text, "NAME"),
              Contains("demo\\-sub\\-leaf \\- .toml files and a back\\eslash, 'quoted' too"));
  // In DESCRIPTION the description starts a line: unguarded, roff would drop it as a request.
  EXPECT_THAT(*section(page.text, "DESCRIPTION"), Contains("\\&.toml files and a back\\eslash, 'quoted' too"));
  for (const auto& line : lines_of(page.text)) EXPECT_THAT(line, Not(StartsWith(".toml")));
  const auto options = *section(page.text, "OPTIONS");
  EXPECT_THAT(options, Contains("\\fB\\-\\-count\\fR \\fIINT\\fR"));
  EXPECT_THAT(options, Contains("how many (default: 3)"));
  EXPECT_THAT(options, Contains("\\fB\\-\\-json\\fR"));  // a flag: no value type
  EXPECT_THAT(options, Contains("\\fIFILE\\fR"));
  EXPECT_THAT(options, Contains(".SS \"Options of demo sub\""));
  EXPECT_THAT(options, Contains("the kit folder (required)"));
  // The synopsis names what must be given, the parent's required option too.
  EXPECT_THAT(*section(page.text, "SYNOPSIS"),
              Contains("\\fB\\-\\-kit\\fR \\fITEXT\\fR [\\fIOPTIONS\\fR] \\fIFILE\\fR"));
  EXPECT_THAT(*section(page.text, "\"SEE ALSO\""), Contains(".BR \"demo\\-sub\" \"(1)\""));
}

TEST(ExampleCheck, AcceptsExamplesThatParseAndNamesEachProblem) {
  DemoTree t;
  EXPECT_THAT(manpage::example_problems(t.root, t.lookup(), "demo"), IsEmpty());
  // A flag before a command takes no value: "sub" is still read as the command.
  t.manuals[""].examples = {{"demo --verbose sub --kit k leaf in.toml --json"}};
  EXPECT_THAT(manpage::example_problems(t.root, t.lookup(), "demo"), IsEmpty());

  const auto problems_for = [&](const std::string& example) {
    t.manuals["sub leaf"].examples = {{example}};
    const auto problems = manpage::example_problems(t.root, t.lookup(), "demo");
    return problems.empty() ? std::string() : problems.front();
  };
  EXPECT_THAT(problems_for("demo sub leaf in.toml --kit k --colour"), HasSubstr("--colour is not an option of \"demo sub leaf\""));
  EXPECT_THAT(problems_for("demo sub laef in.toml --kit k"), HasSubstr("\"laef\" is not a command of \"demo sub\""));
  EXPECT_THAT(problems_for("demo sub leaf in.toml"), HasSubstr("\"demo sub leaf\" requires --kit"));
  EXPECT_THAT(problems_for("demo sub leaf --kit k"), HasSubstr("takes 1 argument(s), the example gives 0"));
  EXPECT_THAT(problems_for("demo sub --kit k"), HasSubstr("\"demo sub\" needs a command"));
  EXPECT_THAT(problems_for("other sub leaf x --kit k"), HasSubstr("does not start with demo"));
  EXPECT_THAT(problems_for("demo other"), HasSubstr("it runs \"demo other\", not a command under \"demo sub leaf\""));
  t.manuals["sub leaf"].examples = {{"demo sub leaf x --kit k"}};
  t.manuals["sub"].examples.clear();
  EXPECT_THAT(manpage::example_problems(t.root, t.lookup(), "demo"), Contains("\"demo sub\" has no example"));
}

TEST(ExampleCheck, ShellWordsKeepQuotedTextWhole) {
  EXPECT_EQ(manpage::shell_words("a 'b c' \"d e\"  f=g"), (std::vector<std::string>{"a", "b c", "d e", "f=g"}));
}

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
  EXPECT_EQ(page_codes, (std::set<std::string>{"0", "1", "2", "3"}));
  EXPECT_EQ(docs_table("Exit status", std::regex(R"(^\| ([0-9]+) \|)")), page_codes);
}

}  // namespace
}  // namespace cchost::cli::test
