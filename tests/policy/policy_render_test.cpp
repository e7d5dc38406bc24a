// Decision JSON/text and the verify glue.
#include <cstdio>
#include <fstream>

#include "cchost/policy/verify_glue.hpp"
#include "policy_test_support.hpp"

using namespace cchost::policy;
using namespace cchost::policy::test;

TEST(PolicyRender, DecisionJsonShape) {
  auto p = load_ok("[policy]\nrequire = [\"x-snp\"]\n[snp]\ndebug = false\n");
  auto d = evaluate(p, ClaimsBuilder{}.b("x-snp", "snp.policy.debug", true).map, {});
  const auto j = decision_to_json(d);
  EXPECT_EQ(j["accept"], false);
  ASSERT_EQ(j["failed"].size(), 1u);
  EXPECT_EQ(j["failed"][0]["rule"], "snp.debug");
  EXPECT_EQ(j["failed"][0]["claim"], "snp.policy.debug");
  EXPECT_EQ(j["failed"][0]["expected"], "== false");
  EXPECT_EQ(j["failed"][0]["actual"], "true");
  EXPECT_FALSE(j["failed"][0]["why"].get<std::string>().empty());
  EXPECT_FALSE(j.contains("passed"));
  const std::string text = decision_to_text(d);
  EXPECT_NE(text.find("FAIL snp.debug"), std::string::npos);
  EXPECT_NE(text.find("decision: reject"), std::string::npos);
}

TEST(PolicyRender, ErrorsJson) {
  auto r = load_policy_text("[policy]\nrequire = [1]\n", "p.toml");
  const auto j = errors_to_json(r.errors);
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0]["file"], "p.toml");
  EXPECT_EQ(j[0]["line"], 2);
}

TEST(PolicyRender, VerifyGlueEvaluatesAFile) {
  const std::string path = std::string(CCHOST_BINARY_DIR) + "/policy_glue_test.toml";
  {
    std::ofstream out(path);
    out << "[policy]\nrequire = [\"x-snp\"]\n[snp]\nmin_guest_svn = 2\n";
  }
  cchost::claims::NamespaceClaims c;
  c.ns = "x-snp";
  c.records.push_back({"cpu", 0, "", {}});
  c.records.front().claims["snp.guest_svn"] = cchost::claims::ClaimValue::of_int(2);
  auto ok = evaluate_policy_file(path, c, {}, cchost::policy::test::test_catalog());
  ASSERT_TRUE(ok) << ok.message();
  EXPECT_TRUE(ok->accept);
  c.records.front().claims["snp.guest_svn"] = cchost::claims::ClaimValue::of_int(1);
  auto bad = evaluate_policy_file(path, c, {}, cchost::policy::test::test_catalog());
  ASSERT_TRUE(bad);
  EXPECT_FALSE(bad->accept);
  {
    std::ofstream out(path);
    out << "[policy]\nrequire = [\"x-snp\"]\n[snp]\nmin_guest_svn = \"2\"\n";
  }
  auto broken = evaluate_policy_file(path, c, {}, cchost::policy::test::test_catalog());
  ASSERT_FALSE(broken);
  EXPECT_NE(broken.message().find(path + ":4:17:"), std::string::npos) << broken.message();
  std::remove(path.c_str());
}
