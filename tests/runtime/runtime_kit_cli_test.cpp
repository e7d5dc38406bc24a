// `cchost kit verify|show` (issue 14, item 4) on kits from the real ccprovision: a kit verifies
// against the root pin and shows what it holds without a secret; a changed file, another root's
// pin or a loosened key-file mode is refused naming what is wrong.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "runtime_harness.hpp"

namespace cchost::runtime_test {
namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

class RuntimeKitCli : public ::testing::Test {
 protected:
  void SetUp() override {
    ProjectSpec spec;
    spec.server_policy = lenient_policy();
    spec.sites = {{"site-1", lenient_policy()}};
    auto provisioned = h_.provision(spec);
    ASSERT_EQ(provisioned.exit_code, 0) << provisioned.output;
  }
  RuntimeHarness h_{"kit-cli"};
};

TEST_F(RuntimeKitCli, AKitVerifiesAndShowsWhatItHoldsButNoSecret) {
  auto verified = h_.cchost({"kit", "verify", h_.kit("site-1").string()});
  EXPECT_EQ(verified.exit_code, 0) << verified.output;
  EXPECT_TRUE(contains(verified.output, ": verified (site-1, site, root ")) << verified.output;

  auto shown = h_.cchost({"kit", "show", h_.kit("site-1").string()});
  EXPECT_EQ(shown.exit_code, 0) << shown.output;
  EXPECT_TRUE(contains(shown.output, "authorizer:  x-snp snp_authorizer.so")) << shown.output;
  auto json = h_.cchost({"kit", "show", h_.kit("server").string(), "--json"});
  ASSERT_EQ(json.exit_code, 0) << json.output;
  auto j = nlohmann::json::parse(json.output, nullptr, false);
  ASSERT_TRUE(j.is_object()) << json.output;
  EXPECT_EQ(j.value("schema", ""), "cchost.kit/v1");
  EXPECT_EQ(j["participant"].value("role", ""), "server");
  EXPECT_EQ(j["participants"]["site-1"].value("role", ""), "site");
  EXPECT_TRUE(j["participants"]["site-1"].value("receipt_key", false));
  // No secret in any output: neither the CURVE secret nor a private key.
  for (const auto& who : {"site-1", "server"}) {
    const std::string secret = read_text(h_.kit(who) / "keys" / "curve.secret");
    ASSERT_FALSE(secret.empty());
    const std::string z85 = secret.substr(0, secret.find('\n'));
    for (const auto* out : {&verified.output, &shown.output, &json.output}) {
      EXPECT_FALSE(contains(*out, z85)) << who << "'s secret printed";
      EXPECT_FALSE(contains(*out, "PRIVATE KEY")) << *out;
    }
  }
}

TEST_F(RuntimeKitCli, AChangedFileAnotherRootOrALooseKeyModeIsRefused) {
  const auto kit = h_.kit("site-1");
  // Another root's pin: refused, both fingerprints named by the loader.
  auto wrong = h_.cchost({"kit", "verify", kit.string(), "--root-fingerprint", std::string(64, 'a')});
  EXPECT_EQ(wrong.exit_code, 1) << wrong.output;
  EXPECT_TRUE(contains(wrong.output, "REFUSED")) << wrong.output;
  // A malformed pin is a usage error.
  auto malformed = h_.cchost({"kit", "verify", kit.string(), "--root-fingerprint", "xyz"});
  EXPECT_EQ(malformed.exit_code, 2) << malformed.output;
  // A key file readable by others.
  const auto key = kit / "keys" / "receipt.key";
  ASSERT_EQ(::chmod(key.c_str(), 0644), 0);
  auto loose = h_.cchost({"kit", "verify", kit.string()});
  EXPECT_EQ(loose.exit_code, 1) << loose.output;
  EXPECT_TRUE(contains(loose.output, "receipt.key")) << loose.output;
  ASSERT_EQ(::chmod(key.c_str(), 0600), 0);
  // One byte appended to the policy: the manifest's SHA-256 no longer matches.
  std::ofstream(kit / "policy.toml", std::ios::app) << "\n";
  auto changed = h_.cchost({"kit", "show", kit.string(), "--json"});
  EXPECT_EQ(changed.exit_code, 1) << changed.output;
  auto j = nlohmann::json::parse(changed.output, nullptr, false);
  ASSERT_TRUE(j.is_object()) << changed.output;
  EXPECT_FALSE(j.value("verified", true));
  EXPECT_TRUE(contains(j.value("refused", ""), "policy.toml")) << changed.output;
}

}  // namespace
}  // namespace cchost::runtime_test
