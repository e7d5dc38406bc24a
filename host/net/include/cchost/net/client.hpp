#pragma once
// The participant end of the transport: a CURVE DEALER that connects to the server, with
// heartbeats, automatic reconnects, request/reply correlation with a timeout on every request,
// retries that resend the SAME message id (the server deduplicates), and a handler for
// unsolicited messages (challenges the server pushes).
//
// Threading: as for Server — create/destroy on the io thread or while it is not running, run
// the io_context on one thread; request/send may be called from any thread (posted).
// Callbacks run on the io thread. Destroying the Client drops pending requests: their
// callbacks are not called.
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>

#include "cchost/net/curve_keys.hpp"
#include "cchost/net/message.hpp"
#include "cchost/result.hpp"

namespace cchost::net {

struct ClientConfig {
  std::string endpoint;           // the server's, e.g. "tcp://127.0.0.1:41873"
  std::string server_public_z85;  // pinned: CURVE refuses any other server
  CurveKeyPair keys;              // this participant's key pair (must be in the allow-list)
  std::string name;               // sender name; must be the one bound to keys.public_z85
  Limits limits;
  std::chrono::milliseconds heartbeat_interval{1000};
  std::chrono::milliseconds heartbeat_timeout{5000};
  std::chrono::milliseconds heartbeat_ttl{10000};
  std::chrono::milliseconds reconnect_interval{100};
  std::chrono::milliseconds reconnect_interval_max{5000};
  // When > 0: if no CURVE handshake has succeeded this long after create(), every pending
  // request fails at once with "server ... unreachable: ..." (and connected() stays false), so
  // a one-shot caller such as `cchost admin` need not wait out its whole request timeout.
  std::chrono::milliseconds connect_timeout{0};
};

class Client {
 public:
  // The reply, or an Error: a timeout ("timeout after 2.0s waiting for reply to T id=I"), an
  // error reply from the server ("server refused T id=I: reason"), or a local failure.
  using ReplyCallback = std::function<void(Result<Message>)>;
  using PushHandler = std::function<void(const Message&)>;

  static Result<std::unique_ptr<Client>> create(boost::asio::io_context& io, ClientConfig config);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Sends `request` (sender is set to our name; an empty id gets a fresh one) and waits
  // `timeout` for the reply whose corr is its id. With retries > 0 the same frames, same id,
  // are resent after each timeout; the callback runs exactly once.
  void request(Message request, std::chrono::milliseconds timeout, ReplyCallback callback,
               int retries = 0);

  // Fire-and-forget (e.g. the answer to a pushed challenge: set corr yourself).
  void send(Message message);

  // Messages with an empty corr (server pushes). Set before traffic arrives.
  void on_push(PushHandler handler);

  const std::string& name() const;

  // Has a CURVE handshake with the server ever succeeded? Read on the io thread, or after it
  // stopped running.
  bool connected() const;

  struct Impl;

 private:
  explicit Client(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
};

}  // namespace cchost::net
