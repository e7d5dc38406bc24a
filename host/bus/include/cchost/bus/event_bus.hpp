#pragma once
// EventBus: the host's in-process event bus.
//
// - publish() stamps an event with the next sequence number and posts it to one Asio strand,
//   so events are delivered in publish order and the handlers of one event run one after the
//   other in priority order (higher first; equal priorities in subscription order), never
//   concurrently with each other.
// - Verification work (parsing evidence, checking signatures) is CPU-bound and must not hold
//   up delivery, so it runs on a separate thread pool: run_verification().
// - A handler that throws is logged with the event name and handler id, counted in stats(),
//   and skipped; the other handlers of that event and every later event are still delivered.
//   Nothing a handler does takes the host down.
//
// Pattern syntax for subscribe(): an exact name ("job.decided"), a dotted prefix
// ("job.*" matches "job.decided" and "job.deploy.verify", not "jobs.x"), or "*" for all.
#include <chrono>
#include <cstdint>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include <nlohmann/json.hpp>

#include "cchost/bus/event.hpp"
#include "cchost/bus/subscription.hpp"

namespace boost::asio {
class io_context;
}

namespace cchost::bus {

struct BusOptions {
  std::size_t verification_threads = 2;  // size of the verification pool (at least 1)
};

struct BusStats {
  std::uint64_t published = 0;          // events accepted by publish()
  std::uint64_t delivered = 0;          // events whose handlers have all run
  std::uint64_t handler_calls = 0;      // handler invocations, successful or not
  std::uint64_t handler_failures = 0;   // handlers (and continuations) that threw
  std::uint64_t rejected_publishes = 0; // publish() calls after shutdown()
};

class EventBus {
 public:
  // Owns its io_context and runs it on one dispatch thread of its own.
  explicit EventBus(BusOptions options = {});
  // Dispatches on the caller's io_context; the caller runs it (the host's main loop, where
  // the ZeroMQ sockets live too). Events still queued when the bus is destroyed are
  // delivered if that loop runs on; call drain() first to be sure they have been.
  explicit EventBus(boost::asio::io_context& io, BusOptions options = {});
  ~EventBus();  // shutdown(), then releases the loop it owns
  EventBus(const EventBus&) = delete;
  EventBus& operator=(const EventBus&) = delete;

  // Registers `handler` for the events matching `pattern`. `label` names the handler in
  // log lines ("audit-writer"). Throws std::invalid_argument for a malformed pattern or an
  // empty handler: those are wiring mistakes, found at start-up.
  Subscription subscribe(std::string pattern, int priority, EventHandler handler,
                         std::string label = {});

  // Queues an event; returns its sequence number, or nullopt once shutdown() has begun.
  // Throws std::invalid_argument for an empty name or one containing '*'.
  std::optional<std::uint64_t> publish(std::string name,
                                       nlohmann::json payload = nlohmann::json::object());

  // Waits until every event published before the call has been delivered, at most
  // `timeout`. False on timeout, or when called from a handler (it would wait on itself).
  bool drain(std::chrono::milliseconds timeout);

  // publish() then drain(): for tests and for shutdown events such as system.end.
  bool publish_and_wait(std::string name, nlohmann::json payload,
                        std::chrono::milliseconds timeout);

  // Runs `work` on the verification pool; the future carries its result or exception.
  // After shutdown() the work is not run and the future reports std::future_error
  // (broken_promise).
  template <class F>
  auto run_verification(F&& work) -> std::future<std::invoke_result_t<std::decay_t<F>&>> {
    using R = std::invoke_result_t<std::decay_t<F>&>;
    auto task = std::make_shared<std::packaged_task<R()>>(std::forward<F>(work));
    auto future = task->get_future();
    post_verification([task] { (*task)(); }, nullptr);
    return future;
  }

  // Runs `work` on the pool, then `done(std::future<R>)` back on the bus strand, ordered
  // with event delivery: `done` may publish the verdict or touch state that handlers own.
  // `done` calls .get() to obtain the result or rethrow the work's exception; if `done`
  // itself throws, that is logged and counted like a handler failure.
  template <class F, class Done>
  void run_verification(F&& work, Done&& done) {
    using R = std::invoke_result_t<std::decay_t<F>&>;
    auto task = std::make_shared<std::packaged_task<R()>>(std::forward<F>(work));
    auto future = std::make_shared<std::future<R>>(task->get_future());
    auto continuation = std::make_shared<std::decay_t<Done>>(std::forward<Done>(done));
    post_verification([task] { (*task)(); },
                      [future, continuation] { (*continuation)(std::move(*future)); });
  }

  BusStats stats() const;

  // Stops accepting events and verification work, waits for the pool's running work, and
  // (when the bus owns its loop) delivers what is queued. Idempotent.
  void shutdown();

 private:
  void post_verification(std::function<void()> work, std::function<void()> continuation);

  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cchost::bus
