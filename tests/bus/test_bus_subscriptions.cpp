// Who receives what: exact names, prefix and full wildcards, and unsubscription (explicit,
// by destruction, from inside the handler, and racing a handler in progress).
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <thread>

#include "bus_test_support.hpp"
#include "cchost/bus/event_bus.hpp"
#include "cchost/bus/event_names.hpp"

namespace cchost::bus {
namespace {

using testing::kHangGuard;
using testing::Recorder;

TEST(BusWildcard, PatternsSelectTheRightEvents) {
  EventBus bus;
  Recorder<std::string> all, jobs, decided, deploy;
  auto s1 = bus.subscribe("*", 0, [&](const Event& e) { all.add(e.name); });
  auto s2 = bus.subscribe("job.*", 0, [&](const Event& e) { jobs.add(e.name); });
  auto s3 = bus.subscribe("job.decided", 0, [&](const Event& e) { decided.add(e.name); });
  auto s4 = bus.subscribe("job.deploy.*", 0, [&](const Event& e) { deploy.add(e.name); });
  for (const char* name : {"system.bootstrap", "job.decided", "job.deploy.verify", "jobs.x",
                           "job", "job.deploy.peer_verify", "job.decided.late"}) {
    bus.publish(name);
  }
  ASSERT_TRUE(bus.drain(kHangGuard));
  EXPECT_EQ(all.values().size(), 7u);
  EXPECT_EQ(jobs.values(), (std::vector<std::string>{"job.decided", "job.deploy.verify",
                                                      "job.deploy.peer_verify",
                                                      "job.decided.late"}));
  EXPECT_EQ(decided.values(), (std::vector<std::string>{"job.decided"}));
  EXPECT_EQ(deploy.values(),
            (std::vector<std::string>{"job.deploy.verify", "job.deploy.peer_verify"}));
}

TEST(BusWildcard, MalformedPatternsAndEmptyHandlersAreRefused) {
  EventBus bus;
  auto noop = [](const Event&) {};
  for (const char* bad : {"", "job*", "*.decided", "job.*.verify", ".*", "**"}) {
    EXPECT_THROW(bus.subscribe(bad, 0, noop), std::invalid_argument) << "'" << bad << "'";
  }
  EXPECT_THROW(bus.subscribe("job.decided", 0, EventHandler{}), std::invalid_argument);
}

TEST(BusUnsubscribe, ExplicitAndRaiiUnsubscribeStopDelivery) {
  EventBus bus;
  std::atomic<int> explicit_calls{0}, scoped_calls{0}, kept_calls{0};
  auto explicit_sub = bus.subscribe("*", 0, [&](const Event&) { explicit_calls.fetch_add(1); });
  auto kept = bus.subscribe("*", 0, [&](const Event&) { kept_calls.fetch_add(1); });
  {
    auto scoped = bus.subscribe("*", 0, [&](const Event&) { scoped_calls.fetch_add(1); });
    ASSERT_TRUE(bus.publish_and_wait("system.bootstrap", {}, kHangGuard));
  }
  EXPECT_TRUE(explicit_sub.active());
  explicit_sub.unsubscribe();
  EXPECT_FALSE(explicit_sub.active());
  explicit_sub.unsubscribe();  // idempotent
  ASSERT_TRUE(bus.publish_and_wait("system.end", {}, kHangGuard));
  EXPECT_EQ(explicit_calls.load(), 1);
  EXPECT_EQ(scoped_calls.load(), 1);
  EXPECT_EQ(kept_calls.load(), 2);
}

TEST(BusUnsubscribe, MovedSubscriptionKeepsTheHandlerUntilTheLastOwnerLetsGo) {
  EventBus bus;
  std::atomic<int> calls{0};
  Subscription outer;
  {
    auto inner = bus.subscribe("*", 0, [&](const Event&) { calls.fetch_add(1); });
    outer = std::move(inner);
    EXPECT_FALSE(inner.active());  // NOLINT(bugprone-use-after-move): checked on purpose
  }
  ASSERT_TRUE(bus.publish_and_wait("system.bootstrap", {}, kHangGuard));
  EXPECT_EQ(calls.load(), 1);
  outer = Subscription{};
  ASSERT_TRUE(bus.publish_and_wait("system.bootstrap", {}, kHangGuard));
  EXPECT_EQ(calls.load(), 1);
}

TEST(BusUnsubscribe, HandlerMayUnsubscribeItself) {
  EventBus bus;
  std::atomic<int> calls{0};
  Subscription self;
  self = bus.subscribe("*", 0, [&](const Event&) {
    calls.fetch_add(1);
    self.unsubscribe();  // must not deadlock on the call in progress
  });
  for (int i = 0; i < 5; ++i) bus.publish("system.bootstrap");
  ASSERT_TRUE(bus.drain(kHangGuard));
  EXPECT_EQ(calls.load(), 1);
}

TEST(BusUnsubscribe, HandlerRemovedByAnEarlierHandlerOfTheSameEventIsNotCalled) {
  EventBus bus;
  std::atomic<int> victim_calls{0};
  Subscription victim;
  auto killer = bus.subscribe("*", 10, [&](const Event&) { victim.unsubscribe(); });
  victim = bus.subscribe("*", 0, [&](const Event&) { victim_calls.fetch_add(1); });
  ASSERT_TRUE(bus.publish_and_wait("system.bootstrap", {}, kHangGuard));
  EXPECT_EQ(victim_calls.load(), 0);
}

TEST(BusUnsubscribe, UnsubscribeWaitsForTheCallInProgress) {
  EventBus bus;
  std::promise<void> started, release;
  auto release_future = release.get_future().share();
  std::atomic<bool> finished{false};
  auto sub = bus.subscribe("*", 0, [&, release_future](const Event&) {
    started.set_value();
    release_future.wait_for(kHangGuard);
    finished.store(true);
  });
  bus.publish("system.bootstrap");
  ASSERT_EQ(started.get_future().wait_for(kHangGuard), std::future_status::ready);
  std::thread releaser([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    release.set_value();
  });
  sub.unsubscribe();
  // Were unsubscribe() not to wait, the handler would still be blocked here.
  EXPECT_TRUE(finished.load()) << "unsubscribe() returned while the handler was running";
  releaser.join();
  ASSERT_TRUE(bus.drain(kHangGuard));
}

TEST(BusUnsubscribe, SubscriptionMayOutliveTheBus) {
  Subscription survivor;
  {
    EventBus bus;
    survivor = bus.subscribe("*", 0, [](const Event&) {});
  }
  survivor.unsubscribe();  // the bus is gone: nothing to do, and no crash
  EXPECT_FALSE(survivor.active());
}

}  // namespace
}  // namespace cchost::bus
