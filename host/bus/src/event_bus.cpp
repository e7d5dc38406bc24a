#include "cchost/bus/event_bus.hpp"

#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "subscriber_registry.hpp"

namespace cchost::bus {
namespace {

namespace asio = boost::asio;
using Strand = asio::strand<asio::io_context::executor_type>;

// What the closures queued on the strand need. It is shared with them, so a closure still
// queued on a caller-owned loop after the bus is gone finds it alive.
struct DispatchCore {
  std::shared_ptr<detail::SubscriberRegistry> registry =
      std::make_shared<detail::SubscriberRegistry>();
  std::atomic<std::uint64_t> delivered{0};
  std::atomic<std::uint64_t> handler_calls{0};
  std::atomic<std::uint64_t> handler_failures{0};

  void deliver(const Event& event) {
    for (const auto& subscriber : registry->matching(event.name)) {
      registry->call_if_active(*subscriber, [&](detail::Subscriber& s) {
        handler_calls.fetch_add(1);
        try {
          s.handler(event);
        } catch (const std::exception& e) {
          note_handler_failure(s, event, e.what());
        } catch (...) {
          note_handler_failure(s, event, "an exception not derived from std::exception");
        }
      });
    }
    delivered.fetch_add(1);
  }

  void note_handler_failure(const detail::Subscriber& s, const Event& event,
                            std::string_view what) {
    handler_failures.fetch_add(1);
    spdlog::error("bus: handler #{}{}{}{} threw on event {} (seq {}): {}; other handlers and "
                  "later events are unaffected",
                  s.id, s.label.empty() ? "" : " (", s.label, s.label.empty() ? "" : ")",
                  event.name, event.sequence, what);
  }

  void run_continuation(const std::function<void()>& continuation) {
    try {
      continuation();
    } catch (const std::exception& e) {
      handler_failures.fetch_add(1);
      spdlog::error("bus: verification continuation threw: {}", e.what());
    } catch (...) {
      handler_failures.fetch_add(1);
      spdlog::error("bus: verification continuation threw an exception not derived from "
                    "std::exception");
    }
  }
};

void validate_event_name(const std::string& name) {
  if (name.empty()) throw std::invalid_argument("bus: publish with an empty event name");
  if (name.find('*') != std::string::npos) {
    throw std::invalid_argument("bus: event name '" + name + "' contains '*' (patterns are "
                                "for subscribe only)");
  }
}

}  // namespace

struct EventBus::Impl {
  // Declaration order matters for destruction: the pool goes first, then the strand, then
  // the loop that both refer to.
  std::unique_ptr<asio::io_context> owned_io;
  asio::io_context* io;
  Strand strand;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_guard;
  std::thread dispatch_thread;
  asio::thread_pool pool;
  std::shared_ptr<DispatchCore> core = std::make_shared<DispatchCore>();

  std::mutex admission_mutex;  // orders sequence numbers with strand posts; guards closed
  std::uint64_t next_sequence = 1;
  bool closed = false;
  bool stopped = false;
  std::atomic<std::uint64_t> published{0};
  std::atomic<std::uint64_t> rejected{0};

  Impl(std::unique_ptr<asio::io_context> owned, asio::io_context& loop, BusOptions options)
      : owned_io(std::move(owned)),
        io(&loop),
        strand(asio::make_strand(loop)),
        pool(options.verification_threads == 0 ? 1 : options.verification_threads) {
    if (owned_io) {
      work_guard.emplace(owned_io->get_executor());
      dispatch_thread = std::thread([this] { owned_io->run(); });
    }
  }

  bool drain(std::chrono::milliseconds timeout) {
    if (strand.running_in_this_thread()) {
      spdlog::error("bus: drain() called from a handler; it would wait on itself");
      return false;
    }
    {
      std::lock_guard lock(admission_mutex);
      // Our own loop has stopped after delivering everything; a caller's loop may still
      // hold queued events, so there the marker below still applies.
      if (stopped && owned_io) return true;
    }
    auto done = std::make_shared<std::promise<void>>();
    auto future = done->get_future();
    asio::post(strand, [done] { done->set_value(); });
    return future.wait_for(timeout) == std::future_status::ready;
  }
};

EventBus::EventBus(BusOptions options) {
  auto io = std::make_unique<boost::asio::io_context>(1);
  auto& loop = *io;
  impl_ = std::make_unique<Impl>(std::move(io), loop, options);
}

EventBus::EventBus(boost::asio::io_context& io, BusOptions options)
    : impl_(std::make_unique<Impl>(nullptr, io, options)) {}

EventBus::~EventBus() { shutdown(); }

Subscription EventBus::subscribe(std::string pattern, int priority, EventHandler handler,
                                 std::string label) {
  auto id = impl_->core->registry->add(std::move(pattern), priority, std::move(handler),
                                       std::move(label));
  return Subscription(impl_->core->registry, id);
}

std::optional<std::uint64_t> EventBus::publish(std::string name, nlohmann::json payload) {
  validate_event_name(name);
  auto event = std::make_shared<Event>();
  event->name = std::move(name);
  event->payload = std::move(payload);
  std::lock_guard lock(impl_->admission_mutex);
  if (impl_->closed) {
    impl_->rejected.fetch_add(1);
    spdlog::warn("bus: event {} published after shutdown; dropped", event->name);
    return std::nullopt;
  }
  // Numbering and posting under one lock: sequence order is delivery order, even with
  // several publishing threads.
  event->sequence = impl_->next_sequence++;
  event->time = std::chrono::system_clock::now();
  impl_->published.fetch_add(1);
  std::shared_ptr<const Event> shared = std::move(event);
  boost::asio::post(impl_->strand, [core = impl_->core, shared] { core->deliver(*shared); });
  return shared->sequence;
}

bool EventBus::drain(std::chrono::milliseconds timeout) { return impl_->drain(timeout); }

bool EventBus::publish_and_wait(std::string name, nlohmann::json payload,
                                std::chrono::milliseconds timeout) {
  if (!publish(std::move(name), std::move(payload))) return false;
  return drain(timeout);
}

void EventBus::post_verification(std::function<void()> work,
                                 std::function<void()> continuation) {
  std::lock_guard lock(impl_->admission_mutex);
  if (impl_->closed) {
    // Dropping `work` destroys its packaged_task: the caller's future reports
    // broken_promise instead of waiting forever.
    spdlog::warn("bus: verification work submitted after shutdown; not run");
    return;
  }
  boost::asio::post(impl_->pool, [work = std::move(work), continuation = std::move(continuation),
                                  core = impl_->core, strand = impl_->strand] {
    work();  // a packaged_task: its exception goes to the future, never escapes here
    if (continuation) {
      boost::asio::post(strand, [core, continuation] { core->run_continuation(continuation); });
    }
  });
}

BusStats EventBus::stats() const {
  BusStats s;
  s.published = impl_->published.load();
  s.delivered = impl_->core->delivered.load();
  s.handler_calls = impl_->core->handler_calls.load();
  s.handler_failures = impl_->core->handler_failures.load();
  s.rejected_publishes = impl_->rejected.load();
  return s;
}

void EventBus::shutdown() {
  {
    std::lock_guard lock(impl_->admission_mutex);
    impl_->closed = true;
    if (impl_->stopped) return;
  }
  if (impl_->strand.running_in_this_thread()) {
    // Joining from the dispatch thread would wait on itself; the owner finishes later.
    spdlog::error("bus: shutdown() called from a handler; new events are refused, the "
                  "owner's shutdown or destructor completes it");
    return;
  }
  // Verification work still running posts its continuations to the strand; let it finish,
  // then deliver what is queued (when this bus runs the loop) and stop the loop.
  impl_->pool.join();
  if (impl_->owned_io) {
    auto done = std::make_shared<std::promise<void>>();
    auto future = done->get_future();
    boost::asio::post(impl_->strand, [done] { done->set_value(); });
    future.wait();
    impl_->work_guard.reset();
    impl_->owned_io->stop();
    if (impl_->dispatch_thread.joinable()) impl_->dispatch_thread.join();
  }
  std::lock_guard lock(impl_->admission_mutex);
  impl_->stopped = true;
}

}  // namespace cchost::bus
