// `cchost plugins list` against a private plugin folder.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "cli_test_support.hpp"

namespace cchost::cli::test {
namespace {

using ::testing::HasSubstr;
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

}  // namespace
}  // namespace cchost::cli::test
