// `cchost verify` over several namespaces (--evidence NS=FILE, repeatable), then the composite
// stages: the real binary, the real hello plugin, and the real fixture plugins x-fixture-board
// (one token: 8 GPUs + 4 switches, tests/plugin/fixtures/board.c) and x-fixture-topology (its
// composite stage derives topology.gpus / .switches / .all_gpus_ready from the board's verified
// records, tests/plugin/fixtures/topology.cpp), copied into a private plugin folder.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "cchost/attest/binding.hpp"
#include "cchost/crypto/encoding.hpp"
#include "cchost/plugin/loader.hpp"
#include "cli_test_support.hpp"

namespace cchost::cli::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using nlohmann::json;
namespace fs = std::filesystem;

const fs::path kFixtures = fs::path(CCHOST_FIXTURE_DIR);

class CliVerifyMulti : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* so : {"fixture_board.so", "fixture_topology.so"}) {
      fs::copy_file(kFixtures / so, box.plugin_dir() / so);
      ::chmod((box.plugin_dir() / so).c_str(), 0755);
    }
  }

  // A hello token carrying `b`.
  fs::path hello_token(const Bytes& b, const std::string& name = "hello.bin") const {
    auto loaded = plugin::PluginLoader().load(hello_so(), "greeting = \"from test\"\nsvn = 7");
    EXPECT_TRUE(loaded.ok()) << loaded.message();
    auto token = (*loaded)->generate(b);
    EXPECT_TRUE(token.ok()) << token.message();
    return box.write_file(name, *token);
  }
  // A board token (board.c): the 64-byte binding, the index of a low-level GPU (0xff: none),
  // the number of GPUs.
  fs::path board_token(const Bytes& b, std::uint8_t bad_gpu = 0xff, std::uint8_t gpus = 8,
                       const std::string& name = "board.bin") const {
    Bytes token = b;
    token.push_back(bad_gpu);
    token.push_back(gpus);
    return box.write_file(name, token);
  }

  std::vector<std::string> two(const fs::path& hello, const fs::path& board) const {
    return {"verify", "--evidence", "x-hello=" + hello.string(), "--evidence", "x-fixture-board=" + board.string(),
            "--plugin-dir", box.plugin_dir().string()};
  }
  static std::vector<std::string> plus(std::vector<std::string> a, const std::vector<std::string>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
  }
  fs::path policy(const std::string& name, const std::string& text) const { return box.write_file(name, as_bytes(text)); }

  CliSandbox box;
  Bytes binding = Bytes(64, 0x42);
  std::string binding_hex = crypto::hex_encode(binding);
};

// The policy of the composite test (tests/attest/composite_test.cpp), with x-hello too: the
// topology knobs and a rule read derived claims only.
const char* kPolicy = R"([policy]
require = ["x-hello", "x-fixture-board", "x-fixture-topology"]
allow_simulated = true   # the hello example has no hardware root
[topology]
gpus = 8
switches = 4
[[rule]]
id = "board-ready"
namespace = "x-fixture-topology"
claim = "topology.all_gpus_ready"
equals = true
)";

TEST_F(CliVerifyMulti, TwoNamespacesVerifiedAndTheCompositeDerivedAndPrinted) {
  auto args = plus(two(hello_token(binding), board_token(binding)), {"--report-data", binding_hex});
  auto r = box.cchost(args);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("verified: x-hello (plugin hello_authorizer.so)\n"));
  EXPECT_THAT(r.out, HasSubstr("hello.svn = 7 (int)\n"));
  EXPECT_THAT(r.out, HasSubstr("verified: x-fixture-board (plugin fixture_board.so)\n"));
  EXPECT_THAT(r.out, HasSubstr("record switch[3] sw-3\n  board.level = 5 (int)\n"));
  EXPECT_THAT(r.out, HasSubstr("\nderived: x-fixture-topology (plugin fixture_topology.so, from x-fixture-board)\n"));
  EXPECT_THAT(r.out, HasSubstr("topology.gpus = 8 (int)\n"));
  EXPECT_THAT(r.out, HasSubstr("topology.switches = 4 (int)\n"));
  EXPECT_THAT(r.out, HasSubstr("topology.all_gpus_ready = true (bool)\n"));
  // The namespaces first, in the order given, then what was derived from them.
  EXPECT_LT(r.out.find("verified: x-hello"), r.out.find("verified: x-fixture-board"));
  EXPECT_LT(r.out.find("verified: x-fixture-board"), r.out.find("derived: x-fixture-topology"));

  auto j = box.cchost(plus(args, {"--json"}));
  ASSERT_EQ(j.exit_code, 0) << j.out << j.err;
  json doc = json::parse(j.out);
  EXPECT_EQ(doc["schema"], "cchost.verify.multi/v1");
  EXPECT_EQ(doc["verified"], true);
  ASSERT_EQ(doc["namespaces"].size(), 2u);
  EXPECT_EQ(doc["namespaces"][0]["namespace"], "x-hello");
  EXPECT_EQ(doc["namespaces"][0]["verified"], true);
  EXPECT_EQ(doc["namespaces"][0]["simulated"], true);
  EXPECT_EQ(doc["namespaces"][0]["records"][0]["claims"]["hello.svn"], json({{"type", "int"}, {"value", 7}}));
  EXPECT_EQ(doc["namespaces"][1]["namespace"], "x-fixture-board");
  EXPECT_EQ(doc["namespaces"][1]["plugin"], "fixture_board.so");
  EXPECT_EQ(doc["namespaces"][1]["records"].size(), 12u);
  ASSERT_EQ(doc["derived"].size(), 1u);
  const json& topology = doc["derived"][0];
  EXPECT_EQ(topology["namespace"], "x-fixture-topology");
  EXPECT_EQ(topology["derived"], true);
  EXPECT_EQ(topology["relates"], json({"x-fixture-board"}));
  EXPECT_EQ(topology["simulated"], false) << "derived from the board only, which is not simulated";
  ASSERT_EQ(topology["records"].size(), 1u);
  EXPECT_EQ(topology["records"][0]["claims"]["topology.gpus"]["value"], 8);
  EXPECT_EQ(topology["records"][0]["claims"]["topology.switches"]["value"], 4);
  EXPECT_EQ(doc["skipped"], json::array());
  EXPECT_TRUE(doc["decision"].is_null());
  EXPECT_EQ(doc["errors"], json::array());
}

// The stage reads the board's verified records: a board of 6 GPUs derives 6, not a constant.
TEST_F(CliVerifyMulti, DerivedClaimsFollowTheVerifiedRecords) {
  auto r = box.cchost({"verify", "--evidence", "x-fixture-board=" + board_token(binding, 2, 6).string(),
                       "--plugin-dir", box.plugin_dir().string(), "--no-binding", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  json doc = json::parse(r.out);
  ASSERT_EQ(doc["namespaces"].size(), 1u) << "one NS=FILE is the several-namespace form too";
  const json& claims = doc["derived"][0]["records"][0]["claims"];
  EXPECT_EQ(claims["topology.gpus"]["value"], 6);
  EXPECT_EQ(claims["topology.all_gpus_ready"]["value"], false) << "GPU 2 is below level 3";
}

TEST_F(CliVerifyMulti, PolicyAppraisesVerifiedAndDerivedClaimsTogether) {
  auto p = policy("policy.toml", kPolicy);
  auto ok = box.cchost(plus(two(hello_token(binding), board_token(binding)),
                            {"--report-data", binding_hex, "--policy", p.string(), "--json"}));
  ASSERT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  json doc = json::parse(ok.out);
  EXPECT_EQ(doc["decision"]["accept"], true);
  EXPECT_EQ(doc["decision"]["failed"], json::array());

  // GPU 2 low: the derived all_gpus_ready is false and the rule on it fails, named.
  auto low = box.cchost(plus(two(hello_token(binding), board_token(binding, 2)),
                             {"--report-data", binding_hex, "--policy", p.string()}));
  EXPECT_EQ(low.exit_code, 1) << low.out << low.err;
  EXPECT_THAT(low.out, HasSubstr("decision: reject\n"));
  EXPECT_THAT(low.out, HasSubstr("failed rule rule.board-ready on topology.all_gpus_ready"));
  EXPECT_THAT(low.out, HasSubstr("error: policy " + p.string() + " rejected the claims"));

  // 6 GPUs: the [topology] knob (from the composite plugin's own vocabulary) fails on the
  // derived topology.gpus, and the rule on all_gpus_ready still passes; --json names it.
  auto six = box.cchost(plus(two(hello_token(binding), board_token(binding, 0xff, 6)),
                             {"--report-data", binding_hex, "--policy", p.string(), "--json"}));
  EXPECT_EQ(six.exit_code, 1) << six.out << six.err;
  doc = json::parse(six.out);
  EXPECT_EQ(doc["verified"], true);
  EXPECT_EQ(doc["decision"]["accept"], false);
  ASSERT_EQ(doc["decision"]["failed"].size(), 1u) << doc["decision"].dump();
  EXPECT_EQ(doc["decision"]["failed"][0]["claim"], "topology.gpus");
  EXPECT_EQ(doc["decision"]["failed"][0]["actual"], "6");

  // The policy sees every namespace at once: a rule on x-hello fails alongside.
  auto strict = policy("strict.toml", std::string(kPolicy) + R"(
[[rule]]
id = "hello-svn-high"
namespace = "x-hello"
claim = "hello.svn"
min = 100
)");
  auto both = box.cchost(plus(two(hello_token(binding), board_token(binding, 2)),
                              {"--report-data", binding_hex, "--policy", strict.string()}));
  EXPECT_EQ(both.exit_code, 1);
  EXPECT_THAT(both.out, HasSubstr("failed rule rule.board-ready on topology.all_gpus_ready"));
  EXPECT_THAT(both.out, HasSubstr("failed rule rule.hello-svn-high on hello.svn"));
}

// The evidence age the policy judges is the oldest namespace's; the board carries no issue
// time, so without --evidence-age (or --nonce) the age is unknown and max_evidence_age rejects.
TEST_F(CliVerifyMulti, EvidenceAgeIsUnknownWhenOneNamespaceHasNoIssueTime) {
  auto p = policy("age.toml", std::string(R"([policy]
require = ["x-hello", "x-fixture-board", "x-fixture-topology"]
allow_simulated = true
max_evidence_age = "60s"
)"));
  auto args = plus(two(hello_token(binding), board_token(binding)), {"--report-data", binding_hex, "--policy",
                                                                     p.string(), "--json"});
  auto unknown = box.cchost(args);
  EXPECT_EQ(unknown.exit_code, 1) << unknown.out << unknown.err;
  EXPECT_THAT(unknown.out, HasSubstr("policy.max_evidence_age"));
  auto told = box.cchost(plus(args, {"--evidence-age", "30"}));
  EXPECT_EQ(told.exit_code, 0) << told.out << told.err;
  auto too_old = box.cchost(plus(args, {"--evidence-age", "61"}));
  EXPECT_EQ(too_old.exit_code, 1) << too_old.out;
}

TEST_F(CliVerifyMulti, OneNamespaceFailingIsNamedAndTheOthersStillReported) {
  auto hello = hello_token(Bytes(64, 0x43));  // carries another binding
  auto args = plus(two(hello, board_token(binding)), {"--report-data", binding_hex, "--policy",
                                                      policy("policy.toml", kPolicy).string()});
  auto r = box.cchost(args);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("NOT verified: x-hello (plugin hello_authorizer.so)\n"));
  EXPECT_THAT(r.out, HasSubstr("error: x-hello evidence did not verify: "));
  EXPECT_THAT(r.out, HasSubstr("binding mismatch"));
  EXPECT_THAT(r.out, HasSubstr("verified: x-fixture-board (plugin fixture_board.so)\n"));
  EXPECT_THAT(r.out, HasSubstr("derived: x-fixture-topology")) << "its only input verified";
  EXPECT_THAT(r.out, Not(HasSubstr("decision:"))) << "no verdict on a partial set of namespaces";

  auto j = box.cchost(plus(args, {"--json"}));
  EXPECT_EQ(j.exit_code, 1);
  json doc = json::parse(j.out);
  EXPECT_EQ(doc["verified"], false);
  EXPECT_EQ(doc["namespaces"][0]["verified"], false);
  EXPECT_EQ(doc["namespaces"][0]["records"], json::array());
  ASSERT_EQ(doc["namespaces"][0]["errors"].size(), 1u);
  EXPECT_EQ(doc["namespaces"][1]["verified"], true);
  EXPECT_EQ(doc["namespaces"][1]["records"].size(), 12u);
  EXPECT_EQ(doc["derived"][0]["derived"], true);
  EXPECT_TRUE(doc["decision"].is_null());
  ASSERT_EQ(doc["errors"].size(), 1u);
  EXPECT_THAT(doc["errors"][0].get<std::string>(), HasSubstr("x-hello evidence did not verify"));
}

// A stage whose input did not verify is not run, and the human output says so.
TEST_F(CliVerifyMulti, CompositeWhoseInputDidNotVerifyIsSkippedAndSaid) {
  auto args = plus(two(hello_token(binding), board_token(Bytes(64, 0x43))), {"--report-data", binding_hex});
  auto r = box.cchost(args);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("verified: x-hello"));
  EXPECT_THAT(r.out, HasSubstr("NOT verified: x-fixture-board"));
  EXPECT_THAT(r.out, HasSubstr("skipped: x-fixture-topology (plugin fixture_topology.so): not derived: relates "
                               "x-fixture-board; x-fixture-board did not verify\n"));
  EXPECT_THAT(r.out, Not(HasSubstr("topology.gpus")));
  // A --config for the skipped stage is no usage error: the board's failure stays the outcome.
  auto config = box.write_file("topology.toml", as_bytes("log_input = true\n"));
  auto configured = box.cchost(plus(args, {"--config", "x-fixture-topology=" + config.string()}));
  EXPECT_EQ(configured.exit_code, 1) << configured.out << configured.err;
  EXPECT_THAT(configured.out, HasSubstr("skipped: x-fixture-topology"));
  json doc = json::parse(box.cchost(plus(args, {"--json"})).out);
  EXPECT_EQ(doc["derived"], json::array());
  ASSERT_EQ(doc["skipped"].size(), 1u);
  EXPECT_EQ(doc["skipped"][0]["namespace"], "x-fixture-topology");
  EXPECT_EQ(doc["skipped"][0]["missing"], json({"x-fixture-board"}));

  // A stage relating none of the given namespaces is not this command's business: silent.
  auto alone = box.cchost({"verify", "--evidence", "x-hello=" + hello_token(binding).string(), "--plugin-dir",
                           box.plugin_dir().string(), "--no-binding", "--json"});
  EXPECT_EQ(alone.exit_code, 0) << alone.out << alone.err;
  doc = json::parse(alone.out);
  EXPECT_EQ(doc["derived"], json::array());
  EXPECT_EQ(doc["skipped"], json::array());
}

// --config NS=FILE reaches a stage's plugin too; a failing stage is a verification failure
// named composite.<ns> with the plugin's reason.
TEST_F(CliVerifyMulti, FailingCompositeStageExits1Named) {
  auto fail = box.write_file("fail.toml", as_bytes("fail = true\n"));
  auto r = box.cchost({"verify", "--evidence", "x-fixture-board=" + board_token(binding).string(), "--config",
                       "x-fixture-topology=" + fail.string(), "--plugin-dir", box.plugin_dir().string(),
                       "--no-binding"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("verified: x-fixture-board"));
  EXPECT_THAT(r.out, HasSubstr("NOT derived: x-fixture-topology (plugin fixture_topology.so, from x-fixture-board)"));
  EXPECT_THAT(r.out, HasSubstr("error: composite.x-fixture-topology: x-fixture-topology composite stage failed: "));
  EXPECT_THAT(r.out, HasSubstr("switch sw-2 links no GPU"));
}

// --nonce, --identity-key and --name give each namespace the host's binding of its own size.
TEST_F(CliVerifyMulti, NonceBindingAppliesToEveryNamespace) {
  const std::string nonce_hex(64, 'a'), key_hex(64, 'b');
  auto nonce = crypto::hex_decode(nonce_hex), key = crypto::hex_decode(key_hex);
  auto bound = attest::binding_of_size(*nonce, *key, "site-1", 64);
  ASSERT_TRUE(bound.ok());
  auto args = two(hello_token(*bound), board_token(*bound));
  auto ok = box.cchost(plus(args, {"--nonce", nonce_hex, "--identity-key", key_hex, "--name", "site-1"}));
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  auto other = box.cchost(plus(args, {"--nonce", nonce_hex, "--identity-key", key_hex, "--name", "site-2"}));
  EXPECT_EQ(other.exit_code, 1);
  EXPECT_THAT(other.out, HasSubstr("error: x-hello evidence did not verify"));
  EXPECT_THAT(other.out, HasSubstr("error: x-fixture-board evidence did not verify"));
}

// The single form is unchanged: its own schema, and no composite stage runs even when one in
// the folder relates the namespace (the NS=FILE form asks for them).
TEST_F(CliVerifyMulti, SingleFormKeepsItsSchemaAndRunsNoStage) {
  auto r = box.cchost({"verify", "--namespace", "x-fixture-board", "--evidence", board_token(binding).string(),
                       "--plugin-dir", box.plugin_dir().string(), "--no-binding", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  json doc = json::parse(r.out);
  EXPECT_EQ(doc["schema"], "cchost.verify/v1");
  EXPECT_EQ(doc["namespace"], "x-fixture-board");
  EXPECT_FALSE(doc.contains("derived"));
  // A plain path may hold '=': only a namespace before the first '=' makes NS=FILE.
  auto odd = board_token(binding, 0xff, 8, "a=b.bin");
  auto plain = box.cchost({"verify", "--namespace", "x-fixture-board", "--evidence", odd.string(), "--plugin-dir",
                           box.plugin_dir().string(), "--no-binding"});
  EXPECT_EQ(plain.exit_code, 0) << plain.out << plain.err;
}

TEST_F(CliVerifyMulti, UsageErrorsExit2NamingTheOption) {
  const std::string hello = "x-hello=" + hello_token(binding).string();
  const std::string board = "x-fixture-board=" + board_token(binding).string();
  const std::string dir = box.root().string();
  struct Case {
    std::vector<std::string> args;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {{"--namespace", "x-hello", "--evidence", board}, "--namespace x-hello goes with --evidence FILE"},
      {{"--evidence", hello, "--evidence", (box.root() / "board.bin").string()},
       "--evidence " + (box.root() / "board.bin").string() + ": expected --evidence NS=FILE"},
      {{"--evidence", hello, "--evidence", hello}, "--evidence: namespace x-hello given twice"},
      {{"--evidence", hello, "--collateral", "x-fixture-board=" + dir},
       "--collateral x-fixture-board=...: no --evidence x-fixture-board=FILE was given"},
      {{"--evidence", hello, "--collateral", dir}, "--collateral " + dir + ": expected --collateral NS=DIR"},
      {{"--evidence", hello, "--collateral", "x-hello=" + dir, "--collateral", "x-hello=" + dir},
       "--collateral: namespace x-hello given twice"},
      {{"--evidence", hello, "--trust", dir}, "--trust goes with --namespace NS --evidence FILE"},
      {{"--evidence", hello, "--config", "x-nothing=" + dir + "/c.toml"},
       "--config x-nothing=" + dir + "/c.toml: x-nothing is neither a namespace given"},
      {{"--evidence", hello, "--config", "x-fixture-topology=" + dir + "/c.toml"},
       "x-fixture-topology is neither a namespace given with --evidence nor a composite stage in"},
      {{"--evidence", hello, "--config", dir + "/c.toml"}, "expected --config NS=FILE"},
      {{"--evidence", "x-hello="}, "--evidence x-hello=: nothing after 'x-hello='"},
      {{"--evidence", "x-fixture-topology=" + (box.root() / "board.bin").string()},
       "x-fixture-topology is derived by a composite stage (from x-fixture-board)"},
      {{"--evidence", hello, "--evidence", "x-nothing=" + (box.root() / "board.bin").string()},
       "no usable plugin for namespace 'x-nothing'"},
      {{"--evidence", "x-hello=" + dir + "/absent.bin"}, "x-hello: --evidence " + dir + "/absent.bin: cannot read"},
      {{"--evidence", hello, "--report-data", "abcd"}, "x-hello: --report-data: the plugin's binding is 64 bytes"},
      {{"--evidence", hello}, "x-hello: exactly one of --nonce, --report-data or --no-binding is required"},
      // The single form, mixed with the other or repeated:
      {{"--namespace", "x-hello", "--evidence", (box.root() / "hello.bin").string(), "--collateral",
        "x-hello=" + dir},
       "--collateral x-hello=" + dir + ": --collateral NS=DIR goes with --evidence NS=FILE"},
      {{"--namespace", "x-hello", "--evidence", (box.root() / "hello.bin").string(), "--evidence",
        (box.root() / "hello.bin").string()},
       "--evidence given 2 times with --namespace x-hello"},
      {{"--evidence", (box.root() / "hello.bin").string()}, "--namespace NS is required with --evidence FILE"},
  };
  for (const auto& c : cases) {
    auto args = plus({"verify"}, c.args);
    if (c.expected != "x-hello: exactly one of --nonce, --report-data or --no-binding is required" &&
        c.expected.find("--report-data") == std::string::npos)
      args.push_back("--no-binding");
    args = plus(args, {"--plugin-dir", box.plugin_dir().string()});
    auto r = box.cchost(args);
    EXPECT_EQ(r.exit_code, 2) << c.expected << ": " << r.out << r.err;
    EXPECT_THAT(r.err, HasSubstr(c.expected));
  }
}

}  // namespace
}  // namespace cchost::cli::test
