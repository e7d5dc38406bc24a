// parse_time / format_time: RFC 3339 with Z or offsets, epoch seconds, and malformed input.
#include <gtest/gtest.h>

#include "cchost/crypto/x509.hpp"

namespace cchost::crypto {
namespace {

TEST(CryptoTime, ParsesRfc3339Zulu) {
  auto t = parse_time("2025-08-01T00:00:00Z");
  ASSERT_TRUE(t.ok()) << t.message();
  EXPECT_EQ(*t, 1754006400);
  EXPECT_EQ(*parse_time("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(*parse_time("2024-02-29T12:34:56Z"), 1709210096);
}

TEST(CryptoTime, ParsesOffsetsAndFractions) {
  EXPECT_EQ(*parse_time("2025-08-01T02:00:00+02:00"), 1754006400);
  EXPECT_EQ(*parse_time("2025-07-31T19:30:00-04:30"), 1754006400);
  EXPECT_EQ(*parse_time("2025-08-01T00:00:00.999Z"), 1754006400);
}

TEST(CryptoTime, ParsesEpochSeconds) {
  EXPECT_EQ(*parse_time("1760000000"), 1760000000);
  EXPECT_EQ(*parse_time("0"), 0);
}

TEST(CryptoTime, RejectsMalformed) {
  for (const char* bad : {"", "2025-08-01", "2025-08-01T00:00:00", "2025-13-01T00:00:00Z",
                          "2025-02-29T00:00:00Z", "2025-08-01T24:00:00Z", "2025-08-01T00:00:00Zx",
                          "2025-08-01 00:00:00Z", "2025-08-01T00:00:00+2:00", "-5", "12e3",
                          "2025-08-01T00:00:00.Z", "99999999999999"}) {
    auto t = parse_time(bad);
    EXPECT_FALSE(t.ok()) << "accepted: " << bad;
    if (!t.ok()) {
      EXPECT_NE(t.message().find("expected RFC 3339"), std::string::npos) << t.message();
    }
  }
}

TEST(CryptoTime, FormatRoundTrips) {
  EXPECT_EQ(format_time(1754006400), "2025-08-01T00:00:00Z");
  EXPECT_EQ(*parse_time(format_time(1709210096)), 1709210096);
}

}  // namespace
}  // namespace cchost::crypto
