// ZAP decisions: deny by default, CURVE only, user id = the allow-listed name.
#include <gtest/gtest.h>
#include <zmq.h>

#include <array>

#include "cchost/net/curve_keys.hpp"
#include "zap_handler.hpp"

namespace cchost::net::detail {
namespace {

std::string raw_key(const std::string& z85) {
  std::array<std::uint8_t, 32> raw{};
  EXPECT_NE(zmq_z85_decode(raw.data(), z85.c_str()), nullptr);
  return std::string(reinterpret_cast<const char*>(raw.data()), raw.size());
}

std::vector<std::string> request(const std::string& mechanism, const std::string& credential) {
  return {"1.0", "req-7", "cchost", "127.0.0.1", "", mechanism, credential};
}

TEST(NetZap, AdmitsAllowListedKeyWithItsNameAsUserId) {
  const auto site = generate_curve_keypair();
  AllowList allow{{site.public_z85, Peer{"site-a", Role::site}}};
  const auto d = decide_zap(request("CURVE", raw_key(site.public_z85)), allow);
  ASSERT_TRUE(d.allowed) << d.log_line;
  ASSERT_EQ(d.reply.size(), 6u);
  EXPECT_EQ(d.reply[0], "1.0");
  EXPECT_EQ(d.reply[1], "req-7");
  EXPECT_EQ(d.reply[2], "200");
  EXPECT_EQ(d.reply[4], "site-a");
  EXPECT_NE(d.reply[5].find(site.public_z85), std::string::npos);
}

TEST(NetZap, DeniesUnknownKeyOtherMechanismsAndMalformedRequests) {
  const auto site = generate_curve_keypair();
  const auto stranger = generate_curve_keypair();
  AllowList allow{{site.public_z85, Peer{"site-a", Role::site}}};
  auto d = decide_zap(request("CURVE", raw_key(stranger.public_z85)), allow);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.reply[2], "400");
  EXPECT_EQ(d.reply[4], "");
  EXPECT_FALSE(decide_zap({"1.0", "r", "cchost", "127.0.0.1", "", "NULL"}, allow).allowed);
  EXPECT_FALSE(decide_zap(request("PLAIN", "user"), allow).allowed);
  EXPECT_FALSE(decide_zap(request("CURVE", "short"), allow).allowed);
  EXPECT_FALSE(decide_zap({"2.0", "r", "d", "a", "", "CURVE", raw_key(site.public_z85)}, allow).allowed);
  EXPECT_FALSE(decide_zap({}, allow).allowed);
  EXPECT_FALSE(decide_zap(request("CURVE", raw_key(site.public_z85)), AllowList{}).allowed);
}

}  // namespace
}  // namespace cchost::net::detail
