// Evidence of many devices end to end (issue 10): a fake multi-device plugin (tests/plugin/
// fixtures/board.c, loaded by the real loader) returns 12 claim records for one token; they
// flow through the bundle, its wire form, the policy compiled from the plugin's own knob table
// (every record must hold, a count rule over the GPU records) and the appraisal.
#include <gtest/gtest.h>

#include "cchost/attest/bundle.hpp"
#include "cchost/attest/catalog.hpp"
#include "cchost/attest/plugin_attestor.hpp"
#include "cchost/policy/loader.hpp"

namespace cchost::attest {
namespace {

const std::filesystem::path kBoard = std::filesystem::path(CCHOST_FIXTURE_DIR) / "fixture_board.so";
const Bytes kKey(32, 0x33);

std::unique_ptr<PluginAttestor> attestor(const std::string& config, const std::string& policy_text) {
  plugin::PluginLoader loader;  // one per attestor: one namespace per loader
  auto a = loader.load(kBoard, config);
  EXPECT_TRUE(a) << a.message();
  auto catalog = catalog_of(std::vector<std::shared_ptr<plugin::Authorizer>>{*a});
  EXPECT_TRUE(catalog) << catalog.message();
  auto loaded = policy::load_policy_text(policy_text, "board.toml", *catalog);
  EXPECT_TRUE(loaded.ok()) << (loaded.errors.empty() ? "" : loaded.errors[0].to_string());
  PluginAttestorConfig c;
  c.name = "site-1";
  c.identity_key = kKey;
  c.authorizers = {*a};
  c.policy = std::make_shared<const policy::Policy>(std::move(*loaded.policy));
  return std::make_unique<PluginAttestor>(std::move(c));
}

const char* kPolicy = "[policy]\nrequire = [\"x-fixture-board\"]\n[board]\nmin_level = 3\ngpus = 8\n";

// Prover bundle -> wire (header JSON text + blobs) -> relying party's appraisal.
Appraisal round_trip(const std::string& prover_config) {
  auto prover = attestor(prover_config, kPolicy);
  auto verifier = attestor("", kPolicy);
  const Bytes nonce(32, 0x44);
  auto bundle = prover->produce(nonce);
  EXPECT_TRUE(bundle) << bundle.message();
  const auto header = nlohmann::json::parse(bundle_header(*bundle).dump());
  auto received = bundle_from_wire(header, bundle_blobs(*bundle));
  EXPECT_TRUE(received) << received.message();
  AppraisalRequest request{&*received, nonce, "site-1", kKey, "site", std::nullopt};
  return verifier->appraise(request);
}

TEST(AttestMultiDevice, TwelveRecordsFlowThroughBundleWireAndPolicy) {
  plugin::PluginLoader loader;
  auto a = loader.load(kBoard, "");
  ASSERT_TRUE(a) << a.message();
  auto token = (*a)->generate(Bytes(64, 1));
  ASSERT_TRUE(token);
  auto claims = (*a)->verify(*token, Bytes(64, 1), 0);
  ASSERT_TRUE(claims) << claims.message();
  ASSERT_EQ(claims->records.size(), 12u);
  EXPECT_EQ(claims->records[11].cls, "switch");
  EXPECT_EQ(claims->records[11].id, "sw-3");

  const auto good = round_trip("");
  EXPECT_TRUE(good.accept) << good.detail.dump();
}

TEST(AttestMultiDevice, OneBadDeviceOfTwelveRejectsNamingIt) {
  const auto bad = round_trip("bad_gpu = 6");
  ASSERT_FALSE(bad.accept);
  ASSERT_EQ(bad.failed_rules, std::vector<std::string>{"board.level"});
  const auto why = bad.detail["failed"][0]["why"].get<std::string>();
  EXPECT_NE(why.find("Record gpu[6] (gpu-6)"), std::string::npos) << why;
}

TEST(AttestMultiDevice, AMissingDeviceFailsTheCount) {
  const auto seven = round_trip("gpus = 7");
  ASSERT_FALSE(seven.accept);
  ASSERT_EQ(seven.failed_rules, std::vector<std::string>{"board.gpus"});
  EXPECT_EQ(seven.detail["failed"][0]["actual"], "7");
}

}  // namespace
}  // namespace cchost::attest
