// Server: CURVE ROUTER + ZAP allow-list + sender binding + limits with error replies.
#include "cchost/net/server.hpp"

#include <algorithm>
#include <map>

#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>
#include <zmq.hpp>

#include "cchost/net/throttled_reporter.hpp"
#include "frames_io.hpp"
#include "socket_reactor.hpp"
#include "zap_handler.hpp"
#include "cchost/metrics/families.hpp"

namespace cchost::net {

struct Server::Impl {
  Impl(boost::asio::io_context& io_context, ServerConfig cfg)
      : io(io_context), config(std::move(cfg)), allow_list(config.allow_list),
        drop_log(io_context, {.burst = 3, .interval = std::chrono::seconds(10)}, [](const Throttle::Summary& s) {
          spdlog::warn("net: server: {} more message(s) like this in the last {} ({}; latest: {})", s.suppressed,
                       interval_text(s.interval), s.key, s.last_detail);
        }) {}

  boost::asio::io_context& io;
  ServerConfig config;
  AllowList allow_list;  // live copy, read by the ZAP handler and per message (io thread only)
  std::map<std::string, std::string> routes;  // peer name -> routing id of its latest message
  Handler handler;
  std::string endpoint;
  // Every drop and error reply is one log line per message otherwise: a peer sending 100k
  // malformed messages would write 100k lines. Keyed by kind and peer.
  ThrottledReporter drop_log;

  std::atomic<std::uint64_t> delivered{0}, error_replies{0}, dropped_sender{0}, dropped_unknown{0},
      zap_allowed{0}, zap_denied{0}, messages_sent{0}, bytes_sent{0}, messages_received{0}, bytes_received{0};

  // Destruction order matters (reverse of declaration): reactors, then sockets, then context.
  zmq::context_t context{1};
  std::unique_ptr<detail::ZapHandler> zap;
  zmq::socket_t router;
  std::unique_ptr<detail::SocketReactor> router_reactor;

  Status open();
  void on_router_readable();
  Status send(const std::string& route, Message message);
  void send_error(const std::string& route, const std::string& corr, const std::string& reason,
                  const std::string& peer_name);
  void refused(const Peer& peer, const std::string& kind, const std::string& detail);
};

void Server::Impl::refused(const Peer& peer, const std::string& kind, const std::string& detail) {
  if (!config.on_refusal) return;
  try {
    config.on_refusal(peer, kind, detail);
  } catch (const std::exception& e) {
    spdlog::error("net: server: refusal handler threw: {}", e.what());
  }
}

Status Server::Impl::open() {
  try {
    // ZAP first: libzmq asks it during every handshake on this context.
    zap = std::make_unique<detail::ZapHandler>(io, context, allow_list, zap_allowed, zap_denied,
                                               [this](const std::string& key, const std::string& why) {
                                                 if (config.on_denied_key) config.on_denied_key(key, why);
                                               });
    router = zmq::socket_t(context, zmq::socket_type::router);
    router.set(zmq::sockopt::linger, 0);
    router.set(zmq::sockopt::router_mandatory, 1);  // unroutable replies fail loudly, not silently
    router.set(zmq::sockopt::curve_server, 1);
    router.set(zmq::sockopt::curve_secretkey, config.keys.secret_z85);
    router.set(zmq::sockopt::zap_domain, "cchost");
    // Frames bigger than the total limit cannot be valid: libzmq drops the connection before
    // buffering them. Anything up to it is received and answered with an error reply.
    router.set(zmq::sockopt::maxmsgsize, static_cast<int64_t>(config.limits.max_total_bytes + 1024));
    router.set(zmq::sockopt::heartbeat_ivl, static_cast<int>(config.heartbeat_interval.count()));
    router.set(zmq::sockopt::heartbeat_timeout, static_cast<int>(config.heartbeat_timeout.count()));
    router.set(zmq::sockopt::heartbeat_ttl, static_cast<int>(config.heartbeat_ttl.count()));
    router.bind(config.bind_endpoint);
    endpoint = router.get(zmq::sockopt::last_endpoint);
    router_reactor = std::make_unique<detail::SocketReactor>(io, router, [this] { on_router_readable(); });
  } catch (const zmq::error_t& e) {
    return make_error("server: cannot bind " + config.bind_endpoint + ": " + e.what());
  }
  zap->start();
  router_reactor->start();
  return {};
}

Status Server::Impl::send(const std::string& route, Message message) {
  if (message.id.empty()) message.id = new_message_id();
  message.sender = config.name;
  message.version = kProtocolVersion;
  std::string why;
  auto frames = encode_owned(message);
  std::uint64_t bytes = 0;
  for (const auto& f : frames) bytes += f.size();
  for (const auto& f : message.shared_blobs) bytes += f ? f->size() : 0;
  const bool sent = detail::send_parts(router, &route, frames, message.shared_blobs, why);
  if (sent) {
    ++messages_sent;
    bytes_sent += bytes;
  }
  if (!sent) spdlog::warn("net: server: {} id={} not sent: {}", message.type, message.id, why);
  router_reactor->kick();  // a send can swallow the edge that announced inbound data
  if (!sent) return make_error(why);
  return {};
}

void Server::Impl::send_error(const std::string& route, const std::string& corr, const std::string& reason,
                              const std::string& peer_name) {
  ++error_replies;
  metrics::Registry::process().add(metrics::kMessagesRefused, {{"reason", "malformed"}});
  if (drop_log.report("malformed from '" + peer_name + "'", reason))
    spdlog::warn("net: server: refusing message from '{}': {}", peer_name, reason);
  (void)send(route, make_error_reply(config.name, corr, reason));
}

void Server::Impl::on_router_readable() {
  detail::ReceivedParts received;
  // routing id + at most max_frames payload frames + one more to notice "too many".
  if (!detail::receive_parts(router, config.limits.max_frames + 2, received)) return;
  if (received.parts.size() < 2) return;  // no payload: nothing to answer
  ++messages_received;
  for (std::size_t i = 1; i < received.parts.size(); ++i) bytes_received += received.parts[i].size();
  const std::string route = received.parts[0].to_string();
  const auto& first = received.parts[1];

  // Who is this connection? Set by our ZAP handler during the CURVE handshake.
  const std::string bound_name = detail::message_property(first, "User-Id");
  const std::string key = detail::message_property(first, detail::kKeyProperty);
  const auto peer_it = allow_list.find(key);
  if (peer_it == allow_list.end() || peer_it->second.name != bound_name) {
    ++dropped_unknown;
    const std::string detail = "key fp=" + key_fingerprint(key) + " ('" + bound_name + "') no longer allowed";
    if (drop_log.report("revoked key '" + bound_name + "'", detail))
      spdlog::warn("net: server: dropped message: {}", detail);
    if (!bound_name.empty()) refused(Peer{bound_name, Role::site}, "revoked-key", detail);
    return;
  }
  const Peer peer = peer_it->second;

  const std::size_t payload_count = received.part_count - 1;
  std::vector<ByteView> views;
  for (std::size_t i = 1; i < received.parts.size(); ++i) views.push_back(detail::view_of(received.parts[i]));
  // Best effort: a readable header gives the id to correlate an error reply, and the sender
  // to check — a message spoofing another sender is dropped even when malformed.
  const auto header = decode_header(views[0], config.limits);  // refuses oversize before parsing
  if (header && header->sender != peer.name) {
    ++dropped_sender;
    const std::string detail = header->type + " id=" + header->id + " claims sender '" + header->sender +
                               "' but key fp=" + key_fingerprint(key) + " is bound to '" + peer.name + "'";
    if (drop_log.report("spoofed sender from '" + peer.name + "'", detail))
      spdlog::warn("net: server: dropped {}", detail);
    refused(peer, "spoofed-sender", detail);
    return;
  }
  const std::string corr = header ? header->id : std::string();
  if (payload_count > config.limits.max_frames) {
    send_error(route, corr, "too many frames: got " + std::to_string(payload_count) + ", limit " +
                                std::to_string(config.limits.max_frames), peer.name);
    return;
  }
  auto message = decode(std::span<const ByteView>(views), config.limits);
  if (!message) {
    send_error(route, corr, message.message(), peer.name);
    return;
  }
  ++delivered;
  routes[peer.name] = route;
  if (!handler) return;
  const std::string type = message->type;
  const std::string id = message->id;
  try {
    handler(Delivery{peer, std::move(*message), route});
  } catch (const std::exception& e) {
    // A bug in one handler must not take the host down with every other peer's session.
    spdlog::error("net: server: handler for {} id={} from '{}' threw: {}", type, id, peer.name, e.what());
    (void)send(route, make_error_reply(config.name, id, "internal error handling " + type));
  }
}

Result<std::unique_ptr<Server>> Server::create(boost::asio::io_context& io, ServerConfig config) {
  if (!is_z85_key(config.keys.secret_z85) || !is_z85_key(config.keys.public_z85)) {
    return make_error("server: CURVE key pair is not two 40-char Z85 keys");
  }
  auto impl = std::make_shared<Impl>(io, std::move(config));
  if (auto opened = impl->open(); !opened) return opened.error();
  spdlog::info("net: server '{}' listening on {} (key fp={})", impl->config.name, impl->endpoint,
               key_fingerprint(impl->config.keys.public_z85));
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

Server::Server(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
Server::~Server() = default;

const std::string& Server::endpoint() const { return impl_->endpoint; }
const std::string& Server::public_key() const { return impl_->config.keys.public_z85; }
void Server::on_message(Handler handler) { impl_->handler = std::move(handler); }

void Server::reply(const Delivery& to, Message reply) {
  reply.corr = to.message.id;
  boost::asio::post(impl_->io, [weak = std::weak_ptr<Impl>(impl_), route = to.route, reply = std::move(reply)]() mutable {
    if (auto impl = weak.lock()) (void)impl->send(route, std::move(reply));
  });
}

void Server::push(const std::string& peer_name, Message message, std::function<void(Status)> sent) {
  boost::asio::post(impl_->io, [weak = std::weak_ptr<Impl>(impl_), peer_name, message = std::move(message),
                                sent = std::move(sent)]() mutable {
    auto impl = weak.lock();
    if (!impl) return;
    const auto it = impl->routes.find(peer_name);
    Status outcome;
    const bool allowed = std::any_of(impl->allow_list.begin(), impl->allow_list.end(),
                                     [&](const auto& entry) { return entry.second.name == peer_name; });
    if (!allowed) {
      spdlog::warn("net: server: not pushing {} to '{}': no allow-listed key is bound to it (revoked)", message.type,
                   peer_name);
      outcome = make_error("no allow-listed key is bound to it (revoked)");
    } else if (it == impl->routes.end()) {
      spdlog::warn("net: server: cannot push {} to '{}': no connection seen from it yet", message.type, peer_name);
      outcome = make_error("no connection seen from it yet");
    } else {
      outcome = impl->send(it->second, std::move(message));
    }
    if (sent) sent(std::move(outcome));
  });
}

void Server::set_allow_list(AllowList allow_list) {
  boost::asio::post(impl_->io, [weak = std::weak_ptr<Impl>(impl_), allow_list = std::move(allow_list)]() mutable {
    if (auto impl = weak.lock()) impl->allow_list = std::move(allow_list);
  });
}

void Server::allow(const std::string& public_z85, Peer peer) {
  boost::asio::post(impl_->io, [weak = std::weak_ptr<Impl>(impl_), public_z85, peer = std::move(peer)]() mutable {
    if (auto impl = weak.lock()) impl->allow_list[public_z85] = std::move(peer);
  });
}

void Server::revoke(const std::string& public_z85) {
  boost::asio::post(impl_->io, [weak = std::weak_ptr<Impl>(impl_), public_z85] {
    auto impl = weak.lock();
    if (!impl) return;
    auto it = impl->allow_list.find(public_z85);
    if (it == impl->allow_list.end()) return;
    impl->routes.erase(it->second.name);  // its connection carries nothing more, either way
    impl->allow_list.erase(it);
  });
}

ServerStats Server::stats() const {
  ServerStats s;
  s.delivered = impl_->delivered;
  s.error_replies = impl_->error_replies;
  s.dropped_sender = impl_->dropped_sender;
  s.dropped_unknown = impl_->dropped_unknown;
  s.zap_allowed = impl_->zap_allowed;
  s.zap_denied = impl_->zap_denied;
  s.messages_sent = impl_->messages_sent;
  s.bytes_sent = impl_->bytes_sent;
  s.messages_received = impl_->messages_received;
  s.bytes_received = impl_->bytes_received;
  return s;
}

}  // namespace cchost::net
