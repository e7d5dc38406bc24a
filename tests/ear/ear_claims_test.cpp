// EAR claims built from a decision, and the schema check every reader applies.
#include <gtest/gtest.h>

#include "cchost/crypto/encoding.hpp"
#include "cchost/ear/ear_claims.hpp"
#include "cchost/ear/ear_schema.hpp"

namespace cchost::ear {
namespace {

using nlohmann::json;

AppraisalRecord sample() {
  AppraisalRecord r;
  r.attester = "site-1";
  r.verified = true;
  r.accept = false;
  r.namespaces = {"x-snp"};
  r.failed = {{"snp.debug", "snp.policy.debug"}, {"policy.max_evidence_age", "evidence_age"}};
  r.policy_id = "policy://cchost/snp.toml";
  r.verified_at = 1793491200;
  r.issued_at = 1793491300;
  r.nonce = Bytes(32, 0xab);
  r.verifier_build = "cchost 0.1.0";
  return r;
}

TEST(EarClaims, CarriesTheDecision) {
  auto claims = build_ear_claims(sample());
  ASSERT_TRUE(claims) << claims.message();
  const json& c = *claims;
  EXPECT_EQ(c["eat_profile"], "tag:github.com,2023:veraison/ear");
  EXPECT_EQ(c["iat"], 1793491300);
  EXPECT_EQ(c["ear.verifier-id"]["developer"], "cchost");
  EXPECT_EQ(c["ear.verifier-id"]["build"], "cchost 0.1.0");
  EXPECT_EQ(c["eat_nonce"], crypto::base64url_encode(Bytes(32, 0xab)));
  const json& s = c["submods"]["site-1"];
  EXPECT_EQ(s["ear.status"], "contraindicated");
  EXPECT_EQ(s["ear.trustworthiness-vector"]["configuration"], 96);
  EXPECT_EQ(s["ear.trustworthiness-vector"]["instance-identity"], 32);
  EXPECT_EQ(s["ear.appraisal-policy-id"], "policy://cchost/snp.toml");
  EXPECT_EQ(s["ear.cchost.failed-rules"], json({"snp.debug", "policy.max_evidence_age"}));
  EXPECT_EQ(s["ear.cchost.namespaces"], json({"x-snp"}));
  EXPECT_EQ(s["ear.cchost.simulated"], false);
  EXPECT_EQ(s["ear.cchost.verified-at"], 1793491200);
  EXPECT_TRUE(check_ear_claims(c));
}

TEST(EarClaims, NoNonceNoClaim) {
  auto r = sample();
  r.nonce.reset();
  auto claims = build_ear_claims(r);
  ASSERT_TRUE(claims);
  EXPECT_FALSE(claims->contains("eat_nonce"));
}

TEST(EarClaims, RefusesBadRecords) {
  auto r = sample();
  r.nonce = Bytes(7, 1);
  auto short_nonce = build_ear_claims(r);
  ASSERT_FALSE(short_nonce);
  EXPECT_NE(short_nonce.message().find("8..64 bytes, got 7"), std::string::npos) << short_nonce.message();
  r.nonce = Bytes(65, 1);
  EXPECT_FALSE(build_ear_claims(r));
  r = sample();
  r.attester.clear();
  EXPECT_FALSE(build_ear_claims(r));
}

TEST(EarClaims, DefaultVerifierBuildIsThisBuild) {
  auto r = sample();
  r.verifier_build.clear();
  auto claims = build_ear_claims(r);
  ASSERT_TRUE(claims);
  EXPECT_EQ((*claims)["ear.verifier-id"]["build"], std::string(kVerifierBuild));
  EXPECT_EQ(std::string(kVerifierBuild).rfind("cchost ", 0), 0u);
}

// A valid claims set, then one thing broken at a time.
json valid() { return *build_ear_claims(sample()); }

void expect_refused(const json& claims, const std::string& words) {
  auto st = check_ear_claims(claims);
  ASSERT_FALSE(st) << claims.dump();
  EXPECT_NE(st.message().find(words), std::string::npos) << st.message();
}

TEST(EarSchema, ProfileMustBeExact) {
  auto c = valid();
  c["eat_profile"] = "tag:github.com,2023:veraison/ear2";
  expect_refused(c, "eat_profile");
  c.erase("eat_profile");
  expect_refused(c, "eat_profile is missing");
}

TEST(EarSchema, StatusValues) {
  auto c = valid();
  c["submods"]["site-1"]["ear.status"] = "ok";
  expect_refused(c, "one of affirming, warning, contraindicated, none");
  c["submods"]["site-1"]["ear.status"] = 2;
  expect_refused(c, "a string");
  c["submods"]["site-1"].erase("ear.status");
  expect_refused(c, "ear.status is missing");
}

TEST(EarSchema, VectorValuesInRange) {
  auto c = valid();
  c["submods"]["site-1"]["ear.trustworthiness-vector"]["hardware"] = 128;
  expect_refused(c, "[-128, 127]");
  c["submods"]["site-1"]["ear.trustworthiness-vector"]["hardware"] = -129;
  expect_refused(c, "[-128, 127]");
  c["submods"]["site-1"]["ear.trustworthiness-vector"]["hardware"] = "96";
  expect_refused(c, "an integer");
  c["submods"]["site-1"]["ear.trustworthiness-vector"].erase("hardware");
  c["submods"]["site-1"]["ear.trustworthiness-vector"]["firmware"] = 2;
  expect_refused(c, "unknown trustworthiness claim \"firmware\"");
}

TEST(EarSchema, StatusNoBetterThanWorstClaim) {
  auto c = valid();
  c["submods"]["site-1"]["ear.status"] = "affirming";  // while configuration is 96
  expect_refused(c, "worse than the submodule's ear.status");
  c["submods"]["site-1"]["ear.status"] = "warning";
  expect_refused(c, "worse than the submodule's ear.status");
}

TEST(EarSchema, RequiredMembers) {
  auto c = valid();
  c.erase("iat");
  expect_refused(c, "iat is missing");
  c = valid();
  c["iat"] = "now";
  expect_refused(c, "iat");
  c = valid();
  c["ear.verifier-id"].erase("build");
  expect_refused(c, "ear.verifier-id.build");
  c = valid();
  c["submods"] = json::object();
  expect_refused(c, "non-empty object");
  c = valid();
  c["eat_nonce"] = "AAAA";  // 3 bytes
  expect_refused(c, "8..64 bytes");
  c = valid();
  c["submods"]["site-1"]["ear.cchost.simulated"] = "no";
  expect_refused(c, "true or false");
  c = valid();
  c["submods"]["site-1"]["ear.cchost.failed-rules"] = json::array({1});
  expect_refused(c, "array of strings");
}

TEST(EarSchema, ForeignExtensionsAreAllowed) {
  auto c = valid();
  c["ear.veraison.policy-claims"] = {{"x", 1}};
  c["submods"]["site-1"]["ear.veraison.annotated-evidence"] = {{"y", 2}};
  EXPECT_TRUE(check_ear_claims(c));
}

}  // namespace
}  // namespace cchost::ear
