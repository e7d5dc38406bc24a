// Client: CURVE DEALER with heartbeats, reconnects, timeouts, same-id retries and pushes.
#include "cchost/net/client.hpp"
#include "cchost/net/peer.hpp"

#include <algorithm>
#include <cstdio>
#include <unordered_map>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <spdlog/spdlog.h>
#include <zmq.hpp>

#include "frames_io.hpp"
#include "handshake_monitor.hpp"
#include "socket_reactor.hpp"

namespace cchost::net {

namespace {
struct PendingRequest {
  std::string type;
  std::vector<Bytes> frames;  // kept so a retry resends the identical message (same id)
  std::unique_ptr<boost::asio::steady_timer> timer;
  Client::ReplyCallback callback;
  std::chrono::milliseconds timeout{0};
  int attempts_left = 0;
  int attempts_made = 0;
};

std::string seconds_text(std::chrono::milliseconds ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1fs", static_cast<double>(ms.count()) / 1000.0);
  return buf;
}

Status check_outgoing(const std::vector<Bytes>& frames, const Limits& limits) {
  std::size_t total = 0;
  for (const auto& f : frames) {
    if (f.size() > limits.max_frame_bytes) return make_error("frame of " + std::to_string(f.size()) + " bytes over the limit");
    total += f.size();
  }
  if (frames.size() > limits.max_frames) return make_error("too many frames: " + std::to_string(frames.size()));
  if (total > limits.max_total_bytes) return make_error("message of " + std::to_string(total) + " bytes over the limit");
  return {};
}
}  // namespace

struct Client::Impl : std::enable_shared_from_this<Client::Impl> {
  Impl(boost::asio::io_context& io_context, ClientConfig cfg)
      : io(io_context), config(std::move(cfg)), reconnect_timer(io_context), connect_timer(io_context),
        refused_backoff(config.reconnect_interval) {}
  ~Impl() {
    reactor.reset();
    handshakes.reset();
  }

  boost::asio::io_context& io;
  ClientConfig config;
  PushHandler push_handler;
  std::unordered_map<std::string, PendingRequest> pending;  // message id -> request

  zmq::context_t context{1};
  zmq::socket_t dealer;
  std::unique_ptr<detail::HandshakeMonitor> handshakes;
  std::unique_ptr<detail::SocketReactor> reactor;  // last: destroyed before the socket
  boost::asio::steady_timer reconnect_timer;
  boost::asio::steady_timer connect_timer;
  std::chrono::milliseconds refused_backoff;
  bool reconnect_scheduled = false;
  bool handshake_succeeded = false;
  bool handshake_refused = false;

  Status open();
  void transmit(const std::string& id, const std::vector<Bytes>& frames);
  void start_request(Message request, std::chrono::milliseconds timeout, ReplyCallback callback, int retries);
  void arm_timer(const std::string& id);
  void on_timeout(const std::string& id);
  void on_readable();
  void on_handshake_refused();
  void reconnect();
  void on_connect_timeout();
};

Status Client::Impl::open() {
  try {
    dealer = zmq::socket_t(context, zmq::socket_type::dealer);
    dealer.set(zmq::sockopt::linger, 0);
    dealer.set(zmq::sockopt::curve_serverkey, config.server_public_z85);
    dealer.set(zmq::sockopt::curve_publickey, config.keys.public_z85);
    dealer.set(zmq::sockopt::curve_secretkey, config.keys.secret_z85);
    dealer.set(zmq::sockopt::maxmsgsize, static_cast<int64_t>(config.limits.max_total_bytes + 1024));
    dealer.set(zmq::sockopt::heartbeat_ivl, static_cast<int>(config.heartbeat_interval.count()));
    dealer.set(zmq::sockopt::heartbeat_timeout, static_cast<int>(config.heartbeat_timeout.count()));
    dealer.set(zmq::sockopt::heartbeat_ttl, static_cast<int>(config.heartbeat_ttl.count()));
    dealer.set(zmq::sockopt::reconnect_ivl, static_cast<int>(config.reconnect_interval.count()));
    dealer.set(zmq::sockopt::reconnect_ivl_max, static_cast<int>(config.reconnect_interval_max.count()));
    handshakes = std::make_unique<detail::HandshakeMonitor>(
        io, context, dealer, [this] { on_handshake_refused(); },
        [this] {
          refused_backoff = config.reconnect_interval;
          handshake_succeeded = true;
        });
    dealer.connect(config.endpoint);
    reactor = std::make_unique<detail::SocketReactor>(io, dealer, [this] { on_readable(); });
  } catch (const zmq::error_t& e) {
    return make_error("client '" + config.name + "': cannot connect to " + config.endpoint + ": " + e.what());
  }
  reactor->start();
  if (config.connect_timeout.count() > 0) {
    connect_timer.expires_after(config.connect_timeout);
    connect_timer.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
      if (ec) return;
      if (auto self = weak.lock()) self->on_connect_timeout();
    });
  }
  return {};
}

// No handshake yet: nothing listens there, the network drops us, or the server refuses our
// key. Whatever is pending cannot be answered; say so now rather than at each request timeout.
void Client::Impl::on_connect_timeout() {
  if (handshake_succeeded) return;
  const std::string why =
      "server " + config.endpoint + " unreachable: " +
      (handshake_refused ? "it refused our CURVE handshake (key fp=" + key_fingerprint(config.keys.public_z85) +
                               " not allowed, or another server key)"
                         : "no connection within " + seconds_text(config.connect_timeout));
  auto failed = std::move(pending);
  pending.clear();
  for (auto& [id, p] : failed) p.callback(make_error(why));
}

// libzmq does not reconnect after a refused handshake (see handshake_monitor.hpp): reconnect
// ourselves, backing off from reconnect_interval to reconnect_interval_max. Messages queued on
// the refused connection are gone; requests with retries resend them.
void Client::Impl::on_handshake_refused() {
  handshake_refused = true;
  if (reconnect_scheduled) return;
  reconnect_scheduled = true;
  spdlog::warn("net: client '{}': server {} refused our handshake (key fp={} not allowed?); retrying in {} ms",
               config.name, config.endpoint, key_fingerprint(config.keys.public_z85), refused_backoff.count());
  reconnect_timer.expires_after(refused_backoff);
  refused_backoff = std::min(refused_backoff * 2, config.reconnect_interval_max);
  reconnect_timer.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
    if (ec) return;
    if (auto self = weak.lock()) self->reconnect();
  });
}

void Client::Impl::reconnect() {
  reconnect_scheduled = false;
  try {
    dealer.disconnect(config.endpoint);
  } catch (const zmq::error_t&) {
    // Already gone with the refused session: nothing to undo.
  }
  try {
    dealer.connect(config.endpoint);
  } catch (const zmq::error_t& e) {
    spdlog::error("net: client '{}': reconnect to {} failed: {}", config.name, config.endpoint, e.what());
  }
  reactor->kick();
}

void Client::Impl::transmit(const std::string& id, const std::vector<Bytes>& frames) {
  std::string why;
  // Not sent (queue full while disconnected): the request's timer retries or times it out.
  if (!detail::send_parts(dealer, nullptr, frames, why)) {
    spdlog::warn("net: client '{}': id={} not sent: {}", config.name, id, why);
  }
  reactor->kick();  // a send can swallow the edge that announced inbound data
}

void Client::Impl::start_request(Message request, std::chrono::milliseconds timeout, ReplyCallback callback,
                                 int retries) {
  request.sender = config.name;
  request.version = kProtocolVersion;
  if (request.id.empty()) request.id = new_message_id();
  const std::string id = request.id;
  if (pending.count(id) != 0) {
    callback(make_error("request id=" + id + " is already in flight"));
    return;
  }
  auto frames = encode(request);
  if (auto ok = check_outgoing(frames, config.limits); !ok) {
    callback(make_error("cannot send " + request.type + " id=" + id + ": " + ok.message()));
    return;
  }
  PendingRequest p;
  p.type = request.type;
  p.frames = std::move(frames);
  p.timer = std::make_unique<boost::asio::steady_timer>(io);
  p.callback = std::move(callback);
  p.timeout = timeout;
  p.attempts_left = retries;
  p.attempts_made = 1;
  auto& stored = pending.emplace(id, std::move(p)).first->second;
  transmit(id, stored.frames);
  arm_timer(id);
}

void Client::Impl::arm_timer(const std::string& id) {
  auto& p = pending.at(id);
  p.timer->expires_after(p.timeout);
  p.timer->async_wait([weak = weak_from_this(), id](const boost::system::error_code& ec) {
    if (ec) return;  // cancelled: the reply came, or the client is gone
    if (auto self = weak.lock()) self->on_timeout(id);
  });
}

void Client::Impl::on_timeout(const std::string& id) {
  const auto it = pending.find(id);
  if (it == pending.end()) return;
  auto& p = it->second;
  if (p.attempts_left > 0) {
    --p.attempts_left;
    ++p.attempts_made;
    spdlog::info("net: client '{}': retrying {} id={} (attempt {})", config.name, p.type, id, p.attempts_made);
    transmit(id, p.frames);  // same frames, same id: the server answers from its reply cache
    arm_timer(id);
    return;
  }
  auto callback = std::move(p.callback);
  const auto waited = p.timeout * p.attempts_made;
  const std::string text = "timeout after " + seconds_text(waited) + " waiting for reply to " + p.type + " id=" + id;
  pending.erase(it);
  callback(make_error(text));
}

void Client::Impl::on_readable() {
  detail::ReceivedParts received;
  if (!detail::receive_parts(dealer, config.limits.max_frames + 1, received)) return;
  if (received.part_count > config.limits.max_frames) {
    spdlog::warn("net: client '{}': dropped message of {} frames from server", config.name, received.part_count);
    return;
  }
  std::vector<ByteView> views;
  for (const auto& part : received.parts) views.push_back(detail::view_of(part));
  auto message = decode(std::span<const ByteView>(views), config.limits);
  if (!message) {
    spdlog::warn("net: client '{}': dropped malformed message from server: {}", config.name, message.message());
    return;
  }
  if (message->corr.empty()) {
    if (!push_handler) return;
    try {
      push_handler(*message);
    } catch (const std::exception& e) {
      spdlog::error("net: client '{}': push handler for {} threw: {}", config.name, message->type, e.what());
    }
    return;
  }
  const auto it = pending.find(message->corr);
  if (it == pending.end()) {
    spdlog::debug("net: client '{}': late or duplicate reply corr={}", config.name, message->corr);
    return;
  }
  auto callback = std::move(it->second.callback);
  const std::string type = it->second.type;
  pending.erase(it);  // destroys the timer: its wait completes as cancelled
  if (message->type == kErrorType) {
    const auto reason = message->body.value("reason", std::string("(no reason given)"));
    callback(make_error("server refused " + type + " id=" + message->corr + ": " + reason));
    return;
  }
  callback(std::move(*message));
}

Result<std::unique_ptr<Client>> Client::create(boost::asio::io_context& io, ClientConfig config) {
  if (!is_z85_key(config.server_public_z85)) return make_error("client: server public key is not a 40-char Z85 key");
  if (!is_z85_key(config.keys.public_z85) || !is_z85_key(config.keys.secret_z85)) {
    return make_error("client: CURVE key pair is not two 40-char Z85 keys");
  }
  if (config.name.empty()) return make_error("client: a participant name is required");
  auto impl = std::make_shared<Impl>(io, std::move(config));
  if (auto opened = impl->open(); !opened) return opened.error();
  return std::unique_ptr<Client>(new Client(std::move(impl)));
}

Client::Client(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
Client::~Client() = default;

void Client::request(Message request, std::chrono::milliseconds timeout, ReplyCallback callback, int retries) {
  boost::asio::post(impl_->io, [weak = std::weak_ptr<Impl>(impl_), request = std::move(request), timeout,
                                callback = std::move(callback), retries]() mutable {
    if (auto impl = weak.lock()) impl->start_request(std::move(request), timeout, std::move(callback), retries);
  });
}

void Client::send(Message message) {
  boost::asio::post(impl_->io, [weak = std::weak_ptr<Impl>(impl_), message = std::move(message)]() mutable {
    auto impl = weak.lock();
    if (!impl) return;
    message.sender = impl->config.name;
    message.version = kProtocolVersion;
    if (message.id.empty()) message.id = new_message_id();
    impl->transmit(message.id, encode(message));
  });
}

void Client::on_push(PushHandler handler) { impl_->push_handler = std::move(handler); }
const std::string& Client::name() const { return impl_->config.name; }
bool Client::connected() const { return impl_->handshake_succeeded; }

}  // namespace cchost::net
