#include <gtest/gtest.h>

#include "cchost/claims/namespace_claims.hpp"

namespace cc = cchost::claims;

namespace {
std::string doc(const std::string& claims, const std::string& extra = "") {
  return R"({"schema":"cchost.claims/v2","namespace":"x-snp","simulated":false,"issued_at":1717200000)" +
         extra + R"(,"records":[{"class":"cpu","index":0,"id":"chip-1","claims":{)" + claims + "}}]}";
}
}  // namespace

TEST(ClaimsJson, ParsesEveryType) {
  auto r = cc::parse_claims_json(doc(
      R"("snp.policy.debug":{"type":"bool","value":false},"snp.guest_svn":{"type":"int","value":3},)"
      R"("snp.product":{"type":"string","value":"Milan"},"snp.measurement":{"type":"hex","value":"ABcd"},)"
      R"("gpu.driver_version":{"type":"version","value":"550.54.15"})"));
  ASSERT_TRUE(r) << r.message();
  EXPECT_EQ(r->ns, "x-snp");
  EXPECT_FALSE(r->simulated);
  EXPECT_EQ(r->issued_at, 1717200000);
  EXPECT_EQ(r->records[0].claims.at("snp.guest_svn").integer, 3);
  EXPECT_EQ(r->records[0].claims.at("snp.measurement").text, "abcd");
  EXPECT_EQ(r->records[0].claims.at("gpu.driver_version").version.parts.size(), 3u);
  EXPECT_EQ(r->records[0].claims.at("snp.product").text, "Milan");
  EXPECT_FALSE(r->records[0].claims.at("snp.policy.debug").boolean);
}

TEST(ClaimsJson, RoundTripsThroughToJson) {
  auto r = cc::parse_claims_json(doc(R"("a.b":{"type":"hex","value":"00ff"},"a.v":{"type":"version","value":"1.2"})"));
  ASSERT_TRUE(r);
  auto again = cc::claims_from_json(cc::to_json(*r));
  ASSERT_TRUE(again) << again.message();
  EXPECT_EQ(again->records[0].claims, r->records[0].claims);
  EXPECT_EQ(again->records[0].id, "chip-1");
  EXPECT_EQ(again->issued_at, r->issued_at);
}

TEST(ClaimsJson, NullIssuedAtIsAbsent) {
  auto r = cc::parse_claims_json(R"({"schema":"cchost.claims/v2","namespace":"x-a","simulated":true,"issued_at":null,"records":[{"class":"d","index":0,"id":"","claims":{}}]})");
  ASSERT_TRUE(r) << r.message();
  EXPECT_FALSE(r->issued_at);
  EXPECT_TRUE(r->simulated);
}

struct BadCase {
  std::string text;
  std::string must_mention;
};

TEST(ClaimsJson, RejectsMalformedWithReason) {
  const std::vector<BadCase> cases = {
      {"not json", "not valid JSON"},
      {"[]", "expected a JSON object"},
      {R"({"schema":"cchost.claims/v1","namespace":"x-snp","simulated":false,"claims":{}})", "schema"},
      {R"({"schema":"cchost.claims/v2","namespace":"snp","simulated":false,"records":[]})", "invalid namespace"},
      {R"({"schema":"cchost.claims/v2","namespace":"x-snp","records":[]})", "simulated"},
      {R"({"schema":"cchost.claims/v2","namespace":"x-snp","simulated":false})", "records"},
      {R"({"schema":"cchost.claims/v2","namespace":"x-snp","simulated":false,"records":[]})", "expected 1..256"},
      {R"({"schema":"cchost.claims/v2","namespace":"x-snp","simulated":false,"records":[{"class":"Cpu","index":0,"id":"","claims":{}}]})", "\"class\""},
      {R"({"schema":"cchost.claims/v2","namespace":"x-snp","simulated":false,"records":[{"class":"cpu","index":-1,"id":"","claims":{}}]})", "\"index\""},
      {R"({"schema":"cchost.claims/v2","namespace":"x-snp","simulated":false,"records":[{"class":"cpu","index":0,"claims":{}}]})", "\"id\""},
      {R"({"schema":"cchost.claims/v2","namespace":"x-snp","simulated":false,"records":[{"class":"cpu","index":0,"id":"","claims":{},"x":1}]})", "record 0: unknown key \"x\""},
      {doc("", R"(,"extra":1)"), "unknown key \"extra\""},
      {doc("", R"(,"issued_at":"now")").replace(doc("").find("1717200000"), 10, "\"x\""), "issued_at"},
      {doc(R"("snp.x":{"type":"bool","value":1})"), "claim \"snp.x\": type bool"},
      {doc(R"("snp.x":{"type":"int","value":1.5})"), "claim \"snp.x\": type int"},
      {doc(R"("snp.x":{"type":"int","value":18446744073709551615})"), "out of the signed 64-bit range"},
      {doc(R"("snp.x":{"type":"hex","value":"abc"})"), "claim \"snp.x\": not hex"},
      {doc(R"("snp.x":{"type":"hex","value":"zz"})"), "not hex"},
      {doc(R"("snp.x":{"type":"version","value":"1..2"})"), "claim \"snp.x\": not a dotted numeric version"},
      {doc(R"("snp.x":{"type":"float","value":1})"), "unknown type \"float\""},
      {doc(R"("snp.x":{"type":"int"})"), "missing \"value\""},
      {doc(R"("snp.x":{"type":"int","value":1,"note":2})"), "unknown key \"note\""},
      {doc(R"("snp.x":3)"), "expected an object"},
      {doc(R"("SNP.X":{"type":"int","value":1})"), "invalid name"},
      {doc(R"("snp..x":{"type":"int","value":1})"), "invalid name"},
  };
  for (const auto& c : cases) {
    auto r = cc::parse_claims_json(c.text);
    ASSERT_FALSE(r) << c.text;
    EXPECT_NE(r.message().find(c.must_mention), std::string::npos) << r.message() << " for " << c.text;
  }
}

TEST(ClaimsJson, NameAndNamespaceRules) {
  EXPECT_TRUE(cc::is_valid_namespace("x-nv-gpu"));
  EXPECT_TRUE(cc::is_valid_namespace("x-acme-tpm2"));
  EXPECT_FALSE(cc::is_valid_namespace("x-"));
  EXPECT_FALSE(cc::is_valid_namespace("y-snp"));
  EXPECT_FALSE(cc::is_valid_namespace("x-SNP"));
  EXPECT_TRUE(cc::is_valid_claim_name("snp.reported_tcb.microcode"));
  EXPECT_FALSE(cc::is_valid_claim_name(".snp"));
  EXPECT_FALSE(cc::is_valid_claim_name("snp."));
  EXPECT_FALSE(cc::is_valid_claim_name("snp-x"));
}

TEST(ClaimsJson, ManyRecordsKeepTheirOrderAndBound) {
  std::string records;
  for (int i = 0; i < 12; ++i) {
    if (i) records += ",";
    records += R"({"class":")" + std::string(i < 8 ? "gpu" : "switch") + R"(","index":)" + std::to_string(i < 8 ? i : i - 8) +
               R"(,"id":"dev-)" + std::to_string(i) + R"(","claims":{"d.n":{"type":"int","value":)" + std::to_string(i) + "}}}";
  }
  auto r = cc::parse_claims_json(R"({"schema":"cchost.claims/v2","namespace":"x-board","simulated":false,"records":[)" + records + "]}");
  ASSERT_TRUE(r) << r.message();
  ASSERT_EQ(r->records.size(), 12u);
  EXPECT_EQ(r->records[9].cls, "switch");
  EXPECT_EQ(r->records[9].index, 1u);
  EXPECT_EQ(r->records[9].claims.at("d.n").integer, 9);
  std::string too_many;
  for (std::size_t i = 0; i <= cc::kMaxRecords; ++i) too_many += std::string(i ? "," : "") + R"({"class":"d","index":0,"id":"","claims":{}})";
  auto big = cc::parse_claims_json(R"({"schema":"cchost.claims/v2","namespace":"x-board","simulated":false,"records":[)" + too_many + "]}");
  ASSERT_FALSE(big);
  EXPECT_NE(big.message().find("257 records"), std::string::npos) << big.message();
}
