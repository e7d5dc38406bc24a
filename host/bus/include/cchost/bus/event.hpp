#pragma once
// One event as handlers see it.
//
// The payload is JSON rather than a per-event C++ struct on purpose: events cross
// participants as ZeroMQ messages and end up as audit-log lines, both JSON already, and a
// plugin subscribing to an event must not need the host's internal types to read it. The
// bus therefore stays platform-agnostic: it moves names and documents, never TEE types.
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

namespace cchost::bus {

struct Event {
  std::string name;            // one of events::k*, or a room's own dotted name
  std::uint64_t sequence = 0;  // 1, 2, 3, ... in publish order, per bus
  std::chrono::system_clock::time_point time;  // when publish() accepted it
  nlohmann::json payload;      // an object; its schema belongs to the event's publisher
};

// Handlers run on the bus strand, one at a time. An exception they throw is logged, counted
// and contained (see EventBus); it never reaches the publisher.
using EventHandler = std::function<void(const Event&)>;

}  // namespace cchost::bus
