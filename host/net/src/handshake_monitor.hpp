#pragma once
// Watches a socket's ZMTP handshake outcomes (zmq_socket_monitor) from the io_context.
//
// Why: in libzmq 4.3 a handshake the server refuses (ZAP denial, e.g. a site whose key the
// server has not been told yet) ends the connection as a protocol error, and the DEALER then
// never reconnects to that endpoint. The client uses this monitor to reconnect by itself, so
// a site started before the server's allow-list update gets in without a restart.
#include <functional>
#include <memory>

#include <boost/asio/io_context.hpp>
#include <zmq.hpp>

#include "socket_reactor.hpp"

namespace cchost::net::detail {

class HandshakeMonitor {
 public:
  // Call before `watched` connects. `context` must be the one `watched` was created in.
  HandshakeMonitor(boost::asio::io_context& io, zmq::context_t& context, zmq::socket_t& watched,
                   std::function<void()> on_refused, std::function<void()> on_succeeded);
  ~HandshakeMonitor();
  HandshakeMonitor(const HandshakeMonitor&) = delete;
  HandshakeMonitor& operator=(const HandshakeMonitor&) = delete;

 private:
  void on_readable();

  zmq::socket_t& watched_;
  zmq::socket_t events_;  // PAIR receiving libzmq's monitor events
  std::function<void()> on_refused_;
  std::function<void()> on_succeeded_;
  std::unique_ptr<SocketReactor> reactor_;  // last: destroyed before the socket
};

}  // namespace cchost::net::detail
