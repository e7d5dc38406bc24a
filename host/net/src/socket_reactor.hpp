#pragma once
// Drives one ZeroMQ socket from a boost::asio::io_context without polling.
//
// ZMQ_FD is not the socket's data: it is libzmq's internal signalling descriptor, and it is
// edge-triggered — it becomes readable when *something* happened, and stays quiet until
// ZMQ_EVENTS is read again. So: wait for it with async_wait(wait_read), re-arm the wait BEFORE
// draining (an edge that arrives while we drain is then not lost), drain while ZMQ_EVENTS has
// ZMQ_POLLIN, and after every send re-check ZMQ_EVENTS (a send can consume the edge that
// announced inbound data). The descriptor belongs to libzmq: released, never closed, here.
#include <functional>
#include <memory>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <zmq.hpp>

namespace cchost::net::detail {

class SocketReactor {
 public:
  // `on_readable` must receive exactly one whole message (all parts), non-blocking.
  SocketReactor(boost::asio::io_context& io, zmq::socket_t& socket, std::function<void()> on_readable);
  ~SocketReactor();
  SocketReactor(const SocketReactor&) = delete;
  SocketReactor& operator=(const SocketReactor&) = delete;

  void start();
  // Call after every send on the socket: schedules a drain on the next turn of the loop.
  void kick();

 private:
  void arm();
  void drain();

  boost::asio::io_context& io_;
  zmq::socket_t& socket_;
  boost::asio::posix::stream_descriptor descriptor_;
  std::function<void()> on_readable_;
  std::shared_ptr<char> alive_ = std::make_shared<char>();
  bool drain_posted_ = false;
};

}  // namespace cchost::net::detail
