#include <gtest/gtest.h>

#include "cchost/claims/claims_file.hpp"

namespace cc = cchost::claims;

namespace {
std::string ns_doc(const std::string& ns) {
  return R"({"schema":"cchost.claims/v1","namespace":")" + ns +
         R"(","simulated":false,"issued_at":null,"claims":{"a.b":{"type":"int","value":1}}})";
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
    EXPECT_EQ(r->at("x-nv-gpu").claims.at("a.b").integer, 1);
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
