// The composite stage (issue 10): a plugin that relates other namespaces derives claims from
// their *verified* records after every token verified (verify -> claims -> composite -> policy).
// Real plugins through the real loader: the board fixture (8 GPUs + 4 switches in one token,
// tests/plugin/fixtures/board.c) and the topology fixture (tests/plugin/fixtures/topology.cpp),
// which derives topology.gpus, topology.switches and topology.all_gpus_ready.
#include <gtest/gtest.h>

#include <algorithm>
#include <mutex>

#include "cchost/attest/binding.hpp"
#include "cchost/attest/bundle.hpp"
#include "cchost/attest/catalog.hpp"
#include "cchost/attest/plugin_attestor.hpp"
#include "cchost/crypto/encoding.hpp"
#include "cchost/policy/loader.hpp"

namespace cchost::attest {
namespace {

const std::filesystem::path kFixtures = std::filesystem::path(CCHOST_FIXTURE_DIR);
const std::filesystem::path kBoard = kFixtures / "fixture_board.so";
const std::filesystem::path kTopology = kFixtures / "fixture_topology.so";
const Bytes kKey(32, 0x33);
const Bytes kNonce(32, 0x44);

const char* kPolicy = R"(
[policy]
require = ["x-fixture-board", "x-fixture-topology"]
[topology]
gpus = 8
switches = 4
[[rule]]
id = "board-ready"
namespace = "x-fixture-topology"
claim = "topology.all_gpus_ready"
equals = true
)";

struct Party {
  std::unique_ptr<PluginAttestor> attestor;
  std::shared_ptr<std::vector<std::string>> logs = std::make_shared<std::vector<std::string>>();
  std::shared_ptr<std::mutex> logs_mu = std::make_shared<std::mutex>();
};

// board_config / topology_config: each fixture's TOML; with_topology = false loads the board only.
Party party(const std::string& board_config, const std::string& topology_config,
            const std::string& policy_text = kPolicy, bool with_board = true) {
  Party p;
  plugin::PluginLoader loader;
  std::vector<std::shared_ptr<plugin::Authorizer>> authorizers;
  if (with_board) {
    auto board = loader.load(kBoard, board_config);
    EXPECT_TRUE(board) << board.message();
    authorizers.push_back(*board);
  }
  plugin::HostServices services;
  services.log = [logs = p.logs, mu = p.logs_mu](int, const std::string& m) {
    std::lock_guard lock(*mu);
    logs->push_back(m);
  };
  auto topology = loader.load(kTopology, topology_config, std::nullopt, services);
  EXPECT_TRUE(topology) << topology.message();
  authorizers.push_back(*topology);
  auto catalog = catalog_of(authorizers);
  EXPECT_TRUE(catalog) << catalog.message();
  auto loaded = policy::load_policy_text(policy_text, "topology.toml", *catalog);
  EXPECT_TRUE(loaded.ok()) << (loaded.errors.empty() ? "" : loaded.errors[0].to_string());
  PluginAttestorConfig c;
  c.name = "site-1";
  c.identity_key = kKey;
  c.authorizers = std::move(authorizers);
  c.policy = std::make_shared<const policy::Policy>(std::move(*loaded.policy));
  p.attestor = std::make_unique<PluginAttestor>(std::move(c));
  return p;
}

// The prover's bundle crosses the wire form and is appraised by `verifier`.
Appraisal appraise_from(const std::string& prover_board_config, Party& verifier) {
  auto prover = party(prover_board_config, "");
  auto bundle = prover.attestor->produce(kNonce);
  EXPECT_TRUE(bundle) << bundle.message();
  auto received = bundle_from_wire(nlohmann::json::parse(bundle_header(*bundle).dump()), bundle_blobs(*bundle));
  EXPECT_TRUE(received) << received.message();
  AppraisalRequest request{&*received, kNonce, "site-1", kKey, "site", std::nullopt};
  return verifier.attestor->appraise(request);
}

bool names(const Appraisal& a, const std::string& what) {
  return std::find(a.failed_rules.begin(), a.failed_rules.end(), what) != a.failed_rules.end();
}

TEST(AttestComposite, TheTopologyFixtureDeclaresItsStage) {
  plugin::PluginLoader loader;
  auto info = loader.inspect(kTopology);
  ASSERT_TRUE(info) << info.message();
  EXPECT_EQ(info->relates, std::vector<std::string>{"x-fixture-board"});
  EXPECT_FALSE(info->capabilities.generate);
}

TEST(AttestComposite, APluginBuiltBeforeTheStageStillLoads) {
  // Its table ends at sim_provision; the host must not read the field after it.
  plugin::PluginLoader loader;
  auto a = loader.load(kFixtures / "fixture_short_table.so", "");
  ASSERT_TRUE(a) << a.message();
  EXPECT_TRUE((*a)->info().relates.empty());
  auto derived = (*a)->relate({});
  ASSERT_FALSE(derived);
  EXPECT_NE(derived.message().find("has no composite stage"), std::string::npos) << derived.message();
}

TEST(AttestComposite, AStageDeclaredWronglyIsRefusedAtLoad) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"no_entry", "lists \"relates\" but the table's relate is NULL or absent"},
      {"undeclared", "lists no \"relates\" but the table's relate is set"},
      {"self", "a plugin cannot consume its own namespace x-fixture-relates"},
      {"not_ns", "entries must be namespaces"},
      {"twice", "namespace x-a listed twice"},
  };
  for (const auto& [variant, why] : cases) {
    plugin::PluginLoader loader;
    auto info = loader.inspect(kFixtures / ("fixture_relates_" + variant + ".so"));
    ASSERT_FALSE(info) << variant;
    EXPECT_NE(info.message().find(why), std::string::npos) << variant << ": " << info.message();
  }
}

TEST(AttestComposite, DerivedClaimsFromTwelveVerifiedRecordsAreAppraised) {
  auto verifier = party("", "");
  const auto a = appraise_from("", verifier);
  EXPECT_TRUE(a.accept) << a.detail.dump();

  // The derived values themselves: a policy asking for another count fails with the actual.
  auto nine = party("", "", R"([policy]
require = ["x-fixture-topology"]
[topology]
gpus = 9
switches = 5
)");
  const auto b = appraise_from("", nine);
  ASSERT_FALSE(b.accept);
  ASSERT_EQ(b.detail["failed"].size(), 2u) << b.detail.dump();
  EXPECT_EQ(b.detail["failed"][0]["claim"], "topology.gpus");
  EXPECT_EQ(b.detail["failed"][0]["actual"], "8");
  EXPECT_EQ(b.detail["failed"][1]["claim"], "topology.switches");
  EXPECT_EQ(b.detail["failed"][1]["actual"], "4");
}

TEST(AttestComposite, ARuleOnADerivedClaimRejectsNamingIt) {
  auto verifier = party("", "");
  // GPU 5 is not ready: the board's own records pass this policy (it sets no board knob), so
  // only the derived claim can reject.
  const auto a = appraise_from("bad_gpu = 5", verifier);
  ASSERT_FALSE(a.accept);
  EXPECT_EQ(a.failed_rules, std::vector<std::string>{"topology.all_gpus_ready"});
  ASSERT_EQ(a.detail["failed"].size(), 1u);
  EXPECT_EQ(a.detail["failed"][0]["rule"], "rule.board-ready");
  EXPECT_EQ(a.detail["failed"][0]["actual"], "false");
}

TEST(AttestComposite, AMissingGpuIsSeenThroughTheDerivedCount) {
  auto verifier = party("", "");
  const auto a = appraise_from("gpus = 7", verifier);
  ASSERT_FALSE(a.accept);
  EXPECT_TRUE(names(a, "topology.gpus")) << a.detail.dump();
}

TEST(AttestComposite, TheStageGetsVerifiedClaimsOnlyNeverEvidence) {
  auto verifier = party("", "log_input = true");
  const auto a = appraise_from("", verifier);
  ASSERT_TRUE(a.accept) << a.detail.dump();
  ASSERT_EQ(verifier.logs->size(), 1u);  // called once per bundle
  const std::string& text = verifier.logs->front();
  ASSERT_NE(text.find(": "), std::string::npos);
  const auto input = nlohmann::json::parse(text.substr(text.find(": ") + 2));
  EXPECT_EQ(input["schema"], "cchost.relate/v1");
  EXPECT_EQ(input.size(), 2u) << "only schema and namespaces: " << input.dump();
  ASSERT_EQ(input["namespaces"].size(), 1u);
  const auto& board = input["namespaces"][0];
  EXPECT_EQ(board["namespace"], "x-fixture-board");
  EXPECT_EQ(board["records"].size(), 12u);
  for (const auto& [key, value] : board.items()) {
    EXPECT_TRUE(key == "schema" || key == "namespace" || key == "simulated" || key == "issued_at" || key == "records")
        << "unexpected key " << key;
  }
  // The board token starts with the 64-byte binding: neither it nor its hex reaches the stage.
  const auto binding = binding_of_size(kNonce, kKey, "site-1", 64);
  ASSERT_TRUE(binding);
  const std::string raw(binding->begin(), binding->end());
  EXPECT_EQ(text.find(raw), std::string::npos);
  EXPECT_EQ(text.find(crypto::hex_encode(*binding)), std::string::npos);
  EXPECT_EQ(text.find(crypto::hex_encode(ByteView(binding->data(), 16))), std::string::npos);
}

TEST(AttestComposite, AFailingStageRejectsWithItsReason) {
  auto verifier = party("", "fail = true");
  const auto a = appraise_from("", verifier);
  ASSERT_FALSE(a.accept);
  EXPECT_TRUE(names(a, "composite.x-fixture-topology")) << a.detail.dump();
  const std::string why = a.detail["failed"][0]["why"];
  EXPECT_NE(why.find("switch sw-2 links no GPU"), std::string::npos) << why;
}

TEST(AttestComposite, AMissingInputNamespaceIsNotDerivedAndSaysSo) {
  // The verifier loads the board plugin, but the prover presents no board evidence.
  auto verifier = party("", "");
  auto prover = party("", "", kPolicy, /*with_board=*/false);
  auto bundle = prover.attestor->produce(kNonce);
  ASSERT_TRUE(bundle) << bundle.message();
  EXPECT_TRUE(bundle->tokens.empty());  // the composite plugin presents no evidence
  AppraisalRequest request{&*bundle, kNonce, "site-1", kKey, "site", std::nullopt};
  const auto a = verifier.attestor->appraise(request);
  ASSERT_FALSE(a.accept);
  EXPECT_TRUE(names(a, "topology.all_gpus_ready")) << a.detail.dump();
  const auto errors = a.detail["errors"].dump();
  EXPECT_NE(errors.find("composite x-fixture-topology not derived: the bundle holds no verified x-fixture-board claims"),
            std::string::npos)
      << errors;
}

TEST(AttestComposite, APeerCannotPresentClaimsForADerivedNamespace) {
  // The verifier's topology plugin would accept any token (forge = true), and the peer
  // presents no board evidence, so the stage is not run: only the host's refusal of evidence
  // in a derived namespace stops the forged topology from passing this policy.
  auto verifier = party("", "forge = true", R"([policy]
require = ["x-fixture-topology"]
[topology]
gpus = 8
switches = 4
)");
  auto prover = party("", "", kPolicy, /*with_board=*/false);
  auto bundle = prover.attestor->produce(kNonce);
  ASSERT_TRUE(bundle) << bundle.message();
  bundle->tokens.push_back({"x-fixture-topology", Bytes{'{', '}'}});
  AppraisalRequest request{&*bundle, kNonce, "site-1", kKey, "site", std::nullopt};
  const auto a = verifier.attestor->appraise(request);
  ASSERT_FALSE(a.accept) << a.detail.dump();
  EXPECT_TRUE(names(a, "verify.x-fixture-topology")) << a.detail.dump();
}

}  // namespace
}  // namespace cchost::attest
