// `cchost verify` end to end: real binary, real hello plugin, the contract's exit codes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <ctime>
#include <nlohmann/json.hpp>

#include "cchost/crypto/encoding.hpp"
#include "cchost/plugin/loader.hpp"
#include "cli_test_support.hpp"
#ifdef CCHOST_TEST_HAVE_ATTEST
#include "cchost/attest/binding.hpp"
#endif

namespace cchost::cli::test {
namespace {

using ::testing::HasSubstr;
using nlohmann::json;
using Binding = std::array<std::uint8_t, 64>;

Binding filled(std::uint8_t v) {
  Binding b{};
  b.fill(v);
  return b;
}

// A hello token carrying `binding`, written to the sandbox.
std::filesystem::path hello_token(const CliSandbox& box, const Binding& binding,
                                  const std::string& name = "token.bin") {
  auto loaded = plugin::PluginLoader().load(hello_so(), "greeting = \"from test\"\nsvn = 7");
  EXPECT_TRUE(loaded.ok()) << loaded.message();
  auto token = (*loaded)->generate(Bytes(binding.begin(), binding.end()));
  EXPECT_TRUE(token.ok()) << token.message();
  return box.write_file(name, *token);
}

class CliVerify : public ::testing::Test {
 protected:
  std::vector<std::string> base(const std::filesystem::path& evidence) const {
    return {"verify", "--namespace", "x-hello", "--evidence", evidence.string(),
            "--plugin-dir", box.plugin_dir().string()};
  }
  static std::vector<std::string> plus(std::vector<std::string> a, const std::vector<std::string>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
  }
  CliSandbox box;
  Binding binding = filled(0x42);
  std::string binding_hex = crypto::hex_encode(binding);
};

TEST_F(CliVerify, GoodTokenPrintsOneClaimPerLine) {
  auto r = box.cchost(plus(base(hello_token(box, binding)), {"--report-data", binding_hex}));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("verified: x-hello (plugin hello_authorizer.so)"));
  EXPECT_THAT(r.out, HasSubstr("hello.svn = 7 (int)\n"));
  EXPECT_THAT(r.out, HasSubstr("hello.greeting = \"from test\" (string)\n"));
  EXPECT_THAT(r.out, HasSubstr("hello.binding_checked = true (bool)\n"));
  EXPECT_THAT(r.out, HasSubstr("hello.binding = " + binding_hex + " (hex)\n"));
  EXPECT_THAT(r.out, HasSubstr("hello.format_version = 1.0 (version)\n"));
}

TEST_F(CliVerify, JsonObjectFollowsTheContract) {
  auto r = box.cchost(plus(base(hello_token(box, binding)), {"--report-data", binding_hex, "--json"}));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  json doc = json::parse(r.out);
  EXPECT_EQ(doc["verified"], true);
  EXPECT_EQ(doc["schema"], "cchost.verify/v1");
  EXPECT_EQ(doc["namespace"], "x-hello");
  EXPECT_EQ(doc["simulated"], true);
  EXPECT_TRUE(doc["issued_at"].is_number_integer());
  ASSERT_EQ(doc["records"].size(), 1u);
  EXPECT_EQ(doc["records"][0]["claims"]["hello.svn"], json({{"type", "int"}, {"value", 7}}));
  EXPECT_TRUE(doc["decision"].is_null());
  EXPECT_EQ(doc["errors"], json::array());
}

TEST_F(CliVerify, WrongBindingExits1WithReason) {
  auto token = hello_token(box, binding);
  auto r = box.cchost(plus(base(token), {"--report-data", crypto::hex_encode(filled(0x43))}));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("NOT verified: x-hello"));
  EXPECT_THAT(r.out, HasSubstr("error: plugin x-hello"));
  EXPECT_THAT(r.out, HasSubstr("binding mismatch"));

  auto j = box.cchost(plus(base(token), {"--report-data", crypto::hex_encode(filled(0x43)), "--json"}));
  EXPECT_EQ(j.exit_code, 1);
  json doc = json::parse(j.out);
  EXPECT_EQ(doc["verified"], false);
  EXPECT_EQ(doc["records"], json::array());
  ASSERT_EQ(doc["errors"].size(), 1u);
  EXPECT_THAT(doc["errors"][0].get<std::string>(), HasSubstr("binding mismatch"));
}

TEST_F(CliVerify, NoBindingSkipsTheCheck) {
  auto r = box.cchost(plus(base(hello_token(box, binding)), {"--no-binding"}));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("hello.binding_checked = false (bool)"));
}

TEST_F(CliVerify, GarbageEvidenceExits1WithoutCrashing) {
  std::vector<std::uint8_t> junk(300);
  for (std::size_t i = 0; i < junk.size(); ++i) junk[i] = static_cast<std::uint8_t>(i * 37 + 11);
  for (const auto& [name, bytes] : std::vector<std::pair<std::string, Bytes>>{
           {"junk.bin", junk}, {"empty.bin", {}}, {"magic.bin", Bytes{'C', 'C', 'H', 'E', 'L', 'L', 'O', '1'}}}) {
    auto r = box.cchost(plus(base(box.write_file(name, bytes)), {"--no-binding"}));
    EXPECT_EQ(r.exit_code, 1) << name << ": " << r.out << r.err;
    EXPECT_THAT(r.out, HasSubstr("malformed evidence")) << name;
  }
}

TEST_F(CliVerify, AtBeforeTheTokenWasIssuedFails) {
  auto token = hello_token(box, binding);
  auto r = box.cchost(plus(base(token), {"--no-binding", "--at", "2001-09-09T01:46:40Z"}));
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("is after the verification time 1000000000"));
  auto epoch = box.cchost(plus(base(token), {"--no-binding", "--at", std::to_string(std::time(nullptr) + 60)}));
  EXPECT_EQ(epoch.exit_code, 0) << epoch.out << epoch.err;
}

TEST_F(CliVerify, UsageErrorsExit2) {
  auto token = hello_token(box, binding);
  struct Case {
    std::vector<std::string> extra;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {{}, "exactly one of --nonce, --report-data or --no-binding is required, got 0"},
      {{"--no-binding", "--report-data", binding_hex}, "got 2"},
      {{"--report-data", "abcd"}, "the plugin's binding is 64 bytes (128 hex digits), got 2 bytes"},
      {{"--report-data", "zz"}, "--report-data"},
      {{"--nonce", "00112233"}, "--nonce requires --identity-key HEX and --name NAME"},
      {{"--no-binding", "--name", "site-1"}, "go with --nonce only"},
      {{"--no-binding", "--at", "yesterday"}, "--at"},
      {{"--no-binding", "--collateral", "/a", "--trust", "/b"}, "name different folders"},
      {{"--no-binding", "--config", (box.root() / "absent.toml").string()}, "--config"},
  };
  for (const auto& c : cases) {
    auto r = box.cchost(plus(base(token), c.extra));
    EXPECT_EQ(r.exit_code, 2) << c.expected << ": " << r.out << r.err;
    EXPECT_THAT(r.err, HasSubstr(c.expected));
  }
}

TEST_F(CliVerify, UnreadableEvidenceUnknownNamespaceBadConfigExit2) {
  auto r = box.cchost(plus(base(box.root() / "absent.bin"), {"--no-binding"}));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--evidence " + (box.root() / "absent.bin").string() + ": cannot read"));

  auto token = hello_token(box, binding);
  auto other = box.cchost({"verify", "--namespace", "x-nothing", "--evidence", token.string(),
                           "--plugin-dir", box.plugin_dir().string(), "--no-binding"});
  EXPECT_EQ(other.exit_code, 2);
  EXPECT_THAT(other.err, HasSubstr("no usable plugin for namespace 'x-nothing'"));
  EXPECT_THAT(other.err, HasSubstr("found: x-hello"));

  auto config = box.write_file("bad.toml", as_bytes("colour = \"red\"\n"));
  auto bad = box.cchost(plus(base(token), {"--no-binding", "--config", config.string()}));
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("create failed"));

  auto missing = box.cchost({"verify", "--namespace", "x-hello", "--no-binding"});
  EXPECT_EQ(missing.exit_code, 2);
}

// --evidence-age (issue 14): offline, the operator says how old the evidence was at --at, and a
// policy's max_evidence_age judges that figure rather than one the evidence carries itself.
TEST_F(CliVerify, EvidenceAgeFromTheOperatorDecidesMaxEvidenceAge) {
  auto token = hello_token(box, binding);
  auto policy = box.write_file("age.toml", as_bytes(R"([policy]
require = ["x-hello"]
allow_simulated = true   # the hello example has no hardware root
max_evidence_age = "60s"
)"));
  const std::string later = std::to_string(std::time(nullptr) + 3600);  // an hour after the token
  auto stale = box.cchost(plus(base(token), {"--no-binding", "--at", later, "--policy", policy.string(), "--json"}));
  EXPECT_EQ(stale.exit_code, 1) << stale.out << stale.err;
  EXPECT_THAT(stale.out, HasSubstr("policy.max_evidence_age"));
  auto fresh = box.cchost(plus(base(token), {"--no-binding", "--at", later, "--evidence-age", "30", "--policy",
                                             policy.string(), "--json"}));
  EXPECT_EQ(fresh.exit_code, 0) << fresh.out << fresh.err;
  auto too_old = box.cchost(plus(base(token), {"--no-binding", "--at", later, "--evidence-age", "61", "--policy",
                                               policy.string(), "--json"}));
  EXPECT_EQ(too_old.exit_code, 1) << too_old.out;
  EXPECT_EQ(box.cchost(plus(base(token), {"--no-binding", "--evidence-age", "-5"})).exit_code, 2);
}

// --policy appraises the claims with host/policy: accept exits 0 with the decision in the
// report; a failed rule exits 1 and is named; a broken policy file is a usage error (2).
TEST_F(CliVerify, PolicyAcceptsAndRejectsWithTheFailedRuleNamed) {
  auto token = hello_token(box, binding);
  auto accepting = box.write_file("accept.toml", as_bytes(R"([policy]
require = ["x-hello"]
allow_simulated = true   # the hello example has no hardware root
max_evidence_age = "1h"

[[rule]]
id = "hello-svn"
namespace = "x-hello"
claim = "hello.svn"
min = 0
)"));
  auto ok = box.cchost(plus(base(token), {"--no-binding", "--policy", accepting.string(), "--json"}));
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  json doc = json::parse(ok.out);
  EXPECT_EQ(doc["decision"]["accept"], true);

  auto rejecting = box.write_file("reject.toml", as_bytes(R"([policy]
require = ["x-hello"]
allow_simulated = true

[[rule]]
id = "hello-svn-high"
namespace = "x-hello"
claim = "hello.svn"
min = 1000000
)"));
  auto no = box.cchost(plus(base(token), {"--no-binding", "--policy", rejecting.string(), "--json"}));
  EXPECT_EQ(no.exit_code, 1) << no.out << no.err;
  doc = json::parse(no.out);
  EXPECT_EQ(doc["verified"], true);
  EXPECT_EQ(doc["decision"]["accept"], false);
  ASSERT_EQ(doc["decision"]["failed"].size(), 1u);
  EXPECT_EQ(doc["decision"]["failed"][0]["claim"], "hello.svn");

  auto strict = box.write_file("strict.toml", as_bytes("[policy]\nrequire = [\"x-hello\"]\n"));
  auto simulated = box.cchost(plus(base(token), {"--no-binding", "--policy", strict.string(), "--json"}));
  EXPECT_EQ(simulated.exit_code, 1) << "simulated evidence without allow_simulated must be rejected";
  EXPECT_THAT(simulated.out, HasSubstr("policy.allow_simulated"));

  auto broken = box.write_file("broken.toml", as_bytes("[policy]\nrequire = [\"x-hello\"]\nbogus = 1\n"));
  auto bad = box.cchost(plus(base(token), {"--no-binding", "--policy", broken.string()}));
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("broken.toml:3:"));
}

TEST_F(CliVerify, NonceIdentityKeyAndNameGiveTheHostBinding) {
  const std::string nonce_hex(64, 'a'), key_hex(64, 'b');
#ifdef CCHOST_TEST_HAVE_ATTEST
  auto nonce = crypto::hex_decode(nonce_hex), key = crypto::hex_decode(key_hex);
  auto token = hello_token(box, attest::compute_binding(*nonce, *key, "site-1"));
  auto ok = box.cchost(plus(base(token), {"--nonce", nonce_hex, "--identity-key", key_hex, "--name", "site-1"}));
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  auto other = box.cchost(plus(base(token), {"--nonce", nonce_hex, "--identity-key", key_hex, "--name", "site-2"}));
  EXPECT_EQ(other.exit_code, 1);
  EXPECT_THAT(other.out, HasSubstr("binding mismatch"));
#else
  auto token = hello_token(box, binding);
  auto r = box.cchost(plus(base(token), {"--nonce", nonce_hex, "--identity-key", key_hex, "--name", "site-1"}));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("needs host/attest"));
#endif
}

}  // namespace
}  // namespace cchost::cli::test
