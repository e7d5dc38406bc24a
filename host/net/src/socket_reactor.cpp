#include "socket_reactor.hpp"

#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

namespace cchost::net::detail {
namespace {
// Messages handled per loop turn before yielding, so one busy peer cannot starve timers.
constexpr int kMaxMessagesPerTurn = 256;
}  // namespace

SocketReactor::SocketReactor(boost::asio::io_context& io, zmq::socket_t& socket,
                             std::function<void()> on_readable)
    : io_(io), socket_(socket), descriptor_(io, socket.get(zmq::sockopt::fd)),
      on_readable_(std::move(on_readable)) {}

SocketReactor::~SocketReactor() {
  alive_.reset();
  // Cancels the pending wait (its handler sees operation_aborted) and hands the descriptor
  // back to libzmq, which owns and closes it.
  descriptor_.release();
}

void SocketReactor::start() {
  arm();
  drain();
}

void SocketReactor::kick() {
  if (drain_posted_) return;
  drain_posted_ = true;
  boost::asio::post(io_, [this, alive = std::weak_ptr<char>(alive_)] {
    if (alive.expired()) return;
    drain_posted_ = false;
    drain();
  });
}

void SocketReactor::arm() {
  descriptor_.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                         [this, alive = std::weak_ptr<char>(alive_)](const boost::system::error_code& ec) {
                           if (ec || alive.expired()) return;
                           arm();  // first: an edge during drain() must find a waiter
                           drain();
                         });
}

void SocketReactor::drain() {
  const std::weak_ptr<char> alive = alive_;
  for (int i = 0; i < kMaxMessagesPerTurn; ++i) {
    int events = 0;
    try {
      events = socket_.get(zmq::sockopt::events);
    } catch (const zmq::error_t& e) {
      spdlog::error("net: ZMQ_EVENTS failed: {}", e.what());
      return;
    }
    if ((events & ZMQ_POLLIN) == 0) return;
    on_readable_();
    if (alive.expired()) return;  // the handler destroyed our owner
  }
  kick();  // more is queued: continue on a later turn
}

}  // namespace cchost::net::detail
