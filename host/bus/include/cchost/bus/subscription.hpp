#pragma once
// Subscription: the RAII handle subscribe() returns. Destroying it (or calling
// unsubscribe()) removes the handler; once that returns, the handler is not running on
// another thread and will not be called again. Called from inside a handler of the same
// bus, it removes without waiting (the handler running is the caller itself).
#include <cstdint>
#include <memory>

namespace cchost::bus {

namespace detail {
class SubscriberRegistry;
}

class Subscription {
 public:
  Subscription() = default;
  Subscription(std::weak_ptr<detail::SubscriberRegistry> registry, std::uint64_t id);
  ~Subscription();
  Subscription(Subscription&& other) noexcept;
  Subscription& operator=(Subscription&& other) noexcept;
  Subscription(const Subscription&) = delete;
  Subscription& operator=(const Subscription&) = delete;

  void unsubscribe();
  std::uint64_t id() const { return id_; }    // the handler id used in log lines
  bool active() const { return id_ != 0; }

 private:
  std::weak_ptr<detail::SubscriberRegistry> registry_;
  std::uint64_t id_ = 0;
};

}  // namespace cchost::bus
