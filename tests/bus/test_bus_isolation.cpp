// A throwing handler is logged (event name and handler id), counted and contained: the
// other handlers of the event and every later event are still delivered.
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <sstream>
#include <stdexcept>

#include "bus_test_support.hpp"
#include "cchost/bus/event_bus.hpp"

namespace cchost::bus {
namespace {

using testing::kHangGuard;
using testing::Recorder;

// Routes the default logger into a string for the duration of a test.
class CapturedLog {
 public:
  CapturedLog() : previous_(spdlog::default_logger()) {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(stream_);
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("bus-test", sink));
  }
  ~CapturedLog() { spdlog::set_default_logger(previous_); }
  std::string text() {
    spdlog::default_logger()->flush();
    return stream_.str();
  }

 private:
  std::ostringstream stream_;
  std::shared_ptr<spdlog::logger> previous_;
};

TEST(BusIsolation, ThrowingHandlersAreContainedAndCounted) {
  CapturedLog log;
  EventBus bus;
  Recorder<std::string> survivors;
  auto first = bus.subscribe("*", 30, [&](const Event& e) { survivors.add("first " + e.name); });
  auto std_thrower = bus.subscribe(
      "job.decided", 20, [](const Event&) { throw std::runtime_error("policy file vanished"); },
      "decision-writer");
  auto odd_thrower = bus.subscribe("job.decided", 10, [](const Event&) { throw 42; });
  auto last = bus.subscribe("*", 0, [&](const Event& e) { survivors.add("last " + e.name); });

  bus.publish("job.decided", {{"job", "j1"}});
  bus.publish("system.end");
  ASSERT_TRUE(bus.drain(kHangGuard));

  EXPECT_EQ(survivors.values(), (std::vector<std::string>{"first job.decided", "last job.decided",
                                                           "first system.end",
                                                           "last system.end"}));
  auto stats = bus.stats();
  EXPECT_EQ(stats.handler_failures, 2u);
  EXPECT_EQ(stats.handler_calls, 6u);
  EXPECT_EQ(stats.delivered, 2u);

  auto text = log.text();
  EXPECT_NE(text.find("handler #" + std::to_string(std_thrower.id()) + " (decision-writer)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("policy file vanished"), std::string::npos) << text;
  EXPECT_NE(text.find("handler #" + std::to_string(odd_thrower.id()) + " threw on event "
                      "job.decided (seq 1)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("not derived from std::exception"), std::string::npos) << text;
}

TEST(BusIsolation, AHandlerThatAlwaysThrowsNeverStopsDelivery) {
  CapturedLog log;
  EventBus bus;
  std::atomic<int> good_calls{0};
  auto bad = bus.subscribe("*", 100, [](const Event&) { throw std::logic_error("always"); });
  auto good = bus.subscribe("*", 0, [&](const Event&) { good_calls.fetch_add(1); });
  for (int i = 0; i < 500; ++i) bus.publish("client.register.received");
  ASSERT_TRUE(bus.drain(kHangGuard));
  EXPECT_EQ(good_calls.load(), 500);
  EXPECT_EQ(bus.stats().handler_failures, 500u);
}

TEST(BusIsolation, HandlerMayPublishFollowUpEventsButNotDrain) {
  CapturedLog log;
  EventBus bus;
  Recorder<std::string> seen;
  std::atomic<bool> drain_result{true};
  auto chain = bus.subscribe("client.register.received", 0, [&](const Event&) {
    drain_result.store(bus.drain(kHangGuard));  // would wait on itself: refused at once
    bus.publish("client.register.after");
  });
  auto after = bus.subscribe("*", -1, [&](const Event& e) { seen.add(e.name); });
  bus.publish("client.register.received");
  ASSERT_TRUE(bus.drain(kHangGuard));
  ASSERT_TRUE(bus.drain(kHangGuard));  // the follow-up was queued during the first drain
  EXPECT_FALSE(drain_result.load());
  EXPECT_EQ(seen.values(),
            (std::vector<std::string>{"client.register.received", "client.register.after"}));
}

}  // namespace
}  // namespace cchost::bus
