#include "subscriber_registry.hpp"

#include <algorithm>
#include <stdexcept>

namespace cchost::bus::detail {

thread_local const SubscriberRegistry* tls_calling_registry = nullptr;

void validate_pattern(std::string_view pattern) {
  if (pattern.empty()) throw std::invalid_argument("bus: empty subscription pattern");
  if (pattern == "*") return;
  auto star = pattern.find('*');
  if (star == std::string_view::npos) return;
  // The only other wildcard is a trailing ".*" after a non-empty prefix.
  bool trailing_dot_star = star == pattern.size() - 1 && pattern.size() >= 3 &&
                           pattern[pattern.size() - 2] == '.';
  if (!trailing_dot_star) {
    throw std::invalid_argument("bus: bad subscription pattern '" + std::string(pattern) +
                                "': expected an exact name, 'prefix.*' or '*'");
  }
}

bool pattern_matches(std::string_view pattern, std::string_view event_name) {
  if (pattern == "*") return true;
  if (pattern.size() >= 2 && pattern.substr(pattern.size() - 2) == ".*") {
    auto prefix = pattern.substr(0, pattern.size() - 1);  // keeps the dot: "job."
    return event_name.size() > prefix.size() && event_name.substr(0, prefix.size()) == prefix;
  }
  return pattern == event_name;
}

std::uint64_t SubscriberRegistry::add(std::string pattern, int priority, EventHandler handler,
                                      std::string label) {
  validate_pattern(pattern);
  if (!handler) throw std::invalid_argument("bus: empty handler for '" + pattern + "'");
  auto subscriber = std::make_shared<Subscriber>();
  subscriber->pattern = std::move(pattern);
  subscriber->priority = priority;
  subscriber->label = std::move(label);
  subscriber->handler = std::move(handler);
  std::lock_guard lock(list_mutex_);
  subscriber->id = next_id_++;
  // Ids grow, so a new subscriber goes after every one of equal or higher priority.
  auto position = std::find_if(subscribers_.begin(), subscribers_.end(),
                               [&](const auto& s) { return s->priority < priority; });
  subscribers_.insert(position, subscriber);
  return subscriber->id;
}

bool SubscriberRegistry::current_thread_is_calling() const {
  return tls_calling_registry == this;
}

void SubscriberRegistry::remove(std::uint64_t id) {
  std::shared_ptr<Subscriber> removed;
  {
    std::lock_guard lock(list_mutex_);
    auto it = std::find_if(subscribers_.begin(), subscribers_.end(),
                           [&](const auto& s) { return s->id == id; });
    if (it == subscribers_.end()) return;
    removed = *it;
    subscribers_.erase(it);
  }
  if (current_thread_is_calling()) {
    // Inside a handler: this thread holds the call mutex, nothing else can be calling.
    removed->active.store(false);
    return;
  }
  // Wait for a call in progress, so the caller may destroy what the handler captured.
  std::lock_guard lock(call_mutex_);
  removed->active.store(false);
}

std::vector<std::shared_ptr<Subscriber>> SubscriberRegistry::matching(
    std::string_view event_name) const {
  std::vector<std::shared_ptr<Subscriber>> result;
  std::lock_guard lock(list_mutex_);
  for (const auto& subscriber : subscribers_) {
    if (pattern_matches(subscriber->pattern, event_name)) result.push_back(subscriber);
  }
  return result;
}

}  // namespace cchost::bus::detail
