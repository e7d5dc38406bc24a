// Composite CPU+device binding (device_list.hpp, PROTOCOL.md "Composite binding") through the
// real loader: a CPU-like anchor fixture and a device-like member fixture (tests/plugin/
// fixtures/board.c built twice). The prover generates the device token first and the CPU
// token's binding commits to it; a device token swapped in afterwards, even one genuinely
// bound to the same challenge, is rejected naming its namespace.
#include <gtest/gtest.h>

#include "cchost/attest/binding.hpp"
#include "cchost/attest/bundle.hpp"
#include "cchost/attest/catalog.hpp"
#include "cchost/attest/plugin_attestor.hpp"
#include "cchost/policy/loader.hpp"

namespace cchost::attest {
namespace {

const std::filesystem::path kFixtures = std::filesystem::path(CCHOST_FIXTURE_DIR);
const Bytes kKey(32, 0x33);
const Bytes kNonce(32, 0x44);

const char* kRequired = "[policy]\nrequire = [\"x-fixture-gpu\"]\ncomposite = \"required\"\n";
const char* kOptional = "[policy]\nrequire = [\"x-fixture-gpu\"]\n";

struct Side {
  std::vector<std::string> plugins;  // "anchor", "member"
  std::string member_config;         // another board: another device token for the same binding
};

std::unique_ptr<PluginAttestor> attestor(const Side& side, const std::string& policy_text) {
  plugin::PluginLoader loader;
  std::vector<std::shared_ptr<plugin::Authorizer>> authorizers;
  for (const auto& p : side.plugins) {
    auto a = loader.load(kFixtures / ("fixture_" + p + ".so"), p == "member" ? side.member_config : "");
    EXPECT_TRUE(a) << a.message();
    if (a) authorizers.push_back(*a);
  }
  auto catalog = catalog_of(authorizers);
  EXPECT_TRUE(catalog) << catalog.message();
  auto loaded = policy::load_policy_text(policy_text, "composite.toml", *catalog);
  EXPECT_TRUE(loaded.ok()) << (loaded.errors.empty() ? "" : loaded.errors[0].to_string());
  PluginAttestorConfig c;
  c.name = "site-1";
  c.identity_key = kKey;
  c.authorizers = authorizers;
  c.policy = std::make_shared<const policy::Policy>(std::move(*loaded.policy));
  return std::make_unique<PluginAttestor>(std::move(c));
}

const Side kBoth{{"member", "anchor"}, ""};

EvidenceBundle produce(const Side& side) {
  auto bundle = attestor(side, kOptional)->produce(kNonce);
  EXPECT_TRUE(bundle) << bundle.message();
  return bundle ? *bundle : EvidenceBundle{};
}

// Through the wire form, as a relying party receives it.
Appraisal appraise(const EvidenceBundle& bundle, const std::string& policy_text = kRequired) {
  auto received = bundle_from_wire(nlohmann::json::parse(bundle_header(bundle).dump()), bundle_blobs(bundle));
  EXPECT_TRUE(received) << received.message();
  if (!received) return {};
  AppraisalRequest request{&*received, kNonce, "site-1", kKey, "site", std::nullopt};
  return attestor(kBoth, policy_text)->appraise(request);
}

std::string detail_of(const Appraisal& a) { return a.detail.dump(); }

bool names(const Appraisal& a, const std::string& rule, const std::string& why) {
  if (std::find(a.failed_rules.begin(), a.failed_rules.end(), rule) == a.failed_rules.end()) return false;
  for (const auto& f : a.detail["failed"])
    if (f["rule"] == rule && f["why"].get<std::string>().find(why) != std::string::npos) return true;
  return false;
}

std::size_t index_of(const EvidenceBundle& b, const std::string& ns) {
  for (std::size_t i = 0; i < b.tokens.size(); ++i)
    if (b.tokens[i].ns == ns) return i;
  ADD_FAILURE() << "no " << ns << " token";
  return 0;
}

TEST(CompositeBinding, DevicesComeFirstAndTheCpuTokenCommitsToThem) {
  const auto b = produce(kBoth);
  ASSERT_EQ(b.tokens.size(), 2u);
  EXPECT_EQ(b.tokens[0].ns, "x-fixture-gpu");
  EXPECT_EQ(b.tokens[1].ns, "x-fixture-cpu");
  EXPECT_EQ(b.binding_version, 2);
  EXPECT_TRUE(b.job_key.empty());
  ASSERT_EQ(b.devices, (std::vector<DeviceEntry>{device_entry_of("x-fixture-gpu", b.tokens[0].token)}));
  // The fixture's token starts with the binding it was given.
  const Bytes cpu_binding(b.tokens[1].token.begin(), b.tokens[1].token.begin() + 64);
  auto committed = binding_v2_of_size({kNonce, kKey, "site-1", {}, device_list_digest(b.devices)}, 64);
  ASSERT_TRUE(committed);
  EXPECT_EQ(cpu_binding, *committed);

  const auto a = appraise(b);
  EXPECT_TRUE(a.accept) << detail_of(a);
  EXPECT_EQ(detail_of(a).find("composite binding absent"), std::string::npos) << detail_of(a);
}

TEST(CompositeBinding, AJobBundleCarriesTheJobKeyAndTheDeviceList) {
  const Bytes job_key(32, 0x55);
  auto b = attestor(kBoth, kOptional)->produce(kNonce, job_key);
  ASSERT_TRUE(b) << b.message();
  EXPECT_EQ(b->job_key, job_key);
  ASSERT_EQ(b->devices.size(), 1u);
  auto received = bundle_from_wire(bundle_header(*b), bundle_blobs(*b));
  ASSERT_TRUE(received) << received.message();
  AppraisalRequest request{&*received, kNonce, "site-1", kKey, "site", std::nullopt};
  request.require_job_key = true;
  const auto a = attestor(kBoth, kRequired)->appraise(request);
  EXPECT_TRUE(a.accept) << detail_of(a);
}

// The attack composite binding exists for: a genuine device token from another board, bound
// to this very challenge, swapped in after the CPU signed. Its own check passes; the list's
// does not, and says which namespace.
TEST(CompositeBinding, ADeviceTokenFromAnotherBoardIsRejectedNamingTheNamespace) {
  auto b = produce(kBoth);
  const auto other = produce(Side{{"member", "anchor"}, "bad_gpu = 3"});
  const auto gpu = index_of(b, "x-fixture-gpu");
  b.tokens[gpu] = other.tokens[index_of(other, "x-fixture-gpu")];
  ASSERT_NE(b.tokens[gpu].token, produce(kBoth).tokens[gpu].token);
  for (const char* policy_text : {kRequired, kOptional}) {
    const auto a = appraise(b, policy_text);
    EXPECT_FALSE(a.accept) << detail_of(a);
    EXPECT_TRUE(names(a, "binding.composite", "x-fixture-gpu token 0 is not the one the CPU evidence commits to"))
        << detail_of(a);
    // The swapped token is genuine for this challenge: only the composite check catches it.
    EXPECT_EQ(std::count(a.failed_rules.begin(), a.failed_rules.end(), "verify.x-fixture-gpu"), 0) << detail_of(a);
  }
}

TEST(CompositeBinding, AListRewrittenToMatchTheSwapNoLongerMatchesWhatTheCpuSigned) {
  auto b = produce(kBoth);
  const auto other = produce(Side{{"member", "anchor"}, "bad_gpu = 3"});
  b.tokens[0] = other.tokens[0];
  b.devices = {device_entry_of("x-fixture-gpu", b.tokens[0].token)};
  const auto a = appraise(b, kOptional);
  EXPECT_FALSE(a.accept) << detail_of(a);
  EXPECT_TRUE(names(a, "binding.composite", "x-fixture-cpu evidence does not commit to the device list")) << detail_of(a);
}

TEST(CompositeBinding, AnExtraUnlistedDeviceTokenIsRejected) {
  auto b = produce(kBoth);
  const auto other = produce(Side{{"member", "anchor"}, "bad_gpu = 3"});
  b.tokens.insert(b.tokens.begin(), other.tokens[0]);
  const auto a = appraise(b, kOptional);
  EXPECT_FALSE(a.accept) << detail_of(a);
  EXPECT_TRUE(names(a, "binding.composite", "names 1 device tokens, the bundle holds 2")) << detail_of(a);
}

TEST(CompositeBinding, StrippingTheListBreaksTheCpuBinding) {
  auto b = produce(kBoth);
  b.devices.clear();
  b.binding_version = 1;
  const auto a = appraise(b, kOptional);
  EXPECT_FALSE(a.accept) << detail_of(a);
  EXPECT_TRUE(std::count(a.failed_rules.begin(), a.failed_rules.end(), "verify.x-fixture-cpu")) << detail_of(a);
}

TEST(CompositeBinding, CpuEvidenceListedAsADeviceIsRefused) {
  auto b = produce(kBoth);
  b.devices.push_back(device_entry_of("x-fixture-cpu", b.tokens[1].token));
  const auto a = appraise(b, kOptional);
  EXPECT_FALSE(a.accept) << detail_of(a);
  EXPECT_TRUE(names(a, "binding.composite", "lists x-fixture-cpu as device evidence")) << detail_of(a);
}

// A bundle of CPU and device evidence bound separately (v1, as a prover without composite
// binding makes it): it passes without the knob and says so; `required` rejects it.
TEST(CompositeBinding, WithoutCompositeBindingOptionalPassesAndSaysSoRequiredRejects) {
  plugin::PluginLoader loader;
  EvidenceBundle b;
  b.name = "site-1";
  b.identity_key = kKey;
  b.nonce = kNonce;
  b.issued_at = std::time(nullptr);
  auto binding = bundle_binding(b, 64);
  ASSERT_TRUE(binding);
  for (const char* p : {"member", "anchor"}) {
    auto a = loader.load(kFixtures / (std::string("fixture_") + p + ".so"), "");
    ASSERT_TRUE(a) << a.message();
    auto token = (*a)->generate(*binding);
    ASSERT_TRUE(token) << token.message();
    b.tokens.push_back({(*a)->info().ns, *token});
  }
  const auto optional = appraise(b, kOptional);
  EXPECT_TRUE(optional.accept) << detail_of(optional);
  EXPECT_NE(detail_of(optional).find("composite binding absent: no CPU evidence commits to the x-fixture-gpu evidence"),
            std::string::npos)
      << detail_of(optional);
  const auto required = appraise(b, kRequired);
  EXPECT_FALSE(required.accept);
  EXPECT_TRUE(names(required, "binding.composite", "composite binding required: no CPU evidence commits")) << detail_of(required);
}

TEST(CompositeBinding, RequiredRejectsABundleWithoutDeviceEvidenceAndOneWithoutCpuEvidence) {
  const auto cpu_only = appraise(produce(Side{{"anchor"}, ""}),
                                 "[policy]\nrequire = [\"x-fixture-cpu\", \"x-fixture-gpu\"]\ncomposite = \"required\"\n");
  EXPECT_FALSE(cpu_only.accept);
  EXPECT_TRUE(names(cpu_only, "binding.composite", "holds no device evidence")) << detail_of(cpu_only);
  // A peer the policy requires no device evidence of (a CPU-only site of a mixed deployment)
  // is not held to it.
  const auto cpu_peer = appraise(produce(Side{{"anchor"}, ""}),
                                 "[policy]\nrequire = [\"x-fixture-cpu\"]\ncomposite = \"required\"\n");
  EXPECT_TRUE(cpu_peer.accept) << detail_of(cpu_peer);
  // Device evidence alone: nothing can commit to it (the prover had no anchor).
  const auto device_only = produce(Side{{"member"}, ""});
  EXPECT_TRUE(device_only.devices.empty());
  const auto a = appraise(device_only);
  EXPECT_FALSE(a.accept);
  EXPECT_TRUE(names(a, "binding.composite", "no CPU evidence commits to the x-fixture-gpu evidence")) << detail_of(a);
}

// A composite bundle whose CPU evidence we cannot verify (no plugin for it here): nothing we
// checked commits to the device tokens, and optional says so.
TEST(CompositeBinding, OptionalNotesAListNoVerifiedCpuEvidenceCommittedTo) {
  const auto b = produce(kBoth);
  auto received = bundle_from_wire(bundle_header(b), bundle_blobs(b));
  ASSERT_TRUE(received) << received.message();
  AppraisalRequest request{&*received, kNonce, "site-1", kKey, "site", std::nullopt};
  const auto a = attestor(Side{{"member"}, ""}, kOptional)->appraise(request);
  EXPECT_TRUE(a.accept) << detail_of(a);
  EXPECT_NE(detail_of(a).find("no CPU evidence we verify committed to the list"), std::string::npos) << detail_of(a);
  const auto r = attestor(Side{{"member"}, ""}, kRequired)->appraise(request);
  EXPECT_FALSE(r.accept);
  EXPECT_TRUE(names(r, "binding.composite", "no CPU evidence verified with the device list")) << detail_of(r);
}

TEST(CompositeBinding, ThePolicyKnobIsStrict) {
  auto info = plugin::PluginLoader().inspect(kFixtures / "fixture_member.so");
  ASSERT_TRUE(info) << info.message();
  EXPECT_EQ(info->composite_role, plugin::CompositeRole::Member);
  auto catalog = catalog_of(std::vector<plugin::PluginInfo>{*info});
  ASSERT_TRUE(catalog);
  auto bad = policy::load_policy_text("[policy]\nrequire = [\"x-fixture-gpu\"]\ncomposite = \"always\"\n", "p.toml", *catalog);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.errors[0].to_string().find("expected \"optional\" or \"required\""), std::string::npos)
      << bad.errors[0].to_string();
}

}  // namespace
}  // namespace cchost::attest
