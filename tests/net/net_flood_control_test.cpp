// Throttle and RateLimiter (host/net/flood_control.hpp) on a clock the test moves by hand.
#include "cchost/net/flood_control.hpp"

#include <gtest/gtest.h>

using cchost::net::FloodClock;
using cchost::net::RateLimiter;
using cchost::net::Throttle;
using namespace std::chrono_literals;

TEST(NetThrottle, FiveHundredEventsGiveABurstAndOneSummaryPerInterval) {
  Throttle t({.burst = 3, .interval = 10s});
  const auto t0 = FloodClock::time_point{} + 1h;
  int reported = 0;
  for (int i = 0; i < 500; ++i) reported += t.admit("denied", t0 + i * 1ms, "attempt " + std::to_string(i)) ? 1 : 0;
  EXPECT_EQ(reported, 3);
  EXPECT_TRUE(t.take_due(t0 + 9s).empty());  // the interval is not over
  ASSERT_EQ(t.next_due(), t0 + 10s);
  auto due = t.take_due(t0 + 10s);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].key, "denied");
  EXPECT_EQ(due[0].suppressed, 497u);
  EXPECT_EQ(due[0].last_detail, "attempt 499");
  // The flood goes on: no new burst of single lines, one summary per interval.
  for (int i = 0; i < 100; ++i) EXPECT_FALSE(t.admit("denied", t0 + 11s));
  due = t.take_due(t0 + 20s);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].suppressed, 100u);
  // Quiet for an interval: forgotten, and the next event is reported again.
  EXPECT_TRUE(t.take_due(t0 + 30s).empty());
  EXPECT_FALSE(t.next_due().has_value());
  EXPECT_TRUE(t.admit("denied", t0 + 31s));
}

TEST(NetThrottle, KeysAreIndependentAndBounded) {
  Throttle t({.burst = 1, .interval = 10s, .max_keys = 2});
  const auto t0 = FloodClock::time_point{} + 1h;
  EXPECT_TRUE(t.admit("a", t0));
  EXPECT_FALSE(t.admit("a", t0));
  EXPECT_TRUE(t.admit("b", t0));
  EXPECT_TRUE(t.admit("c", t0));   // third key: the shared "(other)" slot
  EXPECT_FALSE(t.admit("d", t0));  // shares it
  auto due = t.take_due(t0 + 10s);
  ASSERT_EQ(due.size(), 2u);
  EXPECT_EQ(due[0].key, "(other)");
  EXPECT_EQ(due[0].suppressed, 1u);
  EXPECT_EQ(due[1].key, "a");
  EXPECT_EQ(due[1].suppressed, 1u);
}

TEST(NetRateLimiter, BurstThenRefusedWithGrowingBackOff) {
  RateLimiter r({.burst = 5, .per_second = 0.1, .backoff_min = 5s, .backoff_max = 60s});
  const auto t0 = FloodClock::time_point{} + 1h;
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(r.check("site-1", t0).allowed) << i;
  auto refused = r.check("site-1", t0);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after, 5s);
  EXPECT_EQ(r.check("site-1", t0 + 1s).retry_after, 4s);  // still blocked
  // Half a token after the block: refused again, for twice as long.
  EXPECT_EQ(r.check("site-1", t0 + 5s).retry_after, 10s);
  EXPECT_TRUE(r.check("site-1", t0 + 15s).allowed);  // 1.5 tokens by then
  EXPECT_EQ(r.check("site-1", t0 + 15s).retry_after, 20s);
  // Other peers are not affected.
  EXPECT_TRUE(r.check("site-2", t0 + 1s).allowed);
  // A flood of 4,300 in 25 s gets a handful through.
  RateLimiter flood({.burst = 5, .per_second = 0.1});
  int allowed = 0;
  for (int i = 0; i < 4300; ++i) allowed += flood.check("site-1", t0 + std::chrono::microseconds(i * 25'000'000LL / 4300)).allowed ? 1 : 0;
  EXPECT_LE(allowed, 8);
  EXPECT_GE(allowed, 5);
}

TEST(NetRateLimiter, BackOffIsForgivenOnceTheBucketRefills) {
  RateLimiter r({.burst = 2, .per_second = 1, .backoff_min = 1s, .backoff_max = 60s});
  const auto t0 = FloodClock::time_point{} + 1h;
  EXPECT_TRUE(r.check("p", t0).allowed);
  EXPECT_TRUE(r.check("p", t0).allowed);
  EXPECT_EQ(r.check("p", t0).retry_after, 1s);
  EXPECT_TRUE(r.check("p", t0 + 10s).allowed);  // full again: back-off reset
  EXPECT_TRUE(r.check("p", t0 + 10s).allowed);
  EXPECT_EQ(r.check("p", t0 + 10s).retry_after, 1s);
}
