#pragma once
// SubscriberRegistry: who listens to which events, in which order, and the guarantee that a
// removed handler is neither running nor called again once remove() returns.
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "cchost/bus/event.hpp"

namespace cchost::bus::detail {

struct Subscriber {
  std::uint64_t id = 0;
  std::string pattern;
  int priority = 0;
  std::string label;
  EventHandler handler;
  std::atomic<bool> active{true};  // written under the registry's call mutex
};

// Throws std::invalid_argument unless `pattern` is "*", "a.b.*" or an exact name.
void validate_pattern(std::string_view pattern);
bool pattern_matches(std::string_view pattern, std::string_view event_name);

class SubscriberRegistry {
 public:
  std::uint64_t add(std::string pattern, int priority, EventHandler handler, std::string label);
  void remove(std::uint64_t id);

  // The subscribers for `event_name`, highest priority first, ties in subscription order.
  std::vector<std::shared_ptr<Subscriber>> matching(std::string_view event_name) const;

  // Calls `invoke(subscriber)` unless the subscriber was removed meanwhile; remove() from
  // another thread waits for a call in progress. Returns whether it was called.
  template <class Invoke>
  bool call_if_active(Subscriber& subscriber, Invoke&& invoke);

 private:
  bool current_thread_is_calling() const;

  mutable std::mutex list_mutex_;  // guards subscribers_ and next_id_
  std::vector<std::shared_ptr<Subscriber>> subscribers_;  // sorted: priority desc, id asc
  std::uint64_t next_id_ = 1;
  std::mutex call_mutex_;  // held while a handler runs (handlers are serialised anyway)
};

// The registry whose handler the current thread is running, if any: remove() from inside a
// handler must not wait for the call mutex it already holds.
extern thread_local const SubscriberRegistry* tls_calling_registry;

template <class Invoke>
bool SubscriberRegistry::call_if_active(Subscriber& subscriber, Invoke&& invoke) {
  std::lock_guard lock(call_mutex_);
  if (!subscriber.active.load()) return false;
  const SubscriberRegistry* previous = tls_calling_registry;
  tls_calling_registry = this;
  struct Restore {
    const SubscriberRegistry* previous;
    ~Restore() { tls_calling_registry = previous; }
  } restore{previous};
  invoke(subscriber);
  return true;
}

}  // namespace cchost::bus::detail
