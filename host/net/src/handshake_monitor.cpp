#include "handshake_monitor.hpp"

#include <cstdint>
#include <cstring>

#include <spdlog/spdlog.h>

#include "frames_io.hpp"

namespace cchost::net::detail {
namespace {
// inproc names are per context, and each Client owns its context: one fixed name suffices.
constexpr const char* kMonitorEndpoint = "inproc://cchost.net.handshake-monitor";
constexpr int kEvents = ZMQ_EVENT_HANDSHAKE_SUCCEEDED | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH |
                        ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL | ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL;
}  // namespace

HandshakeMonitor::HandshakeMonitor(boost::asio::io_context& io, zmq::context_t& context, zmq::socket_t& watched,
                                   std::function<void()> on_refused, std::function<void()> on_succeeded)
    : watched_(watched), on_refused_(std::move(on_refused)), on_succeeded_(std::move(on_succeeded)) {
  if (zmq_socket_monitor(watched_.handle(), kMonitorEndpoint, kEvents) != 0) throw zmq::error_t();
  events_ = zmq::socket_t(context, zmq::socket_type::pair);
  events_.set(zmq::sockopt::linger, 0);
  events_.connect(kMonitorEndpoint);
  reactor_ = std::make_unique<SocketReactor>(io, events_, [this] { on_readable(); });
  reactor_->start();
}

HandshakeMonitor::~HandshakeMonitor() {
  reactor_.reset();
  zmq_socket_monitor(watched_.handle(), nullptr, 0);  // stop before our end closes
}

void HandshakeMonitor::on_readable() {
  ReceivedParts received;
  if (!receive_parts(events_, 2, received) || received.parts.empty()) return;
  // libzmq's event frame: uint16 event id, uint32 value, in host byte order.
  const auto& frame = received.parts[0];
  if (frame.size() < sizeof(std::uint16_t)) return;
  std::uint16_t event = 0;
  std::memcpy(&event, frame.data(), sizeof event);
  if (event == ZMQ_EVENT_HANDSHAKE_SUCCEEDED) {
    if (on_succeeded_) on_succeeded_();
  } else if (on_refused_) {
    on_refused_();
  }
}

}  // namespace cchost::net::detail
