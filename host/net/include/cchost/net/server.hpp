#pragma once
// The server end of the transport: a CURVE ROUTER that binds, with a ZAP handler admitting
// only allow-listed keys, sender binding (a message's claimed sender must be the name bound to
// its CURVE key), hard limits with error replies, all driven by a boost::asio::io_context.
//
// Threading: create and destroy on the io_context's thread, or while it is not running. Run
// the io_context on ONE thread (ZeroMQ sockets are not thread-safe). reply/push/
// set_allow_list/allow/revoke may be called from any thread: they are posted to the io thread.
// Handlers run on the io thread.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>

#include "cchost/net/curve_keys.hpp"
#include "cchost/net/message.hpp"
#include "cchost/net/peer.hpp"
#include "cchost/result.hpp"

namespace cchost::net {

struct ServerConfig {
  std::string bind_endpoint = "tcp://127.0.0.1:*";  // "*" port: read endpoint() after create
  CurveKeyPair keys;                                 // the server's own CURVE key pair
  AllowList allow_list;                              // who may connect, and as whom
  std::string name = "server";                       // sender name on replies and pushes
  Limits limits;
  // ZMTP pings from the server's side only clear away connections whose peer vanished without
  // closing them: every client pings its own connection each second and sends heartbeats of
  // its own, and a killed peer's kernel closes its connection at once. Probing each of 128
  // connections every second cost an idle server more than the sites' heartbeats did.
  std::chrono::milliseconds heartbeat_interval{10000};
  std::chrono::milliseconds heartbeat_timeout{30000};
  std::chrono::milliseconds heartbeat_ttl{30000};
  // Called on the io thread for every message dropped because it matters who sent it: kind
  // "spoofed-sender" (a header naming someone other than the peer bound to the key).
  // The runtime audits these (rate-limited); the log here is rate-limited per peer and kind.
  std::function<void(const Peer& peer, const std::string& kind, const std::string& detail)> on_refusal;
  // Called on the io thread for every CURVE handshake refused because its key is not in the
  // allow-list (the runtime audits revoked sites knocking again; rate-limited there).
  std::function<void(const std::string& public_z85, const std::string& detail)> on_denied_key;
};

// A message that passed limits, decoding and sender binding, with the verified peer so the
// runtime can refuse message types by role.
struct Delivery {
  Peer peer;
  Message message;
  std::string route;  // opaque ROUTER routing id of the connection it came on
};

struct ServerStats {
  std::uint64_t delivered = 0;
  std::uint64_t error_replies = 0;     // malformed / over-limit messages answered with "error"
  std::uint64_t dropped_sender = 0;    // claimed sender != name bound to the CURVE key
  std::uint64_t dropped_unknown = 0;   // key no longer in the allow-list, or no User-Id
  std::uint64_t zap_allowed = 0;
  std::uint64_t zap_denied = 0;
  // What the server's messages weigh on the wire: the frames' bytes before CURVE (which adds
  // a fixed overhead per frame), counted when ZeroMQ takes them.
  std::uint64_t messages_sent = 0;
  std::uint64_t bytes_sent = 0;
  std::uint64_t messages_received = 0;
  std::uint64_t bytes_received = 0;
};

class Server {
 public:
  using Handler = std::function<void(const Delivery&)>;

  static Result<std::unique_ptr<Server>> create(boost::asio::io_context& io, ServerConfig config);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // The resolved endpoint (ZMQ_LAST_ENDPOINT), e.g. "tcp://127.0.0.1:41873".
  const std::string& endpoint() const;
  const std::string& public_key() const;

  // Set before traffic arrives (on the io thread or before run()).
  void on_message(Handler handler);

  // Answer `to`: sets corr = to.message.id, sender = server name, a fresh id if empty.
  void reply(const Delivery& to, Message reply);
  // Unsolicited message to a peer, over the connection it last used. Logged and dropped when
  // that peer has not sent anything yet or is gone. `sent`, when given, is called on the io
  // thread with the outcome, so a caller waiting for an answer can fail at once with the
  // reason ("no connection seen from it yet", "Host unreachable" once it disconnected: the
  // ROUTER is ZMQ_ROUTER_MANDATORY) instead of waiting for a reply that cannot come.
  void push(const std::string& peer_name, Message message, std::function<void(Status)> sent = {});

  // Runtime allow-list changes (added sites, revoked keys). Affects new handshakes and, for
  // revocations, every later message on an existing connection and every later push (a push
  // to a name no allow-listed key is bound to fails: nothing leaves for a revoked site).
  void set_allow_list(AllowList allow_list);
  void allow(const std::string& public_z85, Peer peer);
  void revoke(const std::string& public_z85);

  ServerStats stats() const;

  struct Impl;

 private:
  explicit Server(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
};

}  // namespace cchost::net
