#include "frames_io.hpp"

#include <cerrno>

namespace cchost::net::detail {

bool receive_parts(zmq::socket_t& socket, std::size_t keep_max, ReceivedParts& out) {
  out.parts.clear();
  out.part_count = 0;
  bool more = true;
  while (more) {
    zmq::message_t part;
    // Parts of one message arrive atomically: after the first, the rest are already queued.
    const auto got = socket.recv(part, out.part_count == 0 ? zmq::recv_flags::dontwait : zmq::recv_flags::none);
    if (!got) return out.part_count > 0;
    ++out.part_count;
    more = part.more();
    if (out.parts.size() < keep_max) out.parts.push_back(std::move(part));
  }
  return true;
}

bool send_parts(zmq::socket_t& socket, const std::string* route, const std::vector<Bytes>& frames,
                std::string& why) {
  try {
    if (route != nullptr) {
      const auto flags = zmq::send_flags::dontwait | (frames.empty() ? zmq::send_flags::none : zmq::send_flags::sndmore);
      if (!socket.send(zmq::buffer(*route), flags)) {
        why = "peer queue full";
        return false;
      }
    }
    for (std::size_t i = 0; i < frames.size(); ++i) {
      const bool last = i + 1 == frames.size();
      const auto flags = last ? zmq::send_flags::dontwait : (zmq::send_flags::dontwait | zmq::send_flags::sndmore);
      // Once the first part is accepted the rest are too (ZeroMQ queues whole messages).
      if (!socket.send(zmq::const_buffer(frames[i].data(), frames[i].size()), flags)) {
        why = "queue full";
        return false;
      }
    }
    return true;
  } catch (const zmq::error_t& e) {
    // EHOSTUNREACH with ROUTER_MANDATORY: that peer is gone. Named the same on every libc
    // (strerror says "No route to host" on glibc), so callers and tests can rely on it.
    why = e.num() == EHOSTUNREACH ? std::string("Host unreachable") : std::string(e.what());
    return false;
  }
}

ByteView view_of(const zmq::message_t& part) {
  return {static_cast<const std::uint8_t*>(part.data()), part.size()};
}

std::string message_property(const zmq::message_t& part, const char* name) {
  const char* value = zmq_msg_gets(part.handle(), name);
  return value == nullptr ? std::string() : std::string(value);
}

}  // namespace cchost::net::detail
