// "Attest, then activate", host side: a participant's own bundle for a fresh nonce, appraised
// with its own policy through PluginAttestor, audited, then published as attest.self_appraisal
// to a real plugin (tests/nvidia/nvml/fixtures/self_check.cpp) through the real loader, bus and
// event subscriber.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>

#include "cchost/attest/catalog.hpp"
#include "cchost/attest/plugin_attestor.hpp"
#include "cchost/attest/self_appraisal.hpp"
#include "cchost/bus/event_bus.hpp"
#include "cchost/plugin/event_subscriber.hpp"
#include "cchost/plugin/loader.hpp"
#include "cchost/policy/loader.hpp"
#include "nv_fake_test_support.hpp"
#include "nvml/self_appraisal_event.hpp"

namespace cchost::attest {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

const char* kPolicy = R"(
[policy]
require = ["x-self-check"]
[[rule]]
id = "self-check-healthy"
namespace = "x-self-check"
claim = "selfcheck.healthy"
equals = true
)";

struct Participant {
  std::shared_ptr<plugin::Authorizer> plugin;
  std::unique_ptr<PluginAttestor> attestor;
};

Participant participant(const std::string& config) {
  Participant p;
  plugin::PluginLoader loader;
  auto loaded = loader.load(fs::path(CCHOST_SELF_CHECK_FIXTURE), config);
  EXPECT_TRUE(loaded) << loaded.message();
  if (!loaded) return p;
  p.plugin = *loaded;
  auto catalog = catalog_of({p.plugin});
  EXPECT_TRUE(catalog) << catalog.message();
  auto policy = policy::load_policy_text(kPolicy, "self.toml", *catalog);
  EXPECT_TRUE(policy.ok()) << (policy.errors.empty() ? "" : policy.errors[0].to_string());
  PluginAttestorConfig c;
  c.name = "site-1";
  c.identity_key = Bytes(32, 0x5a);
  c.authorizers = {p.plugin};
  c.policy = std::make_shared<const policy::Policy>(std::move(*policy.policy));
  p.attestor = std::make_unique<PluginAttestor>(std::move(c));
  return p;
}

std::string config_with_log(const fs::path& log, bool healthy) {
  return std::string("log = \"") + log.string() + "\"\n" + (healthy ? "" : "healthy = false\n");
}

std::int64_t now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// Runs the self-appraisal as `cchost run` does: audit, then publish to the plugin on the bus.
struct Run {
  SelfAppraisal outcome;
  std::vector<std::pair<std::string, nlohmann::json>> audited;
  std::vector<std::string> plugin_lines;
};

Run run_self_appraisal(Participant& p, const fs::path& log) {
  Run run;
  bus::EventBus bus;
  plugin::PluginEventSubscriber subscriber(bus, p.plugin);
  run.outcome = appraise_self(*p.attestor, {"site-1", Bytes(32, 0x5a), "site"}, now());
  auto audit = [&run](const std::string& type, const nlohmann::json& fields) -> Status {
    run.audited.emplace_back(type, fields);
    return {};
  };
  auto publish = [&bus](const std::string& name, const nlohmann::json& payload) { bus.publish(name, payload); };
  EXPECT_TRUE(record_self_appraisal(run.outcome, audit, publish).ok());
  EXPECT_TRUE(bus.drain(10s));
  bus.shutdown();  // waits for the plugin's deliveries on the pool
  std::ifstream in(log);
  for (std::string line; std::getline(in, line);) run.plugin_lines.push_back(line);
  return run;
}

nlohmann::json delivered_payload(const std::string& line) {
  const std::string prefix = std::string(kSelfAppraisalEvent) + " ";
  EXPECT_EQ(line.rfind(prefix, 0), 0u) << line;
  auto doc = nlohmann::json::parse(line.substr(prefix.size()), nullptr, false);
  EXPECT_FALSE(doc.is_discarded()) << line;
  return doc.is_discarded() ? nlohmann::json() : doc["payload"];
}

TEST(SelfAppraisal, APassingPolicyIsAuditedAndPublishedAsAccepted) {
  cchost::nv::test::ScratchDir dir;
  auto p = participant(config_with_log(dir.path() / "events.log", true));
  ASSERT_TRUE(p.attestor);
  auto run = run_self_appraisal(p, dir.path() / "events.log");
  EXPECT_TRUE(run.outcome.accepted) << describe_self_appraisal(run.outcome);
  EXPECT_EQ(run.outcome.nonce.size(), 32u);
  ASSERT_EQ(run.audited.size(), 1u);
  EXPECT_EQ(run.audited[0].first, "attest.self_appraisal");
  EXPECT_EQ(run.audited[0].second["accepted"], true);
  EXPECT_EQ(run.audited[0].second["nonce"].get<std::string>().size(), 64u);
  ASSERT_EQ(run.plugin_lines.size(), 1u);
  const nlohmann::json payload = delivered_payload(run.plugin_lines[0]);
  EXPECT_EQ(payload, (nlohmann::json{{"accepted", true},
                                     {"namespaces", {"x-self-check"}},
                                     {"failed_rules", nlohmann::json::array()},
                                     {"reasons", nlohmann::json::array()}}));
  EXPECT_EQ(describe_self_appraisal(run.outcome), "self-appraisal accepted (x-self-check)");
  // The document the plugin received is the one the GPU plugin's parser reads (the contract).
  const std::string document = run.plugin_lines[0].substr(kSelfAppraisalEvent.size() + 1);
  auto parsed = nv::parse_self_appraisal_event(document);
  ASSERT_TRUE(parsed.ok()) << parsed.message();
  EXPECT_TRUE(nv::decide_activation(*parsed, "x-self-check").activate);
}

TEST(SelfAppraisal, AFailingPolicyIsPublishedAsRejectedWithTheFailedRule) {
  cchost::nv::test::ScratchDir dir;
  auto p = participant(config_with_log(dir.path() / "events.log", false));
  ASSERT_TRUE(p.attestor);
  auto run = run_self_appraisal(p, dir.path() / "events.log");
  EXPECT_FALSE(run.outcome.accepted);
  ASSERT_EQ(run.audited.size(), 1u);
  EXPECT_EQ(run.audited[0].second["accepted"], false);
  ASSERT_EQ(run.plugin_lines.size(), 1u);
  const nlohmann::json payload = delivered_payload(run.plugin_lines[0]);
  EXPECT_EQ(payload["accepted"], false);
  EXPECT_EQ(payload["namespaces"], nlohmann::json({"x-self-check"}));
  EXPECT_EQ(payload["failed_rules"], nlohmann::json({"selfcheck.healthy"}));
  ASSERT_FALSE(payload["reasons"].empty());
  EXPECT_NE(payload["reasons"][0].get<std::string>().find("self-check-healthy"), std::string::npos) << payload.dump();
  EXPECT_NE(describe_self_appraisal(run.outcome).find("rejected: failed selfcheck.healthy"), std::string::npos)
      << describe_self_appraisal(run.outcome);
  auto parsed = nv::parse_self_appraisal_event(run.plugin_lines[0].substr(kSelfAppraisalEvent.size() + 1));
  ASSERT_TRUE(parsed.ok()) << parsed.message();
  const auto decision = nv::decide_activation(*parsed, "x-self-check");
  EXPECT_FALSE(decision.activate);
  EXPECT_NE(decision.reason.find("failed selfcheck.healthy"), std::string::npos) << decision.reason;
}

// An Attestor whose evidence cannot be produced (a GPU that does not answer).
class FailingProducer : public Attestor {
 public:
  Result<EvidenceBundle> produce(ByteView, ByteView) override { return make_error("x-nv-gpu: NVML: cannot load libnvidia-ml.so.1"); }
  Appraisal appraise(const AppraisalRequest&) override {
    ADD_FAILURE() << "nothing to appraise";
    return {};
  }
  FailurePolicy failure_policy() const override { return {}; }
};

TEST(SelfAppraisal, EvidenceThatCannotBeProducedIsARejection) {
  FailingProducer attestor;
  auto outcome = appraise_self(attestor, {"site-1", Bytes(32, 1), "site"}, now());
  EXPECT_FALSE(outcome.accepted);
  EXPECT_TRUE(outcome.namespaces.empty());
  EXPECT_EQ(outcome.failed_rules, std::vector<std::string>{std::string(kSelfProduceRule)});
  ASSERT_EQ(outcome.reasons.size(), 1u);
  EXPECT_NE(outcome.reasons[0].find("cannot load libnvidia-ml.so.1"), std::string::npos) << outcome.reasons[0];
}

TEST(SelfAppraisal, NothingIsPublishedWhenTheAuditFails) {
  SelfAppraisal outcome;
  outcome.accepted = true;
  int published = 0;
  auto status = record_self_appraisal(
      outcome, [](const std::string&, const nlohmann::json&) -> Status { return make_error("disk full"); },
      [&published](const std::string&, const nlohmann::json&) { ++published; });
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("audit attest.self_appraisal: disk full"), std::string::npos) << status.message();
  EXPECT_EQ(published, 0);
}

TEST(SelfAppraisal, EachRunDrawsAFreshNonce) {
  cchost::nv::test::ScratchDir dir;
  auto p = participant(config_with_log(dir.path() / "events.log", true));
  ASSERT_TRUE(p.attestor);
  auto first = appraise_self(*p.attestor, {"site-1", Bytes(32, 0x5a), "site"}, now());
  auto second = appraise_self(*p.attestor, {"site-1", Bytes(32, 0x5a), "site"}, now());
  EXPECT_TRUE(first.accepted && second.accepted);
  EXPECT_NE(first.nonce, second.nonce);
}

}  // namespace
}  // namespace cchost::attest
