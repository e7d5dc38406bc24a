// Bundle-level checks, deny by default, determinism.
#include "policy_test_support.hpp"

using namespace cchost::policy;
using namespace cchost::policy::test;

namespace {
const char* kTwoNs = R"([policy]
require = ["x-snp", "x-nv-gpu"]
max_evidence_age = "10m"
[snp]
debug = false
[gpu]
secure_boot = true
)";

ClaimsBuilder good() {
  return ClaimsBuilder{}.b("x-snp", "snp.policy.debug", false).b("x-nv-gpu", "gpu.secure_boot", true);
}
PeerContext fresh() { return {"site-1", "client", 60, false}; }
}  // namespace

TEST(PolicyEval, AcceptsMatchingEvidence) {
  auto p = load_ok(kTwoNs);
  auto d = evaluate(p, good().map, fresh());
  EXPECT_TRUE(d.accept);
  EXPECT_TRUE(d.failed.empty());
  EXPECT_TRUE(d.passed.empty());  // not recorded by default
}

TEST(PolicyEval, EmptyRequireListWithNoRulesAcceptsWhenSaidExplicitly) {
  auto p = load_ok("[policy]\nrequire = []\naccept_unattested = true\n");
  EXPECT_TRUE(evaluate(p, {}, {}).accept);
}

TEST(PolicyEval, RequiredNamespaceWithoutEvidenceFails) {
  auto p = load_ok(kTwoNs);
  auto c = good();
  c.map.erase("x-nv-gpu");
  auto d = evaluate(p, c.map, fresh());
  EXPECT_FALSE(d.accept);
  // The id alone says what failed: it is what the wire carries for a bundle-level check.
  ASSERT_NE(find_failed(d, "policy.require: x-nv-gpu missing"), nullptr);
  EXPECT_EQ(find_failed(d, "policy.require: x-nv-gpu missing")->ns, "x-nv-gpu");
  EXPECT_EQ(find_failed(d, "policy.require: x-nv-gpu missing")->claim, "");
  // and the gpu knob fails as missing, too
  ASSERT_NE(find_failed(d, "gpu.secure_boot"), nullptr);
  EXPECT_NE(find_failed(d, "gpu.secure_boot")->why.find("no x-nv-gpu evidence"), std::string::npos);
}

TEST(PolicyEval, RequiredNamespaceEvenWithoutRulesFails) {
  auto p = load_ok("[policy]\nrequire = [\"x-acme\"]\n");
  EXPECT_FALSE(evaluate(p, {}, {}).accept);
  EXPECT_TRUE(evaluate(p, ClaimsBuilder{}.i("x-acme", "acme.a", 1).map, {}).accept);
}

TEST(PolicyEval, SimulatedEvidenceRejectedUnlessAllowed) {
  auto p = load_ok(kTwoNs);
  auto c = good();
  c.map["x-snp"].simulated = true;
  auto d = evaluate(p, c.map, fresh());
  EXPECT_FALSE(d.accept);
  ASSERT_EQ(d.failed.size(), 1u);
  EXPECT_EQ(d.failed[0].rule, "policy.allow_simulated");
  EXPECT_EQ(d.failed[0].claim, "");  // not "simulated": the wire names the rule id instead
  EXPECT_EQ(d.failed[0].ns, "x-snp");
  EXPECT_EQ(d.failed[0].actual, "true");

  PeerContext sim = fresh();
  sim.simulated = true;
  auto d2 = evaluate(p, good().map, sim);
  EXPECT_FALSE(d2.accept);
  EXPECT_EQ(d2.failed.at(0).rule, "policy.allow_simulated");

  auto allowing = load_ok(std::string(kTwoNs).replace(std::string(kTwoNs).find("max_evidence_age"), 0, "allow_simulated = true\n"));
  EXPECT_TRUE(evaluate(allowing, c.map, sim).accept);
}

TEST(PolicyEval, EvidenceAge) {
  auto p = load_ok(kTwoNs);
  PeerContext ctx = fresh();
  ctx.evidence_age_seconds = 600;
  EXPECT_TRUE(evaluate(p, good().map, ctx).accept);
  ctx.evidence_age_seconds = 601;
  auto old = evaluate(p, good().map, ctx);
  EXPECT_FALSE(old.accept);
  EXPECT_EQ(old.failed.at(0).rule, "policy.max_evidence_age");
  EXPECT_EQ(old.failed.at(0).actual, "601");
  ctx.evidence_age_seconds.reset();
  auto unknown = evaluate(p, good().map, ctx);
  EXPECT_FALSE(unknown.accept);
  EXPECT_NE(unknown.failed.at(0).why.find("unknown"), std::string::npos);
  ctx.evidence_age_seconds = -5;
  EXPECT_FALSE(evaluate(p, good().map, ctx).accept);
  // no max_evidence_age: age not consulted
  auto no_limit = load_ok("[policy]\nrequire = []\naccept_unattested = true\n");
  EXPECT_TRUE(evaluate(no_limit, {}, {}).accept);
}

TEST(PolicyEval, EveryFailureIsReportedNotOnlyTheFirst) {
  auto p = load_ok(kTwoNs);
  auto bad = ClaimsBuilder{}.b("x-snp", "snp.policy.debug", true).b("x-nv-gpu", "gpu.secure_boot", false);
  bad.map["x-snp"].simulated = true;
  PeerContext ctx = fresh();
  ctx.evidence_age_seconds = 9999;
  auto d = evaluate(p, bad.map, ctx);
  EXPECT_EQ(failed_ids(d), (std::vector<std::string>{"policy.allow_simulated", "policy.max_evidence_age", "snp.debug",
                                                     "gpu.secure_boot"}));
  const RuleOutcome* dbg = find_failed(d, "snp.debug");
  EXPECT_EQ(dbg->claim, "snp.policy.debug");
  EXPECT_EQ(dbg->expected, "== false");
  EXPECT_EQ(dbg->actual, "true");
  EXPECT_EQ(dbg->why, "snp.policy.debug is true, but the policy requires false.");
}

TEST(PolicyEval, RecordPassedListsEveryRule) {
  auto p = load_ok(kTwoNs);
  auto d = evaluate(p, good().map, fresh(), {.record_passed = true});
  EXPECT_TRUE(d.accept);
  std::vector<std::string> ids;
  for (const auto& o : d.passed) ids.push_back(o.rule);
  EXPECT_EQ(ids, (std::vector<std::string>{"policy.require: x-snp present", "policy.require: x-nv-gpu present", "policy.allow_simulated",
                                           "policy.allow_simulated", "policy.allow_simulated",
                                           "policy.max_evidence_age", "snp.debug", "gpu.secure_boot"}));
}

TEST(PolicyEval, Deterministic) {
  auto p = load_ok(kTwoNs);
  auto bad = ClaimsBuilder{}.b("x-snp", "snp.policy.debug", true).i("x-nv-gpu", "gpu.secure_boot", 1);
  const auto first = evaluate(p, bad.map, fresh(), {.record_passed = true});
  for (int i = 0; i < 50; ++i) {
    const auto again = evaluate(p, bad.map, fresh(), {.record_passed = true});
    ASSERT_EQ(again.accept, first.accept);
    ASSERT_EQ(failed_ids(again), failed_ids(first));
    for (std::size_t k = 0; k < first.failed.size(); ++k) EXPECT_EQ(again.failed[k].why, first.failed[k].why);
  }
  // Loading the same text twice yields the same rule order.
  auto p2 = load_ok(kTwoNs);
  ASSERT_EQ(p.rules_for("", "").size(), p2.rules_for("", "").size());
  for (std::size_t k = 0; k < p.rules_for("", "").size(); ++k) EXPECT_EQ(p.rules_for("", "")[k].id, p2.rules_for("", "")[k].id);
}

TEST(PolicyEval, ExtraNamespacesAndClaimsAreIgnored) {
  auto p = load_ok(kTwoNs);
  auto c = good();
  c.i("x-acme", "acme.extra", 1).i("x-snp", "snp.unrelated", 5);
  EXPECT_TRUE(evaluate(p, c.map, fresh()).accept);
}
