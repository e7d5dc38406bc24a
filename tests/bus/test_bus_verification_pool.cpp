// Verification work runs on the pool, off the delivery strand; results come back through a
// future, or through a continuation that runs on the strand.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <numeric>
#include <set>
#include <stdexcept>
#include <thread>

#include "bus_test_support.hpp"
#include "cchost/bus/event_bus.hpp"

namespace cchost::bus {
namespace {

using testing::kHangGuard;
using testing::Recorder;

TEST(BusVerificationPool, ManyJobsCompleteWithTheirResults) {
  EventBus bus(BusOptions{.verification_threads = 3});
  std::vector<std::future<long>> futures;
  for (long i = 0; i < 200; ++i) {
    futures.push_back(bus.run_verification([i] {
      long sum = 0;
      for (long k = 0; k <= i; ++k) sum += k;
      return sum;
    }));
  }
  for (long i = 0; i < 200; ++i) {
    ASSERT_EQ(futures[i].wait_for(kHangGuard), std::future_status::ready);
    EXPECT_EQ(futures[i].get(), i * (i + 1) / 2);
  }
}

TEST(BusVerificationPool, WorkRunsOffTheCallingThread) {
  EventBus bus;
  auto worker = bus.run_verification([] { return std::this_thread::get_id(); });
  ASSERT_EQ(worker.wait_for(kHangGuard), std::future_status::ready);
  EXPECT_NE(worker.get(), std::this_thread::get_id());
}

TEST(BusVerificationPool, ExceptionReachesTheFuture) {
  EventBus bus;
  auto failing = bus.run_verification([]() -> int { throw std::runtime_error("bad signature"); });
  ASSERT_EQ(failing.wait_for(kHangGuard), std::future_status::ready);
  EXPECT_THROW(failing.get(), std::runtime_error);
  EXPECT_EQ(bus.stats().handler_failures, 0u);  // the caller owns that failure
}

TEST(BusVerificationPool, ContinuationRunsOnTheStrandInOrderWithEvents) {
  EventBus bus;
  Recorder<std::string> order;
  std::atomic<int> inside{0};
  std::atomic<int> overlaps{0};
  auto guard = [&](std::string what) {
    if (inside.fetch_add(1) != 0) overlaps.fetch_add(1);
    order.add(std::move(what));
    inside.fetch_sub(1);
  };
  auto sub = bus.subscribe("*", 0, [&](const Event& e) { guard(e.name); });
  std::promise<void> done;
  bus.run_verification([] { return 7; },
                       [&](std::future<int> result) {
                         guard("verdict " + std::to_string(result.get()));
                         bus.publish("job.decided");
                         done.set_value();
                       });
  ASSERT_EQ(done.get_future().wait_for(kHangGuard), std::future_status::ready);
  ASSERT_TRUE(bus.drain(kHangGuard));
  auto values = order.values();
  ASSERT_EQ(values.size(), 2u);
  EXPECT_EQ(values[0], "verdict 7");
  EXPECT_EQ(values[1], "job.decided");
  EXPECT_EQ(overlaps.load(), 0);
}

TEST(BusVerificationPool, ThrowingContinuationIsContained) {
  EventBus bus;
  std::promise<void> reached;
  bus.run_verification([]() -> int { throw std::runtime_error("chain broken"); },
                       [&](std::future<int> result) {
                         reached.set_value();
                         result.get();  // rethrows; the bus must contain it
                       });
  ASSERT_EQ(reached.get_future().wait_for(kHangGuard), std::future_status::ready);
  ASSERT_TRUE(bus.drain(kHangGuard));
  EXPECT_EQ(bus.stats().handler_failures, 1u);
  EXPECT_TRUE(bus.publish_and_wait("system.end", {}, kHangGuard));
}

TEST(BusVerificationPool, ShutdownWaitsForRunningWorkAndRefusesNewWork) {
  EventBus bus;
  std::atomic<bool> continuation_ran{false};
  auto running = bus.run_verification([] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    return 1;
  });
  bus.run_verification([] { return 2; }, [&](std::future<int> r) {
    continuation_ran.store(r.get() == 2);
  });
  bus.shutdown();
  EXPECT_EQ(running.wait_for(std::chrono::seconds(0)), std::future_status::ready);
  EXPECT_TRUE(continuation_ran.load()) << "shutdown dropped a queued continuation";
  auto refused = bus.run_verification([] { return 3; });
  ASSERT_EQ(refused.wait_for(kHangGuard), std::future_status::ready);
  EXPECT_THROW(refused.get(), std::future_error);
}

}  // namespace
}  // namespace cchost::bus
