// The in-tree example plugin (examples/hello-authorizer) through the real loader.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <ctime>
#include <nlohmann/json.hpp>

#include "cchost/plugin/loader.hpp"

namespace cchost::plugin {
namespace {

using ::testing::HasSubstr;
using nlohmann::json;

#ifdef CCHOST_HAVE_HELLO
std::filesystem::path hello_so() {
  return std::filesystem::path(CCHOST_PLUGIN_DIR) / "hello_authorizer.so";
}

Bytes binding(std::uint8_t fill) { return Bytes(64, fill); }

TEST(PluginHello, RoundTripClaimsCarryEveryType) {
  auto loaded = PluginLoader().load(hello_so(), "greeting = \"hi there\"\nsvn = 42\n");
  ASSERT_TRUE(loaded.ok()) << loaded.message();
  EXPECT_EQ((*loaded)->info().ns, "x-hello");
  auto b = binding(0xab);
  auto token = (*loaded)->generate(b);
  ASSERT_TRUE(token.ok()) << token.message();
  auto claims = (*loaded)->verify_json(*token, b, std::time(nullptr) + 5);
  ASSERT_TRUE(claims.ok()) << claims.message();
  json doc = json::parse(*claims);
  EXPECT_EQ(doc["schema"], "cchost.claims/v2");
  EXPECT_EQ(doc["namespace"], "x-hello");
  EXPECT_EQ(doc["simulated"], true);
  EXPECT_TRUE(doc["issued_at"].is_number_integer());
  ASSERT_EQ(doc["records"].size(), 1u);
  const json& c = doc["records"][0]["claims"];
  EXPECT_EQ(c["hello.binding_checked"], json({{"type", "bool"}, {"value", true}}));
  EXPECT_EQ(c["hello.svn"], json({{"type", "int"}, {"value", 42}}));
  EXPECT_EQ(c["hello.greeting"], json({{"type", "string"}, {"value", "hi there"}}));
  EXPECT_EQ(c["hello.binding"]["type"], "hex");
  std::string expected_hex;
  for (int i = 0; i < 64; ++i) expected_hex += "ab";
  EXPECT_EQ(c["hello.binding"]["value"], expected_hex);
  EXPECT_EQ(c["hello.format_version"], json({{"type", "version"}, {"value", "1.0"}}));
}

TEST(PluginHello, WrongBindingAndFutureTokenFail) {
  auto loaded = PluginLoader().load(hello_so(), "");
  ASSERT_TRUE(loaded.ok()) << loaded.message();
  auto token = (*loaded)->generate(binding(1));
  ASSERT_TRUE(token.ok());
  auto wrong = (*loaded)->verify(*token, binding(2), std::time(nullptr) + 5);
  ASSERT_FALSE(wrong.ok());
  EXPECT_THAT(wrong.message(), HasSubstr("binding mismatch"));
  auto early = (*loaded)->verify(*token, binding(1), 1000);
  ASSERT_FALSE(early.ok());
  EXPECT_THAT(early.message(), HasSubstr("is after the verification time 1000"));
  auto unbound = (*loaded)->verify(*token, std::nullopt, std::time(nullptr) + 5);
  ASSERT_TRUE(unbound.ok()) << unbound.message();
  EXPECT_EQ(unbound->records[0].claims.at("hello.binding_checked"), claims::ClaimValue::of_bool(false));
}

TEST(PluginHello, MalformedTokensRejectedWithReason) {
  auto loaded = PluginLoader().load(hello_so(), "");
  ASSERT_TRUE(loaded.ok());
  auto token = (*loaded)->generate(binding(1));
  ASSERT_TRUE(token.ok());
  for (std::size_t cut : {std::size_t{0}, std::size_t{7}, std::size_t{85}, token->size() - 1}) {
    Bytes truncated(token->begin(), token->begin() + static_cast<std::ptrdiff_t>(cut));
    auto r = (*loaded)->verify(truncated, std::nullopt, std::time(nullptr) + 5);
    ASSERT_FALSE(r.ok()) << "cut at " << cut;
    EXPECT_THAT(r.message(), HasSubstr("malformed evidence"));
  }
}

TEST(PluginHello, DescribesItsKnobTable) {
  auto info = PluginLoader().inspect(hello_so());
  ASSERT_TRUE(info.ok()) << info.message();
  EXPECT_EQ(info->description["policy_section"], "hello");
  EXPECT_EQ(info->description["knobs"][0]["name"], "min_svn");
  EXPECT_TRUE(info->capabilities.thread_safe_verify);
}

TEST(PluginHello, UnknownConfigKeyRefused) {
  auto loaded = PluginLoader().load(hello_so(), "colour = \"red\"");
  ASSERT_FALSE(loaded.ok());
  EXPECT_THAT(loaded.message(), HasSubstr("[x-hello] colour: unknown key"));
}

// The example reads its config with the kit's strict reader: types and ranges are checked by
// key name, and a TOML syntax error carries its position.
TEST(PluginHello, ConfigTypesRangesAndSyntaxRefusedByName) {
  auto wrong_type = PluginLoader().load(hello_so(), "svn = \"3\"");
  ASSERT_FALSE(wrong_type.ok());
  EXPECT_THAT(wrong_type.message(), HasSubstr("[x-hello] svn"));
  auto out_of_range = PluginLoader().load(hello_so(), "svn = -1");
  ASSERT_FALSE(out_of_range.ok());
  EXPECT_THAT(out_of_range.message(), HasSubstr("[x-hello] svn"));
  auto syntax = PluginLoader().load(hello_so(), "greeting = \"unterminated\n");
  ASSERT_FALSE(syntax.ok());
  EXPECT_THAT(syntax.message(), HasSubstr("x-hello config:1:"));
}
#else
TEST(PluginHello, Skipped) { GTEST_SKIP() << "examples/hello-authorizer is not in this build"; }
#endif

}  // namespace
}  // namespace cchost::plugin
