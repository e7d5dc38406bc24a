// Delivery order: publish order across events, priority order within one event, and no two
// handlers of a bus running at once even when the loop runs on several threads.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <thread>

#include "bus_test_support.hpp"
#include "cchost/bus/event_bus.hpp"
#include "cchost/bus/event_names.hpp"

namespace cchost::bus {
namespace {

using testing::kHangGuard;
using testing::Recorder;

TEST(BusOrdering, ManyEventsArriveInPublishOrderWithIncreasingSequence) {
  EventBus bus;
  Recorder<std::pair<std::uint64_t, int>> seen;
  auto sub = bus.subscribe("job.submitted", 0, [&](const Event& e) {
    seen.add({e.sequence, e.payload.at("i").get<int>()});
  });
  constexpr int kEvents = 5000;
  for (int i = 0; i < kEvents; ++i) {
    auto seq = bus.publish(std::string(events::kJobSubmitted), {{"i", i}});
    ASSERT_TRUE(seq.has_value());
    EXPECT_EQ(*seq, static_cast<std::uint64_t>(i + 1));
  }
  ASSERT_TRUE(bus.drain(kHangGuard));
  auto values = seen.values();
  ASSERT_EQ(values.size(), static_cast<std::size_t>(kEvents));
  for (int i = 0; i < kEvents; ++i) {
    EXPECT_EQ(values[i].first, static_cast<std::uint64_t>(i + 1)) << "at " << i;
    EXPECT_EQ(values[i].second, i) << "at " << i;
  }
  EXPECT_EQ(bus.stats().published, static_cast<std::uint64_t>(kEvents));
  EXPECT_EQ(bus.stats().delivered, static_cast<std::uint64_t>(kEvents));
}

TEST(BusOrdering, EventCarriesNameTimePayload) {
  EventBus bus;
  Recorder<Event> seen;
  auto sub = bus.subscribe("*", 0, [&](const Event& e) { seen.add(e); });
  auto before = std::chrono::system_clock::now();
  ASSERT_TRUE(bus.publish_and_wait(std::string(events::kJobDecided),
                                   {{"job", "j1"}, {"state", "deployed"}}, kHangGuard));
  auto after = std::chrono::system_clock::now();
  auto values = seen.values();
  ASSERT_EQ(values.size(), 1u);
  EXPECT_EQ(values[0].name, "job.decided");
  EXPECT_EQ(values[0].sequence, 1u);
  EXPECT_GE(values[0].time, before);
  EXPECT_LE(values[0].time, after);
  EXPECT_EQ(values[0].payload.at("state"), "deployed");
}

TEST(BusOrdering, HigherPriorityFirstTiesInSubscriptionOrder) {
  EventBus bus;
  Recorder<std::string> order;
  auto record = [&](std::string who) { return [&order, who](const Event&) { order.add(who); }; };
  auto a = bus.subscribe("job.decided", 0, record("a0"));
  auto b = bus.subscribe("job.decided", 10, record("b10"));
  auto c = bus.subscribe("*", 5, record("c5"));
  auto d = bus.subscribe("job.decided", 10, record("d10"));
  auto e = bus.subscribe("job.*", -3, record("e-3"));
  auto f = bus.subscribe("job.decided", 0, record("f0"));
  ASSERT_TRUE(bus.publish_and_wait("job.decided", {}, kHangGuard));
  EXPECT_EQ(order.values(),
            (std::vector<std::string>{"b10", "d10", "c5", "a0", "f0", "e-3"}));
}

TEST(BusOrdering, HandlersNeverOverlapWhenLoopRunsOnManyThreads) {
  boost::asio::io_context io;
  EventBus bus(io);
  std::atomic<int> inside{0};
  std::atomic<int> overlaps{0};
  std::atomic<int> calls{0};
  auto handler = [&](const Event&) {
    if (inside.fetch_add(1) != 0) overlaps.fetch_add(1);
    std::this_thread::yield();
    calls.fetch_add(1);
    inside.fetch_sub(1);
  };
  auto s1 = bus.subscribe("*", 1, handler);
  auto s2 = bus.subscribe("*", 0, handler);
  constexpr int kEvents = 2000;
  for (int i = 0; i < kEvents; ++i) ASSERT_TRUE(bus.publish("system.bootstrap"));
  std::vector<std::thread> runners;
  for (int t = 0; t < 4; ++t) runners.emplace_back([&] { io.run(); });
  for (auto& r : runners) r.join();  // run() returns once the queue is empty
  EXPECT_EQ(calls.load(), 2 * kEvents);
  EXPECT_EQ(overlaps.load(), 0) << "two handlers of the bus ran at the same time";
}

TEST(BusOrdering, ConcurrentPublishersKeepPerPublisherOrder) {
  EventBus bus;
  struct Seen {
    std::uint64_t sequence;
    int publisher;
    int index;
  };
  Recorder<Seen> seen;
  auto sub = bus.subscribe("job.*", 0, [&](const Event& e) {
    seen.add({e.sequence, e.payload.at("p").get<int>(), e.payload.at("i").get<int>()});
  });
  constexpr int kPublishers = 4;
  constexpr int kPerPublisher = 2000;
  std::vector<std::thread> publishers;
  for (int p = 0; p < kPublishers; ++p) {
    publishers.emplace_back([&bus, p] {
      for (int i = 0; i < kPerPublisher; ++i) bus.publish("job.deploy.verify", {{"p", p}, {"i", i}});
    });
  }
  for (auto& t : publishers) t.join();
  ASSERT_TRUE(bus.drain(kHangGuard));
  auto values = seen.values();
  ASSERT_EQ(values.size(), static_cast<std::size_t>(kPublishers * kPerPublisher));
  std::vector<int> next_index(kPublishers, 0);
  std::uint64_t last_sequence = 0;
  for (const auto& v : values) {
    EXPECT_GT(v.sequence, last_sequence) << "delivery order differs from sequence order";
    last_sequence = v.sequence;
    EXPECT_EQ(v.index, next_index[v.publisher]) << "publisher " << v.publisher << " reordered";
    next_index[v.publisher] = v.index + 1;
  }
  for (int p = 0; p < kPublishers; ++p) EXPECT_EQ(next_index[p], kPerPublisher);
}

TEST(BusOrdering, ShutdownDeliversWhatIsQueuedThenRefusesNewEvents) {
  std::atomic<int> calls{0};
  EventBus bus;
  auto sub = bus.subscribe("*", 0, [&](const Event&) { calls.fetch_add(1); });
  for (int i = 0; i < 1000; ++i) bus.publish("system.end");
  bus.shutdown();
  EXPECT_EQ(calls.load(), 1000);
  EXPECT_FALSE(bus.publish("system.end").has_value());
  EXPECT_EQ(bus.stats().rejected_publishes, 1u);
  EXPECT_EQ(calls.load(), 1000);
}

TEST(BusOrdering, ExternalLoopDeliversWhenTheCallerRunsIt) {
  boost::asio::io_context io;
  EventBus bus(io);
  Recorder<std::uint64_t> seen;
  auto sub = bus.subscribe("system.bootstrap", 0, [&](const Event& e) { seen.add(e.sequence); });
  bus.publish("system.bootstrap");
  bus.publish("system.bootstrap");
  EXPECT_TRUE(seen.values().empty()) << "delivered before the loop ran";
  io.run();
  EXPECT_EQ(seen.values(), (std::vector<std::uint64_t>{1, 2}));
}

TEST(BusOrdering, DrainAfterShutdownOnACallersLoopStillWaitsForQueuedEvents) {
  boost::asio::io_context io;
  EventBus bus(io);
  Recorder<std::uint64_t> seen;
  auto sub = bus.subscribe("*", 0, [&](const Event& e) { seen.add(e.sequence); });
  bus.publish("system.end");
  bus.shutdown();
  // Nobody runs the loop yet: the event is still queued, so drain must not claim success.
  EXPECT_FALSE(bus.drain(std::chrono::milliseconds(10)));
  auto keep_running = boost::asio::make_work_guard(io);
  std::thread runner([&] { io.run(); });
  EXPECT_TRUE(bus.drain(kHangGuard));
  keep_running.reset();
  runner.join();
  EXPECT_EQ(seen.values(), (std::vector<std::uint64_t>{1}));
}

TEST(BusOrdering, PublishRejectsMalformedNames) {
  EventBus bus;
  EXPECT_THROW(bus.publish(""), std::invalid_argument);
  EXPECT_THROW(bus.publish("job.*"), std::invalid_argument);
  EXPECT_THROW(bus.publish("*"), std::invalid_argument);
}

}  // namespace
}  // namespace cchost::bus
