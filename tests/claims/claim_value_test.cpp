#include <gtest/gtest.h>

#include "cchost/claims/claim_value.hpp"

namespace cc = cchost::claims;

TEST(ClaimsVersion, ParsesDottedNumeric) {
  auto v = cc::parse_version("550.54.15");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->parts, (std::vector<std::uint32_t>{550, 54, 15}));
  EXPECT_EQ(v->text, "550.54.15");
  EXPECT_TRUE(cc::parse_version("7"));
  EXPECT_TRUE(cc::parse_version("96.10.55.00.01"));
}

TEST(ClaimsVersion, RejectsMalformed) {
  for (const char* bad : {"", ".", "1.", ".1", "1..2", "1.a", "v1", "1.2 ", "-1", "1234567890",
                          "1.2.3.4.5.6.7.8.9.10.11.12.13.14.15.16.17"}) {
    EXPECT_FALSE(cc::parse_version(bad)) << bad;
  }
}

TEST(ClaimsVersion, ComparesNumericallyWithZeroPadding) {
  auto v = [](const char* s) { return *cc::parse_version(s); };
  EXPECT_TRUE(cc::compare_versions(v("1.49"), v("1.49.0")) == 0);
  EXPECT_TRUE(cc::compare_versions(v("1.49"), v("1.49.3")) < 0);
  EXPECT_TRUE(cc::compare_versions(v("550.100"), v("550.54.15")) > 0);  // numeric, not text
  EXPECT_TRUE(cc::compare_versions(v("2"), v("10")) < 0);
}

TEST(ClaimsHex, NormalizesAndRejects) {
  EXPECT_EQ(cc::normalize_hex("0aBF"), "0abf");
  EXPECT_EQ(cc::normalize_hex(""), "");
  EXPECT_FALSE(cc::normalize_hex("abc"));   // odd length
  EXPECT_FALSE(cc::normalize_hex("0g"));
  EXPECT_FALSE(cc::normalize_hex("0x00"));
}

TEST(ClaimsValue, EqualityIsTyped) {
  EXPECT_EQ(cc::ClaimValue::of_int(1), cc::ClaimValue::of_int(1));
  EXPECT_FALSE(cc::ClaimValue::of_int(1) == cc::ClaimValue::of_bool(true));
  EXPECT_FALSE(cc::ClaimValue::of_string("ab") == *cc::ClaimValue::of_hex("ab"));
  EXPECT_EQ(*cc::ClaimValue::of_hex("AB"), *cc::ClaimValue::of_hex("ab"));
  EXPECT_EQ(*cc::ClaimValue::of_version("1.2"), *cc::ClaimValue::of_version("1.2.0"));
  EXPECT_EQ(cc::ClaimValue::of_string("Milan").display(), "\"Milan\"");
  EXPECT_EQ(cc::ClaimValue::of_bool(false).display(), "false");
}
