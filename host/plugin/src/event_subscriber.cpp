// PluginEventSubscriber: strand -> per-plugin queue -> bus pool -> on_event().
#include "cchost/plugin/event_subscriber.hpp"

#include <deque>
#include <mutex>
#include <utility>

#include <spdlog/spdlog.h>

namespace cchost::plugin {

struct PluginEventSubscriber::Queue {
  bus::EventBus* bus = nullptr;
  std::shared_ptr<Authorizer> authorizer;
  std::size_t limit = 0;
  std::function<void(const std::string&)> log;

  std::mutex mutex;
  std::deque<std::pair<std::string, std::string>> pending;  // name, document
  bool in_flight = false;  // a pool task is delivering this queue
  EventDeliveryStats stats;

  // On the pool: delivers until the queue is empty, one event at a time.
  static void drain(const std::shared_ptr<Queue>& q) {
    for (;;) {
      std::pair<std::string, std::string> next;
      {
        std::lock_guard lock(q->mutex);
        if (q->pending.empty()) {
          q->in_flight = false;
          return;
        }
        next = std::move(q->pending.front());
        q->pending.pop_front();
      }
      Status s = q->authorizer->on_event(next.first, next.second);
      {
        std::lock_guard lock(q->mutex);
        if (s) ++q->stats.delivered;
        else ++q->stats.failed;
      }
      if (!s) q->log(s.message() + " (later events are still delivered)");
    }
  }

  // On the bus strand (the io thread in `cchost run`): copy, queue, start a pool task if none.
  void accept(const std::shared_ptr<Queue>& self, const bus::Event& event) {
    std::string document = event_document(event);
    {
      std::lock_guard lock(mutex);
      if (pending.size() >= limit) {
        ++stats.dropped;
      } else {
        pending.emplace_back(event.name, std::move(document));
        if (in_flight) return;
        in_flight = true;
        document.clear();
      }
    }
    if (!document.empty()) {
      log("plugin " + authorizer->info().ns + ": event " + event.name + " #" + std::to_string(event.sequence) +
          " dropped: its queue holds " + std::to_string(limit) + " undelivered events (is its on_event blocked?)");
      return;
    }
    // The future is dropped on purpose: drain() reports through `log`, never by throwing.
    (void)bus->run_verification([self] { drain(self); });
  }
};

PluginEventSubscriber::PluginEventSubscriber(bus::EventBus& bus, std::shared_ptr<Authorizer> authorizer,
                                             std::size_t queue_limit, std::function<void(const std::string&)> log)
    : queue_(std::make_shared<Queue>()) {
  queue_->bus = &bus;
  queue_->authorizer = std::move(authorizer);
  queue_->limit = queue_limit ? queue_limit : 1;
  queue_->log = log ? std::move(log) : [](const std::string& line) { spdlog::warn("{}", line); };
  const std::string label = "plugin " + queue_->authorizer->info().ns;
  for (const auto& pattern : queue_->authorizer->info().events) {
    std::weak_ptr<Queue> weak = queue_;
    subscriptions_.push_back(bus.subscribe(pattern, 0, [weak](const bus::Event& e) {
      if (auto q = weak.lock()) q->accept(q, e);
    }, label));
  }
}

PluginEventSubscriber::~PluginEventSubscriber() { subscriptions_.clear(); }

EventDeliveryStats PluginEventSubscriber::stats() const {
  std::lock_guard lock(queue_->mutex);
  return queue_->stats;
}

std::string PluginEventSubscriber::event_document(const bus::Event& event) {
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(event.time.time_since_epoch()).count();
  return nlohmann::json{{"name", event.name}, {"sequence", event.sequence}, {"time", seconds},
                        {"payload", event.payload}}
      .dump();
}

}  // namespace cchost::plugin
