#pragma once
// Delivers the host events a plugin subscribed to (describe() "events") to its on_event().
//
// The bus calls handlers on its strand, which in `cchost run` is the io thread that also
// answers heartbeats and status. A plugin handler may be slow or block, so the strand only
// copies the event into this plugin's queue; the bus's pool delivers it. Each plugin has one
// queue and at most one pool task in flight: events reach it one at a time, in publish
// order, and a plugin that blocks holds one pool thread and delays only its own later events.
// A failing handler (nonzero status, or an exception the SDK turned into one) is logged and
// counted; the next event is still delivered. A full queue drops the newest event, logged.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cchost/bus/event_bus.hpp"
#include "cchost/plugin/loader.hpp"

namespace cchost::plugin {

struct EventDeliveryStats {
  std::uint64_t delivered = 0;  // on_event calls that returned CCHOST_OK
  std::uint64_t failed = 0;     // on_event calls that returned an error
  std::uint64_t dropped = 0;    // events refused because the plugin's queue was full
};

class PluginEventSubscriber {
 public:
  static constexpr std::size_t kDefaultQueueLimit = 1024;

  // Subscribes `authorizer` to each pattern in info().events (none: subscribes to nothing).
  // `log` receives one line per failure or drop (default: spdlog warn).
  PluginEventSubscriber(bus::EventBus& bus, std::shared_ptr<Authorizer> authorizer,
                        std::size_t queue_limit = kDefaultQueueLimit,
                        std::function<void(const std::string&)> log = {});
  // Unsubscribes; deliveries already on the pool finish there (bus.shutdown() waits for them).
  ~PluginEventSubscriber();
  PluginEventSubscriber(const PluginEventSubscriber&) = delete;
  PluginEventSubscriber& operator=(const PluginEventSubscriber&) = delete;

  EventDeliveryStats stats() const;

  // The JSON document a plugin receives for `event` (authorizer.h on_event).
  static std::string event_document(const bus::Event& event);

  struct Queue;  // internal: pending events, the in-flight flag and counters

 private:
  std::shared_ptr<Queue> queue_;
  std::vector<bus::Subscription> subscriptions_;
};

}  // namespace cchost::plugin
