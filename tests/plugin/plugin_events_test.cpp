// Plugin event subscriptions (issue 10): real fixture plugins through the real loader, on a
// real bus. A plugin subscribed to job.decided receives it with the decision; a failing or
// throwing handler is logged and isolated; a handler that blocks does not hold up the loop
// the bus dispatches on (in `cchost run`, the io thread that answers heartbeats and status).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <fstream>
#include <future>
#include <mutex>
#include <sstream>
#include <thread>

#include "cchost/bus/event_bus.hpp"
#include "cchost/plugin/event_subscriber.hpp"
#include "cchost/plugin/loader.hpp"
#include "plugin_test_support.hpp"

namespace cchost::plugin {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

std::vector<std::string> lines_of(const fs::path& file) {
  std::ifstream in(file);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Hang guard only: polls until `file` has at least `n` lines (or 20 s pass).
std::vector<std::string> wait_lines(const fs::path& file, std::size_t n) {
  const auto until = std::chrono::steady_clock::now() + 20s;
  auto lines = lines_of(file);
  while (lines.size() < n && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(10ms);
    lines = lines_of(file);
  }
  return lines;
}

std::string config(const fs::path& log, const std::string& mode, const fs::path& release = {}) {
  return "log = \"" + log.string() + "\"\nmode = \"" + mode + "\"\nrelease = \"" + release.string() + "\"\n";
}

// Lines handed to the subscriber's log callback, thread-safe.
struct LogLines {
  std::mutex mutex;
  std::vector<std::string> lines;
  std::function<void(const std::string&)> sink() {
    return [this](const std::string& line) {
      std::lock_guard lock(mutex);
      lines.push_back(line);
    };
  }
  std::string all() {
    std::lock_guard lock(mutex);
    std::string out;
    for (const auto& l : lines) out += l + "\n";
    return out;
  }
};

TEST(PluginEvents, DescribeListsTheSubscriptions) {
  PluginLoader loader;
  auto info = loader.inspect(test::fixture("fixture_events_c"));
  ASSERT_TRUE(info) << info.message();
  EXPECT_EQ(info->events, (std::vector<std::string>{"job.decided", "participant.quarantined"}));
}

TEST(PluginEvents, JobDecidedReachesTheSubscribedPluginWithTheDecision) {
  test::TempDir dir;
  PluginLoader loader;
  auto a = loader.load(test::fixture("fixture_events_a"), config(dir.path() / "a.log", "append"));
  ASSERT_TRUE(a) << a.message();
  bus::EventBus bus;
  PluginEventSubscriber subscriber(bus, *a);

  bus.publish("job.submitted", {{"job_id", "job-1"}});  // not subscribed: never delivered
  const nlohmann::json decision = {{"job_id", "job-1"},
                                   {"state", "failed"},
                                   {"sites", nlohmann::json::array()},
                                   {"excluded", {{"site-2", {{"stage", "registration"}, {"failed", {"x-demo.min_level"}}}}}}};
  bus.publish("job.decided", decision);
  ASSERT_TRUE(bus.drain(10s));

  auto lines = wait_lines(dir.path() / "a.log", 1);
  ASSERT_EQ(lines.size(), 1u);
  ASSERT_EQ(lines[0].rfind("job.decided ", 0), 0u) << lines[0];
  auto doc = nlohmann::json::parse(lines[0].substr(std::string("job.decided ").size()));
  EXPECT_EQ(doc["name"], "job.decided");
  EXPECT_EQ(doc["sequence"], 2);
  EXPECT_TRUE(doc["time"].is_number_integer());
  EXPECT_EQ(doc["payload"], decision);
  bus.shutdown();
  EXPECT_EQ(subscriber.stats().delivered, 1u);
  EXPECT_EQ(subscriber.stats().failed, 0u);
}

TEST(PluginEvents, FailingAndThrowingHandlersAreLoggedAndIsolated) {
  test::TempDir dir;
  PluginLoader loader;
  auto good = loader.load(test::fixture("fixture_events_a"), config(dir.path() / "good.log", "append"));
  auto thrower = loader.load(test::fixture("fixture_events_b"), config(dir.path() / "throw.log", "throw"));
  auto failer = loader.load(test::fixture("fixture_events_c"), config(dir.path() / "fail.log", "fail"));
  ASSERT_TRUE(good && thrower && failer);
  bus::EventBus bus;
  LogLines log;
  // Subscribed first, so a failure before the good plugin would show if it were not isolated.
  PluginEventSubscriber s_throw(bus, *thrower, PluginEventSubscriber::kDefaultQueueLimit, log.sink());
  PluginEventSubscriber s_fail(bus, *failer, PluginEventSubscriber::kDefaultQueueLimit, log.sink());
  PluginEventSubscriber s_good(bus, *good, PluginEventSubscriber::kDefaultQueueLimit, log.sink());

  for (int i = 1; i <= 3; ++i) bus.publish("job.decided", {{"job_id", "job-" + std::to_string(i)}, {"state", "deployed"}});
  ASSERT_TRUE(bus.drain(10s));
  // Every handler was still called for every event after its first failure.
  EXPECT_EQ(wait_lines(dir.path() / "good.log", 3).size(), 3u);
  EXPECT_EQ(wait_lines(dir.path() / "throw.log", 3).size(), 3u);
  EXPECT_EQ(wait_lines(dir.path() / "fail.log", 3).size(), 3u);
  bus.shutdown();  // waits for the pool: every delivery has finished
  EXPECT_EQ(s_good.stats().delivered, 3u);
  EXPECT_EQ(s_throw.stats().failed, 3u);
  EXPECT_EQ(s_fail.stats().failed, 3u);
  // Nothing escaped to the bus: its own handlers never failed.
  EXPECT_EQ(bus.stats().handler_failures, 0u);
  const std::string logged = log.all();
  EXPECT_THAT(logged, HasSubstr("plugin x-events-b"));
  EXPECT_THAT(logged, HasSubstr("fixture throws on job.decided"));
  EXPECT_THAT(logged, HasSubstr("plugin x-events-c"));
  EXPECT_THAT(logged, HasSubstr("fixture refuses job.decided"));
  EXPECT_THAT(logged, Not(HasSubstr("x-events-a")));
}

TEST(PluginEvents, BlockingHandlerDoesNotStallTheLoopTheBusDispatchesOn) {
  test::TempDir dir;
  const fs::path release = dir.path() / "release";
  PluginLoader loader;
  auto blocker = loader.load(test::fixture("fixture_events_a"), config(dir.path() / "block.log", "block", release));
  ASSERT_TRUE(blocker) << blocker.message();

  // As in `cchost run`: the bus dispatches on a loop that also serves the network.
  boost::asio::io_context io;
  auto guard = boost::asio::make_work_guard(io);
  std::thread io_thread([&io] { io.run(); });
  {
    bus::EventBus bus(io);
    std::atomic<int> builtin_seen{0};
    auto builtin = bus.subscribe("job.decided", -10, [&](const bus::Event&) { ++builtin_seen; }, "builtin");
    PluginEventSubscriber subscriber(bus, *blocker);

    bus.publish("job.decided", {{"job_id", "job-1"}});
    auto first = wait_lines(dir.path() / "block.log", 1);
    ASSERT_EQ(first.size(), 1u);
    ASSERT_EQ(first[0], "blocking job.decided");

    // While the plugin blocks, the loop still runs other work (a status answer, a heartbeat)...
    std::promise<void> answered;
    boost::asio::post(io, [&answered] { answered.set_value(); });
    EXPECT_EQ(answered.get_future().wait_for(10s), std::future_status::ready);
    // ...and later events still reach the host's own handlers.
    for (int i = 2; i <= 4; ++i) bus.publish("job.decided", {{"job_id", "job-" + std::to_string(i)}});
    ASSERT_TRUE(bus.drain(10s));
    EXPECT_EQ(builtin_seen.load(), 4);
    EXPECT_EQ(lines_of(dir.path() / "block.log").size(), 1u);  // the plugin is still blocked

    std::ofstream(release) << "go\n";
    // Released, the plugin gets the queued events, one at a time, in publish order.
    auto all = wait_lines(dir.path() / "block.log", 8);
    ASSERT_EQ(all.size(), 8u);
    for (int i = 1; i <= 4; ++i) {
      EXPECT_EQ(all[2 * (i - 1)], "blocking job.decided");
      EXPECT_THAT(all[2 * (i - 1) + 1], HasSubstr("\"job_id\":\"job-" + std::to_string(i) + "\""));
    }
    bus.shutdown();
  }
  guard.reset();
  io.stop();
  io_thread.join();
}

TEST(PluginEvents, FullQueueDropsAndSaysSo) {
  test::TempDir dir;
  const fs::path release = dir.path() / "release";
  PluginLoader loader;
  auto blocker = loader.load(test::fixture("fixture_events_a"), config(dir.path() / "block.log", "block", release));
  ASSERT_TRUE(blocker) << blocker.message();
  bus::EventBus bus;
  LogLines log;
  PluginEventSubscriber subscriber(bus, *blocker, 2, log.sink());
  bus.publish("job.decided", {{"job_id", "job-1"}});
  ASSERT_EQ(wait_lines(dir.path() / "block.log", 1).size(), 1u);  // job-1 is in the handler
  for (int i = 2; i <= 5; ++i) bus.publish("job.decided", {{"job_id", "job-" + std::to_string(i)}});
  ASSERT_TRUE(bus.drain(10s));
  std::ofstream(release) << "go\n";
  bus.shutdown();
  EXPECT_EQ(subscriber.stats().delivered, 3u);  // job-1, then the two that fitted
  EXPECT_EQ(subscriber.stats().dropped, 2u);
  EXPECT_THAT(log.all(), HasSubstr("dropped: its queue holds 2 undelivered events"));
}

TEST(PluginEvents, SubscriberWithoutOnEventInItsTableSizeIsRefused) {
  PluginLoader loader;
  auto info = loader.inspect(test::fixture("fixture_events_short"));
  ASSERT_FALSE(info);
  EXPECT_THAT(info.message(), HasSubstr("subscribes to events (job.decided, ...)"));
  EXPECT_THAT(info.message(), HasSubstr("has no on_event"));
}

}  // namespace
}  // namespace cchost::plugin
