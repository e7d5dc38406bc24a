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

namespace {

// ZeroMQ calls this (from its I/O thread) once it no longer needs a shared frame.
void release_shared(void*, void* hint) { delete static_cast<std::shared_ptr<const Bytes>*>(hint); }

zmq::message_t shared_part(const std::shared_ptr<const Bytes>& buffer) {
  static const Bytes empty;
  const Bytes& bytes = buffer ? *buffer : empty;
  auto ref = std::make_unique<std::shared_ptr<const Bytes>>(buffer);
  // ZeroMQ's API takes void*; it never writes a message it was given. Once constructed, the
  // message owns the reference (released through release_shared).
  zmq::message_t part(const_cast<std::uint8_t*>(bytes.data()), bytes.size(), &release_shared, ref.get());
  ref.release();
  return part;
}

}  // namespace

bool send_parts(zmq::socket_t& socket, const std::string* route, const std::vector<Bytes>& frames,
                std::string& why) {
  return send_parts(socket, route, frames, {}, why);
}

bool send_parts(zmq::socket_t& socket, const std::string* route, const std::vector<Bytes>& frames,
                const std::vector<std::shared_ptr<const Bytes>>& shared, std::string& why) {
  const std::size_t total = frames.size() + shared.size();
  try {
    if (route != nullptr) {
      const auto flags = zmq::send_flags::dontwait | (total == 0 ? zmq::send_flags::none : zmq::send_flags::sndmore);
      if (!socket.send(zmq::buffer(*route), flags)) {
        why = "peer queue full";
        return false;
      }
    }
    for (std::size_t i = 0; i < total; ++i) {
      const bool last = i + 1 == total;
      const auto flags = last ? zmq::send_flags::dontwait : (zmq::send_flags::dontwait | zmq::send_flags::sndmore);
      // Once the first part is accepted the rest are too (ZeroMQ queues whole messages).
      bool sent = false;
      if (i < frames.size()) {
        sent = static_cast<bool>(socket.send(zmq::const_buffer(frames[i].data(), frames[i].size()), flags));
      } else {
        auto part = shared_part(shared[i - frames.size()]);
        sent = static_cast<bool>(socket.send(part, flags));
      }
      if (!sent) {
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
