#pragma once
// ZAP 1.0 (ZeroMQ RFC 27) handler: libzmq asks it, over inproc://zeromq.zap.01, whether a
// peer that completed the CURVE handshake may connect. Deny by default: only CURVE, only keys
// in the allow-list. On success the ZAP user id is the peer's name (read back per message as
// the "User-Id" property) and metadata property "X-Cchost-Key" carries its Z85 public key.
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <zmq.hpp>

#include "cchost/net/peer.hpp"
#include "cchost/net/throttled_reporter.hpp"
#include "socket_reactor.hpp"

namespace cchost::net::detail {

inline constexpr const char* kZapEndpoint = "inproc://zeromq.zap.01";
inline constexpr const char* kKeyProperty = "X-Cchost-Key";

struct ZapDecision {
  bool allowed = false;
  std::vector<std::string> reply;  // the six reply frames
  std::string log_line;            // why, for the log (public data only)
  std::string key_z85;             // the CURVE key it was about, when the request carried one
};

// Pure decision: request frames in, reply frames out. Testable without sockets.
ZapDecision decide_zap(const std::vector<std::string>& request, const AllowList& allow_list);

class ZapHandler {
 public:
  // Binds the ZAP endpoint in `context`; must exist before the server socket binds.
  // `on_denied` (optional) hears of every refused CURVE key, so the runtime can audit a revoked
  // site knocking again; called on the io thread.
  using DeniedHandler = std::function<void(const std::string& key_z85, const std::string& why)>;
  ZapHandler(boost::asio::io_context& io, zmq::context_t& context, const AllowList& allow_list,
             std::atomic<std::uint64_t>& allowed, std::atomic<std::uint64_t>& denied, DeniedHandler on_denied = {});
  void start() { reactor_->start(); }

 private:
  void on_readable();

  zmq::socket_t socket_;
  const AllowList& allow_list_;
  std::atomic<std::uint64_t>& allowed_;
  std::atomic<std::uint64_t>& denied_;
  DeniedHandler on_denied_;
  // Anyone can knock: a few lines per interval in full, then one line with the count.
  ThrottledReporter denied_log_;
  ThrottledReporter admitted_log_;
  std::unique_ptr<SocketReactor> reactor_;  // declared last: destroyed before the socket
};

}  // namespace cchost::net::detail
