// hex / base64 / base64url: RFC 4648 §10 test vectors, and strict rejection of malformed text.
#include <gtest/gtest.h>

#include <string>

#include "cchost/crypto/encoding.hpp"

namespace cchost::crypto {
namespace {

std::string str(const Bytes& b) { return std::string(b.begin(), b.end()); }

TEST(CryptoEncoding, Base64Rfc4648Vectors) {
  const std::pair<const char*, const char*> vectors[] = {
      {"", ""},         {"f", "Zg=="},        {"fo", "Zm8="},        {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"}};
  for (auto [plain, encoded] : vectors) {
    EXPECT_EQ(base64_encode(as_bytes(plain)), encoded);
    auto decoded = base64_decode(encoded);
    ASSERT_TRUE(decoded.ok()) << encoded << ": " << decoded.message();
    EXPECT_EQ(str(*decoded), plain);
  }
}

TEST(CryptoEncoding, Base64UrlVectorsUnpaddedAndPadded) {
  const std::pair<const char*, const char*> vectors[] = {
      {"", ""}, {"f", "Zg"}, {"fo", "Zm8"}, {"foo", "Zm9v"}, {"foob", "Zm9vYg"},
      {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"}};
  for (auto [plain, encoded] : vectors) {
    EXPECT_EQ(base64url_encode(as_bytes(plain)), encoded);
    auto decoded = base64url_decode(encoded);
    ASSERT_TRUE(decoded.ok()) << encoded << ": " << decoded.message();
    EXPECT_EQ(str(*decoded), plain);
  }
  auto padded = base64url_decode("Zm8=");
  ASSERT_TRUE(padded.ok()) << padded.message();
  EXPECT_EQ(str(*padded), "fo");
}

TEST(CryptoEncoding, AlphabetsDiffer) {
  const Bytes b = {0xfb, 0xff, 0xbf};
  EXPECT_EQ(base64_encode(b), "+/+/");
  EXPECT_EQ(base64url_encode(b), "-_-_");
  EXPECT_FALSE(base64_decode("-_-_").ok());
  EXPECT_FALSE(base64url_decode("+/+/").ok());
  EXPECT_EQ(*base64url_decode("-_-_"), b);
}

TEST(CryptoEncoding, HexRoundTripBothCases) {
  const Bytes b = {0x00, 0x01, 0xab, 0xcd, 0xef, 0xff};
  EXPECT_EQ(hex_encode(b), "0001abcdefff");
  EXPECT_EQ(*hex_decode("0001abcdefff"), b);
  EXPECT_EQ(*hex_decode("0001ABCDEFFF"), b);
  EXPECT_TRUE(hex_decode("")->empty());
}

TEST(CryptoEncoding, HexRejectsOddLengthAndBadCharacterWithPosition) {
  auto odd = hex_decode("abc");
  ASSERT_FALSE(odd.ok());
  EXPECT_NE(odd.message().find("odd length"), std::string::npos) << odd.message();
  auto bad = hex_decode("00g1");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.message().find("'g' at position 2"), std::string::npos) << bad.message();
  auto sep = hex_decode("00 1");
  ASSERT_FALSE(sep.ok());
  EXPECT_NE(sep.message().find("position 2"), std::string::npos) << sep.message();
  EXPECT_FALSE(hex_decode("0x00").ok());
}

TEST(CryptoEncoding, Base64RejectsMissingPadding) {
  auto r = base64_decode("Zg");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.message().find("multiple of 4"), std::string::npos) << r.message();
}

TEST(CryptoEncoding, Base64RejectsBadCharactersWithPosition) {
  auto space = base64_decode("Zm9v Zg==");
  ASSERT_FALSE(space.ok());
  auto r = base64_decode("Zm9*");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.message().find("'*' at position 3"), std::string::npos) << r.message();
  auto nl = base64_decode("Zm9\n");
  ASSERT_FALSE(nl.ok());
  EXPECT_NE(nl.message().find("0x0a at position 3"), std::string::npos) << nl.message();
}

TEST(CryptoEncoding, Base64RejectsBadPadding) {
  EXPECT_FALSE(base64_decode("Zg=a").ok());      // '=' inside
  EXPECT_FALSE(base64_decode("Z===").ok());      // three '='
  EXPECT_FALSE(base64_decode("Zm9v====").ok());  // a whole block of padding
  EXPECT_FALSE(base64_decode("Zm8==").ok());     // length 5
  auto wrong = base64_decode("Zm==Zm8=");
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.message().find("position 2"), std::string::npos) << wrong.message();
}

TEST(CryptoEncoding, Base64RejectsNonCanonicalTrailingBits) {
  // "Zh==" decodes to 'f' with non-zero unused bits; only "Zg==" is the encoding of "f".
  auto r = base64_decode("Zh==");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.message().find("non-canonical"), std::string::npos) << r.message();
  EXPECT_FALSE(base64url_decode("Zm9=").ok());
  EXPECT_FALSE(base64url_decode("Zm9").ok());
}

TEST(CryptoEncoding, Base64UrlRejectsDanglingSymbolAndBadPadding) {
  auto one = base64url_decode("Zm9vY");
  ASSERT_FALSE(one.ok());
  EXPECT_NE(one.message().find("dangling"), std::string::npos) << one.message();
  EXPECT_FALSE(base64url_decode("Zg=").ok());   // partial padding
  EXPECT_FALSE(base64url_decode("Zm8==").ok());
  EXPECT_FALSE(base64url_decode("Zm9v.").ok());
}

TEST(CryptoEncoding, AllByteValuesRoundTrip) {
  Bytes all(256);
  for (int i = 0; i < 256; ++i) all[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(i);
  for (std::size_t n = 0; n <= all.size(); n += 37) {
    Bytes part(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(n));
    EXPECT_EQ(*base64_decode(base64_encode(part)), part);
    EXPECT_EQ(*base64url_decode(base64url_encode(part)), part);
    EXPECT_EQ(*hex_decode(hex_encode(part)), part);
  }
}

}  // namespace
}  // namespace cchost::crypto
