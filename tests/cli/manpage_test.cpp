// host/manpage on a small tree of its own (issue 14 item 5): roff escaping, one page per visible
// command with every section, the synopsis and inherited options, and the example check naming
// each kind of bad example. The real binaries' pages are tested in cli_man_test.cpp.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

#include "cchost/manpage/example_check.hpp"
#include "cchost/manpage/man_page.hpp"
#include "cchost/manpage/roff.hpp"
#include "man_page_reading.hpp"

namespace cchost::cli::test {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::StartsWith;

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

}  // namespace
}  // namespace cchost::cli::test
