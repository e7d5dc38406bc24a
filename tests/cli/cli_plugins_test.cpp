// `cchost plugins list` against a private plugin folder.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "cli_test_support.hpp"

namespace cchost::cli::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using nlohmann::json;

TEST(CliPlugins, ListShowsHelloWithItsSha256) {
  CliSandbox box;
  auto r = box.cchost({"plugins", "list", "--plugin-dir", box.plugin_dir().string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("hello_authorizer.so"));
  EXPECT_THAT(r.out, HasSubstr("namespace: x-hello"));
  EXPECT_THAT(r.out, HasSubstr("version:   0.1.0"));
  EXPECT_THAT(r.out, HasSubstr("abi:       2.0"));
  EXPECT_THAT(r.out, HasSubstr("sha256:    " + sha256_file_hex(hello_so())));
}

TEST(CliPlugins, ListJsonIsAnArrayOfPlugins) {
  CliSandbox box;
  auto r = box.cchost({"plugins", "list", "--plugin-dir", box.plugin_dir().string(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json doc = json::parse(r.out);
  ASSERT_TRUE(doc.is_array());
  ASSERT_EQ(doc.size(), 1u);
  EXPECT_EQ(doc[0]["file"], (box.plugin_dir() / "hello_authorizer.so").string());
  EXPECT_EQ(doc[0]["namespace"], "x-hello");
  EXPECT_EQ(doc[0]["name"], "Hello (example, not secure)");
  EXPECT_EQ(doc[0]["version"], "0.1.0");
  EXPECT_EQ(doc[0]["abi"], "2.0");
  EXPECT_EQ(doc[0]["sha256"], sha256_file_hex(hello_so()));
  EXPECT_TRUE(doc[0]["refused"].is_null());
}

TEST(CliPlugins, RefusedPluginListedWithReasonAndExit1) {
  CliSandbox box;
  auto copy = box.plugin_dir() / "writable.so";
  std::filesystem::copy_file(hello_so(), copy);
  ASSERT_EQ(::chmod(copy.c_str(), 0777), 0);
  auto r = box.cchost({"plugins", "list", "--plugin-dir", box.plugin_dir().string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("REFUSED"));
  EXPECT_THAT(r.out, HasSubstr("writable by group or others (mode 0777"));
  EXPECT_THAT(r.out, HasSubstr("namespace: x-hello"));  // the good one is still listed

  auto j = box.cchost({"plugins", "list", "--plugin-dir", box.plugin_dir().string(), "--json"});
  EXPECT_EQ(j.exit_code, 1);
  json doc = json::parse(j.out);
  ASSERT_EQ(doc.size(), 2u);
  EXPECT_THAT(doc[1]["refused"].get<std::string>(), HasSubstr("writable.so"));
}

TEST(CliPlugins, MissingFolderIsAUsageError) {
  CliSandbox box;
  auto r = box.cchost({"plugins", "list", "--plugin-dir", (box.root() / "absent").string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("not a readable folder"));
}

// `cchost plugins describe NS`: a plugin's vocabulary from its describe(), in three forms.
TEST(CliPlugins, DescribePrintsTheVocabulary) {
  CliSandbox box;
  auto j = box.cchost({"plugins", "describe", "x-hello", "--plugin-dir", box.plugin_dir().string(), "--json"});
  ASSERT_EQ(j.exit_code, 0) << j.err;
  json doc = json::parse(j.out);
  EXPECT_EQ(doc["schema"], "cchost.describe/v1");
  EXPECT_EQ(doc["knobs"][0]["name"], "min_svn");
  auto md = box.cchost({"plugins", "describe", "x-hello", "--plugin-dir", box.plugin_dir().string(), "--markdown"});
  ASSERT_EQ(md.exit_code, 0) << md.err;
  EXPECT_THAT(md.out, HasSubstr("| `min_svn` | int [0..4294967295] | hello.svn min $value | minimum svn |"));
  auto text = box.cchost({"plugins", "describe", "x-hello", "--plugin-dir", box.plugin_dir().string()});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_THAT(text.out, HasSubstr("policy section: [hello]"));
  auto absent = box.cchost({"plugins", "describe", "x-nobody", "--plugin-dir", box.plugin_dir().string()});
  EXPECT_EQ(absent.exit_code, 2);
  EXPECT_THAT(absent.err, HasSubstr("no plugin in " + box.plugin_dir().string() + " serves namespace x-nobody"));
}

// `cchost policy check --plugin-dir`: a third party's knob and claim names, checked from its
// own describe(), with position and suggestion.
TEST(CliPlugins, PolicyCheckUsesThePluginsVocabulary) {
  CliSandbox box;
  const std::string policy =
      "[policy]\nrequire = [\"x-hello\"]\nallow_simulated = true\n[hello]\nmin_snv = 3\n"
      "[[rule]]\nnamespace = \"x-hello\"\nclaim = \"hello.svm\"\nmin = 1\n";
  const auto file = box.write_file("hello.toml", ByteView(reinterpret_cast<const std::uint8_t*>(policy.data()), policy.size()));
  auto r = box.cchost({"policy", "check", file.string(), "--plugin-dir", box.plugin_dir().string()});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr(file.string() + ":5:1: hello: unknown key \"min_snv\" (did you mean \"min_svn\"?)"));
  EXPECT_THAT(r.err, HasSubstr(file.string() + ":8:9: rule[1].claim: unknown claim \"hello.svm\" for x-hello (did you mean \"hello.svn\"?)"));
  const std::string fixed = "[policy]\nrequire = [\"x-hello\"]\nallow_simulated = true\n[hello]\nmin_svn = 3\n";
  const auto good = box.write_file("good.toml", ByteView(reinterpret_cast<const std::uint8_t*>(fixed.data()), fixed.size()));
  auto ok = box.cchost({"policy", "check", good.string(), "--plugin-dir", box.plugin_dir().string()});
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
}

// `cchost evidence show` with a plugin whose table has no show entry (hello predates it): a
// usage error that says so, not a crash or an empty "decoded" result.
TEST(CliPlugins, EvidenceShowNamesAPluginThatCannotShow) {
  CliSandbox box;
  const std::string bytes = "not evidence";
  const auto token = box.write_file("t.bin", ByteView(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
  auto r = box.cchost({"evidence", "show", "--namespace", "x-hello", token.string(), "--plugin-dir", box.plugin_dir().string()});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("(x-hello) cannot show its evidence: its table has no show entry"));
  EXPECT_THAT(r.out, Not(HasSubstr("decoded")));
}

}  // namespace
}  // namespace cchost::cli::test
