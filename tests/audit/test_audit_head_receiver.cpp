// The server's side of heartbeat heads: a head is kept only when the site's own audit key
// signed it, never moves the mark back, and is written at most once per interval per site.
#include <gtest/gtest.h>

#include "audit_test_support.hpp"
#include "cchost/audit/audit_log.hpp"
#include "cchost/audit/head_receiver.hpp"

namespace cchost::audit {
namespace {

using testing::ScratchDir;
using Clock = HeadReceiver::Clock;


class HeadReceiverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    site_key_ = testing::fresh_signing_key();
    auto log = AuditLog::open(dir_ / "site.log", {}, AuditSigning(site_key_, 1000));
    ASSERT_TRUE(log.ok()) << log.message();
    log_ = std::move(*log);
  }
  // The next head the site would send: one new entry, then a checkpoint over it.
  nlohmann::json next_head() {
    EXPECT_TRUE(log_->append("registration", {{"site", "site-1"}}).ok());
    auto head = log_->checkpoint();
    EXPECT_TRUE(head.ok()) << head.message();
    return signed_head_to_json(*head);
  }
  HeadReceiver receiver(std::chrono::milliseconds interval = std::chrono::milliseconds(1000)) {
    std::map<std::string, crypto::PublicKey> keys;
    keys.emplace("site-1", site_key_->public_key());
    return HeadReceiver(dir_ / "site-heads", std::move(keys), interval);
  }
  std::uint64_t kept_seq() {
    auto kept = read_received_head(dir_ / "site-heads" / "site-1.json");
    return kept ? kept->seq : 0;
  }

  ScratchDir dir_;
  std::shared_ptr<const crypto::SigningKey> site_key_;
  std::unique_ptr<AuditLog> log_;
};

TEST_F(HeadReceiverTest, KeepsAHeadTheSitesKeySigned) {
  auto r = receiver();
  auto head = next_head();
  auto outcome = r.receive("site-1", head, Clock::now());
  ASSERT_TRUE(outcome.ok()) << outcome.message();
  EXPECT_EQ(*outcome, HeadReceiver::Outcome::kept);
  EXPECT_EQ(kept_seq(), head["seq"].get<std::uint64_t>());
}

TEST_F(HeadReceiverTest, AHeadWithAForgedSeqIsRefusedAndDoesNotBlockLaterHeads) {
  // The attack: a heartbeat carrying seq 2^60 under a signature over other bytes. Kept, it
  // would make every later genuine head look "not newer".
  auto r = receiver();
  auto forged = next_head();
  forged["seq"] = std::uint64_t{1} << 60;
  forged["covers_seq"] = (std::uint64_t{1} << 60) - 1;
  auto refused = r.receive("site-1", forged, Clock::now());
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.message().find("site-1"), std::string::npos) << refused.message();
  EXPECT_EQ(kept_seq(), 0u);
  auto genuine = next_head();
  auto kept = r.receive("site-1", genuine, Clock::now());
  ASSERT_TRUE(kept.ok()) << kept.message();
  EXPECT_EQ(*kept, HeadReceiver::Outcome::kept);
}

TEST_F(HeadReceiverTest, AnotherKeysHeadAndAnUnknownSiteAreRefused) {
  auto r = receiver();
  auto other = testing::fresh_signing_key();
  auto log = AuditLog::open(dir_ / "other.log", {}, AuditSigning(other, 1000));
  ASSERT_TRUE(log.ok());
  ASSERT_TRUE((*log)->append("x", nlohmann::json::object()).ok());
  auto head = (*log)->checkpoint();
  ASSERT_TRUE(head.ok());
  EXPECT_FALSE(r.receive("site-1", signed_head_to_json(*head), Clock::now()).ok());
  auto unknown = r.receive("site-9", next_head(), Clock::now());
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.message().find("no audit key"), std::string::npos) << unknown.message();
  EXPECT_FALSE(std::filesystem::exists(dir_ / "site-heads" / "site-9.json"));
  EXPECT_FALSE(r.receive("site-1", nlohmann::json{{"seq", "one"}}, Clock::now()).ok());
}

TEST_F(HeadReceiverTest, OneWriteAnIntervalAndNeverBackwards) {
  auto r = receiver(std::chrono::seconds(1));
  const auto t0 = Clock::now();
  auto first = next_head();
  ASSERT_EQ(*r.receive("site-1", first, t0), HeadReceiver::Outcome::kept);
  auto second = next_head();
  EXPECT_EQ(*r.receive("site-1", second, t0 + std::chrono::milliseconds(10)), HeadReceiver::Outcome::too_soon);
  EXPECT_EQ(kept_seq(), first["seq"].get<std::uint64_t>());
  EXPECT_EQ(*r.receive("site-1", first, t0 + std::chrono::seconds(5)), HeadReceiver::Outcome::not_newer);
  EXPECT_EQ(*r.receive("site-1", second, t0 + std::chrono::seconds(5)), HeadReceiver::Outcome::kept);
  EXPECT_EQ(kept_seq(), second["seq"].get<std::uint64_t>());
  // A shutdown head is kept at once: it seals the log and no later heartbeat follows.
  ASSERT_TRUE(log_->append("system.end", nlohmann::json::object()).ok());
  ASSERT_TRUE(log_->seal().ok());
  auto lines = testing::split_lines(testing::read_file(dir_ / "site.log"));
  auto entry = nlohmann::json::parse(lines.back());
  ASSERT_EQ(entry["reason"], "shutdown");
  nlohmann::json shutdown;
  for (const char* field : {"seq", "covers_seq", "head", "reason", "key", "sig"}) shutdown[field] = entry[field];
  EXPECT_EQ(*r.receive("site-1", shutdown, t0 + std::chrono::milliseconds(5010)), HeadReceiver::Outcome::kept);
  EXPECT_EQ(kept_seq(), entry["seq"].get<std::uint64_t>());
}

TEST_F(HeadReceiverTest, TheMarkSurvivesARestart) {
  auto first = next_head();
  auto second = next_head();
  {
    auto r = receiver();
    ASSERT_EQ(*r.receive("site-1", second, Clock::now()), HeadReceiver::Outcome::kept);
  }
  auto restarted = receiver();
  EXPECT_EQ(*restarted.receive("site-1", first, Clock::now()), HeadReceiver::Outcome::not_newer);
  EXPECT_EQ(kept_seq(), second["seq"].get<std::uint64_t>());
}

}  // namespace
}  // namespace cchost::audit
