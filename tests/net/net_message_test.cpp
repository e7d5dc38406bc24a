// Wire format: round trips, and every limit and malformation decode() must refuse.
#include <gtest/gtest.h>

#include "cchost/net/message.hpp"

namespace cchost::net {
namespace {

Bytes text(const std::string& s) { return Bytes(s.begin(), s.end()); }

Message sample() {
  Message m = make_message("register", "site-a", {{"nonce", "ab"}, {"n", 3}});
  m.blobs = {Bytes{0, 1, 2, 255}, Bytes(1000, 7)};
  return m;
}

std::string header(int v, const std::string& extra = "") {
  return R"({"v":)" + std::to_string(v) +
         R"(,"type":"ping","id":"0123456789abcdef0123456789abcdef","corr":"","sender":"site-a")" + extra + "}";
}

TEST(NetMessage, EncodeDecodeRoundTripKeepsEveryField) {
  Message m = sample();
  m.corr = new_message_id();
  auto frames = encode(m);
  ASSERT_EQ(frames.size(), 4u);
  auto back = decode(frames, Limits{});
  ASSERT_TRUE(back) << back.message();
  EXPECT_EQ(back->version, kProtocolVersion);
  EXPECT_EQ(back->type, "register");
  EXPECT_EQ(back->id, m.id);
  EXPECT_EQ(back->corr, m.corr);
  EXPECT_EQ(back->sender, "site-a");
  EXPECT_EQ(back->body, m.body);
  EXPECT_EQ(back->blobs, m.blobs);
}

TEST(NetMessage, MessageIdsAre32HexCharsAndDistinct) {
  const auto a = new_message_id();
  const auto b = new_message_id();
  EXPECT_EQ(a.size(), 32u);
  EXPECT_NE(a, b);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
}

TEST(NetMessage, UnknownProtocolVersionIsRefused) {
  std::vector<Bytes> frames = {text(header(2)), text("{}")};
  auto r = decode(frames, Limits{});
  ASSERT_FALSE(r);
  EXPECT_NE(r.message().find("unsupported protocol version: expected 1, got 2"), std::string::npos) << r.message();
}

TEST(NetMessage, FrameCountLimits) {
  Limits limits;
  limits.max_frames = 4;
  std::vector<Bytes> frames = {text(header(1)), text("{}"), {}, {}, {}};
  auto r = decode(frames, limits);
  ASSERT_FALSE(r);
  EXPECT_NE(r.message().find("too many frames: got 5, limit 4"), std::string::npos) << r.message();
  frames.pop_back();
  EXPECT_TRUE(decode(frames, limits));
  EXPECT_FALSE(decode(std::vector<Bytes>{text(header(1))}, limits));
  EXPECT_FALSE(decode(std::vector<Bytes>{}, limits));
}

TEST(NetMessage, FrameAndTotalSizeLimits) {
  Limits limits;
  limits.max_frame_bytes = 100;
  limits.max_total_bytes = 250;
  std::vector<Bytes> frames = {text(header(1)), text("{}"), Bytes(101, 1)};
  auto r = decode(frames, limits);
  ASSERT_FALSE(r);
  EXPECT_NE(r.message().find("frame 2 too large: 101 bytes, limit 100"), std::string::npos) << r.message();
  frames = {text(header(1)), text("{}"), Bytes(100, 1), Bytes(100, 1)};
  r = decode(frames, limits);
  ASSERT_FALSE(r);
  EXPECT_NE(r.message().find("message too large"), std::string::npos) << r.message();
}

TEST(NetMessage, DefaultLimitsAreTheDocumentedOnes) {
  const Limits limits;
  EXPECT_EQ(limits.max_frames, 16u);
  EXPECT_EQ(limits.max_frame_bytes, 4u << 20);
  EXPECT_EQ(limits.max_total_bytes, 16u << 20);
}

TEST(NetMessage, MalformedHeadersAreRefused) {
  const std::vector<std::string> bad = {
      "not json",
      "[1,2]",
      R"({"v":1})",
      header(1, R"(,"extra":1)"),
      R"({"v":"1","type":"ping","id":"0123456789abcdef0123456789abcdef","corr":"","sender":"a"})",
      R"({"v":1,"type":"PING","id":"0123456789abcdef0123456789abcdef","corr":"","sender":"a"})",
      R"({"v":1,"type":"ping","id":"0123456789ABCDEF0123456789abcdef","corr":"","sender":"a"})",
      R"({"v":1,"type":"ping","id":"0123","corr":"","sender":"a"})",
      R"({"v":1,"type":"ping","id":"0123456789abcdef0123456789abcdef","corr":"xyz","sender":"a"})",
      R"({"v":1,"type":"ping","id":"0123456789abcdef0123456789abcdef","corr":"","sender":""})",
      R"({"v":1,"type":"ping","id":"0123456789abcdef0123456789abcdef","corr":"","sender":"a b"})",
      R"({"v":1,"type":{"x":1},"id":"0123456789abcdef0123456789abcdef","corr":"","sender":"a"})",
  };
  for (const auto& h : bad) {
    std::vector<Bytes> frames = {text(h), text("{}")};
    EXPECT_FALSE(decode(frames, Limits{})) << "accepted header: " << h;
  }
}

TEST(NetMessage, OversizeHeaderIsRefusedBeforeParsing) {
  const std::string big = header(1).substr(0, header(1).size() - 1) + R"(,"pad":")" + std::string(2000, 'x') + "\"}";
  std::vector<Bytes> frames = {text(big), text("{}")};
  auto r = decode(frames, Limits{});
  ASSERT_FALSE(r);
  EXPECT_NE(r.message().find("header frame too large"), std::string::npos) << r.message();
}

TEST(NetMessage, BodyMustBeABoundedJsonObject) {
  for (const std::string body : {"[]", "3", "\"s\"", "{", "", "{\"a\":\xff}"}) {
    std::vector<Bytes> frames = {text(header(1)), text(body)};
    EXPECT_FALSE(decode(frames, Limits{})) << "accepted body: " << body;
  }
  // Deep nesting is refused before the parser sees it (recursion depth attack).
  std::string deep = "{\"a\":" + std::string(100000, '[') + std::string(100000, ']') + "}";
  std::vector<Bytes> frames = {text(header(1)), text(deep)};
  auto r = decode(frames, Limits{});
  ASSERT_FALSE(r);
  EXPECT_NE(r.message().find("nested too deeply"), std::string::npos) << r.message();
  // Brackets inside strings do not count.
  frames = {text(header(1)), text(R"({"a":"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["})")};
  EXPECT_TRUE(decode(frames, Limits{}));
}

TEST(NetMessage, ErrorReplyCarriesReasonAndCorrelation) {
  const auto id = new_message_id();
  auto e = make_error_reply("server", id, "frame 1 too large");
  auto back = decode(encode(e), Limits{});
  ASSERT_TRUE(back) << back.message();
  EXPECT_EQ(back->type, "error");
  EXPECT_EQ(back->corr, id);
  EXPECT_EQ(back->body.at("reason"), "frame 1 too large");
}

}  // namespace
}  // namespace cchost::net
