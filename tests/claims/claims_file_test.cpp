#include <gtest/gtest.h>

#include "cchost/claims/claims_file.hpp"

namespace cc = cchost::claims;

namespace {
std::string ns_doc(const std::string& ns) {
  return R"({"schema":"cchost.claims/v2","namespace":")" + ns +
         R"(","simulated":false,"issued_at":null,"records":[{"class":"d","index":0,"id":"","claims":{"a.b":{"type":"int","value":1}}}]})";
}
}  // namespace

TEST(ClaimsFile, AcceptsEveryDocumentedShape) {
  const std::string a = ns_doc("x-snp"), b = ns_doc("x-nv-gpu");
  for (const std::string& text :
       {"[" + a + "," + b + "]", R"({"x-snp":)" + a + R"(,"x-nv-gpu":)" + b + "}",
        R"({"claims":[)" + a + "," + b + "]}", R"({"accept":true,"claims":{"x-snp":)" + a + R"(,"x-nv-gpu":)" + b + "}}"}) {
    auto r = cc::parse_claims_file_text(text);
    ASSERT_TRUE(r) << r.message() << " for " << text;
    EXPECT_EQ(r->size(), 2u);
    EXPECT_EQ(r->at("x-nv-gpu").records[0].claims.at("a.b").integer, 1);
  }
  auto single = cc::parse_claims_file_text(a);
  ASSERT_TRUE(single);
  EXPECT_EQ(single->size(), 1u);
}

TEST(ClaimsFile, RejectsDuplicatesAndMismatchedKeys) {
  const std::string a = ns_doc("x-snp");
  auto dup = cc::parse_claims_file_text("[" + a + "," + a + "]");
  ASSERT_FALSE(dup);
  EXPECT_NE(dup.message().find("appears twice"), std::string::npos);
  auto wrong = cc::parse_claims_file_text(R"({"x-tdx":)" + a + "}");
  ASSERT_FALSE(wrong);
  EXPECT_NE(wrong.message().find("holds namespace"), std::string::npos);
  EXPECT_FALSE(cc::parse_claims_file_text("42"));
  EXPECT_FALSE(cc::load_claims_file("/nonexistent/claims.json"));
}

TEST(ClaimsFile, AcceptsAVerifiedVerifyReportOnly) {
  const std::string report =
      R"({"verified":true,"namespace":"x-snp","simulated":false,"issued_at":5,)"
      R"("records":[{"class":"cpu","index":0,"id":"","claims":{"snp.guest_svn":{"type":"int","value":3}}}],"decision":null,"errors":[]})";
  auto r = cc::parse_claims_file_text(report);
  ASSERT_TRUE(r) << r.message();
  EXPECT_EQ(r->at("x-snp").records[0].claims.at("snp.guest_svn").integer, 3);
  EXPECT_EQ(r->at("x-snp").issued_at, 5);
  std::string unverified = report;
  unverified.replace(unverified.find("true"), 4, "false");
  auto bad = cc::parse_claims_file_text(unverified);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.message().find("not verified"), std::string::npos);
  std::string broken = report;
  broken.replace(broken.find("\"int\""), 5, "\"hex\"");
  EXPECT_FALSE(cc::parse_claims_file_text(broken));
}

// What `cchost verify --json` prints today: the same report, naming its schema. It used to be
// read as a claims document and refused ("schema" must be "cchost.claims/v2").
TEST(ClaimsFile, AcceptsAVerifyReportThatNamesItsSchema) {
  const std::string report =
      R"({"schema":"cchost.verify/v1","verified":true,"namespace":"x-snp","simulated":false,"issued_at":null,)"
      R"("records":[{"class":"cpu","index":0,"id":"","claims":{"snp.guest_svn":{"type":"int","value":3}}}],"decision":null,"errors":[]})";
  auto r = cc::parse_claims_file_text(report);
  ASSERT_TRUE(r) << r.message();
  EXPECT_EQ(r->at("x-snp").records[0].claims.at("snp.guest_svn").integer, 3);
  std::string unverified = report;
  unverified.replace(unverified.find("true"), 4, "false");
  auto bad = cc::parse_claims_file_text(unverified);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.message().find("not verified"), std::string::npos);
  // Another schema is not taken for a verify report.
  std::string other = report;
  other.replace(other.find("cchost.verify/v1"), 16, "cchost.verify/v9");
  EXPECT_FALSE(cc::parse_claims_file_text(other));
}
