#include "cchost/bus/subscription.hpp"

#include "subscriber_registry.hpp"

namespace cchost::bus {

Subscription::Subscription(std::weak_ptr<detail::SubscriberRegistry> registry, std::uint64_t id)
    : registry_(std::move(registry)), id_(id) {}

Subscription::~Subscription() { unsubscribe(); }

Subscription::Subscription(Subscription&& other) noexcept
    : registry_(std::move(other.registry_)), id_(other.id_) {
  other.id_ = 0;
}

Subscription& Subscription::operator=(Subscription&& other) noexcept {
  if (this != &other) {
    unsubscribe();
    registry_ = std::move(other.registry_);
    id_ = other.id_;
    other.id_ = 0;
  }
  return *this;
}

void Subscription::unsubscribe() {
  if (id_ == 0) return;
  // The bus may be gone already; then there is nothing left to call the handler.
  if (auto registry = registry_.lock()) registry->remove(id_);
  id_ = 0;
  registry_.reset();
}

}  // namespace cchost::bus
