// Event throughput through the strand: publish a batch, wait for delivery to 3 handlers.
#include <benchmark/benchmark.h>

#include <atomic>

#include "cchost/bus/event_bus.hpp"

namespace {

void BM_BusPublishDeliver(benchmark::State& state) {
  cchost::bus::EventBus bus;
  std::atomic<long> calls{0};
  auto count = [&](const cchost::bus::Event&) { calls.fetch_add(1, std::memory_order_relaxed); };
  auto a = bus.subscribe("*", 10, count);
  auto b = bus.subscribe("job.*", 5, count);
  auto c = bus.subscribe("job.decided", 0, count);
  const auto batch = state.range(0);
  for (auto _ : state) {
    for (long i = 0; i < batch; ++i) bus.publish("job.decided", {{"job", "j"}, {"i", i}});
    if (!bus.drain(std::chrono::seconds(60))) state.SkipWithError("drain timed out");
  }
  state.SetItemsProcessed(state.iterations() * batch);
}
BENCHMARK(BM_BusPublishDeliver)->Arg(1)->Arg(1000)->UseRealTime();

void BM_BusVerificationRoundTrip(benchmark::State& state) {
  cchost::bus::EventBus bus(cchost::bus::BusOptions{.verification_threads = 2});
  for (auto _ : state) {
    auto result = bus.run_verification([] { return 1; });
    benchmark::DoNotOptimize(result.get());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BusVerificationRoundTrip)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
