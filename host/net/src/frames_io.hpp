#pragma once
// Non-blocking multipart send/receive with a bound on what we keep in memory.
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include <zmq.hpp>

#include "cchost/bytes.hpp"

namespace cchost::net::detail {

struct ReceivedParts {
  std::vector<zmq::message_t> parts;  // at most keep_max parts
  std::size_t part_count = 0;         // how many the message really had
};

// Receives one whole multipart message. Parts beyond keep_max are read and discarded (only
// counted), so a message with a million frames costs us no more than keep_max of them.
// Returns false when nothing was ready.
bool receive_parts(zmq::socket_t& socket, std::size_t keep_max, ReceivedParts& out);

// Sends [route,] frames... without blocking. Returns false (and says why in `why`) when the
// peer is unreachable or its queue is full: the message is dropped, the caller logs it.
bool send_parts(zmq::socket_t& socket, const std::string* route, const std::vector<Bytes>& frames,
                std::string& why);

// The same, then `shared` by reference (ZeroMQ holds a reference to each buffer until it has
// written it; no copy is made).
bool send_parts(zmq::socket_t& socket, const std::string* route, const std::vector<Bytes>& frames,
                const std::vector<std::shared_ptr<const Bytes>>& shared, std::string& why);

ByteView view_of(const zmq::message_t& part);

// A connection property set by the CURVE handshake / our ZAP handler; empty when absent.
std::string message_property(const zmq::message_t& part, const char* name);

}  // namespace cchost::net::detail
