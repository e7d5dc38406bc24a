// The transport over real CURVE sockets on tcp://127.0.0.1 (ports picked at run time).
#include <gtest/gtest.h>

#include <algorithm>
#include <mutex>
#include <thread>

#include <atomic>
#include <random>
#include <stdexcept>

#include <zmq.hpp>

#include "cchost/net/client.hpp"
#include "cchost/net/reply_cache.hpp"
#include "cchost/net/server.hpp"
#include "net_test_loop.hpp"

namespace cchost::net {
namespace {

using namespace std::chrono_literals;
using testing::IoLoop;

Bytes text(const std::string& s) { return Bytes(s.begin(), s.end()); }

class NetTransport : public ::testing::Test {
 protected:
  void TearDown() override {
    loop_.on_io([this] {
      clients_.clear();
      server_.reset();
      return 0;
    });
  }

  AllowList allow_list() const {
    return {{site_a_.public_z85, Peer{"site-a", Role::site}},
            {site_b_.public_z85, Peer{"site-b", Role::site}},
            {admin_.public_z85, Peer{"admin", Role::admin}}};
  }

  void start_server(Limits limits = {}, std::string endpoint = "tcp://127.0.0.1:*") {
    loop_.on_io([&] {
      ServerConfig config;
      config.bind_endpoint = endpoint;
      config.keys = server_keys_;
      config.allow_list = allow_list();
      config.limits = limits;
      if (configure_) configure_(config);
      auto server = Server::create(loop_.io, config);
      EXPECT_TRUE(server) << server.message();
      server_ = std::move(*server);
      server_->on_message([this](const Delivery& d) {
        ++delivered_;
        last_peer_ = d.peer;
        if (d.message.type == "silent") return;  // never answered: the client must time out
        if (d.message.type == "throw") throw std::runtime_error("handler bug");
        Message reply = make_message("pong", "ignored", {{"echo", d.message.body}, {"peer", d.peer.name}});
        reply.blobs = d.message.blobs;
        server_->reply(d, std::move(reply));
      });
      endpoint_ = server_->endpoint();
      return 0;
    });
  }

  std::function<void(ServerConfig&)> configure_;  // set before start_server, for hooks

  Client& make_client(const CurveKeyPair& keys, const std::string& name) {
    return *loop_.on_io([&] {
      ClientConfig config;
      config.endpoint = endpoint_;
      config.server_public_z85 = server_keys_.public_z85;
      config.keys = keys;
      config.name = name;
      config.reconnect_interval = 50ms;
      config.reconnect_interval_max = 500ms;
      auto client = Client::create(loop_.io, config);
      EXPECT_TRUE(client) << client.message();
      clients_.push_back(std::move(*client));
      return clients_.back().get();
    });
  }

  Result<Message> request(Client& client, Message m, std::chrono::milliseconds timeout, int retries = 0) {
    auto promise = std::make_shared<std::promise<Result<Message>>>();
    auto future = promise->get_future();
    client.request(std::move(m), timeout, [promise](Result<Message> r) { promise->set_value(std::move(r)); }, retries);
    auto r = testing::wait(future);
    if (!r) return make_error("hang guard: no callback within 20s");
    return std::move(*r);
  }

  // A raw CURVE DEALER, to put bytes on the wire that our Client would never send.
  zmq::socket_t raw_dealer(zmq::context_t& ctx, const CurveKeyPair& keys) {
    zmq::socket_t s(ctx, zmq::socket_type::dealer);
    s.set(zmq::sockopt::linger, 0);
    s.set(zmq::sockopt::rcvtimeo, static_cast<int>(std::chrono::milliseconds(testing::kHangGuard).count()));
    s.set(zmq::sockopt::curve_serverkey, server_keys_.public_z85);
    s.set(zmq::sockopt::curve_publickey, keys.public_z85);
    s.set(zmq::sockopt::curve_secretkey, keys.secret_z85);
    s.connect(endpoint_);
    return s;
  }

  static void send_raw(zmq::socket_t& s, const std::vector<Bytes>& frames) {
    for (std::size_t i = 0; i < frames.size(); ++i) {
      s.send(zmq::const_buffer(frames[i].data(), frames[i].size()),
             i + 1 < frames.size() ? zmq::send_flags::sndmore : zmq::send_flags::none);
    }
  }

  static Result<Message> recv_raw(zmq::socket_t& s) {
    std::vector<Bytes> frames;
    bool more = true;
    while (more) {
      zmq::message_t part;
      if (!s.recv(part)) return make_error("hang guard: no reply within 20s");
      more = part.more();
      frames.emplace_back(static_cast<const std::uint8_t*>(part.data()),
                          static_cast<const std::uint8_t*>(part.data()) + part.size());
    }
    return decode(frames, Limits{});
  }

  IoLoop loop_;
  CurveKeyPair server_keys_ = generate_curve_keypair();
  CurveKeyPair site_a_ = generate_curve_keypair();
  CurveKeyPair site_b_ = generate_curve_keypair();
  CurveKeyPair admin_ = generate_curve_keypair();
  std::unique_ptr<Server> server_;
  std::vector<std::unique_ptr<Client>> clients_;
  std::string endpoint_;
  std::atomic<int> delivered_{0};
  Peer last_peer_;
};

TEST_F(NetTransport, RequestReplyRoundTripOverCurve) {
  start_server();
  ASSERT_NE(endpoint_.find("tcp://127.0.0.1:"), std::string::npos) << endpoint_;
  EXPECT_EQ(endpoint_.find(":*"), std::string::npos) << "endpoint not resolved: " << endpoint_;
  auto& client = make_client(admin_, "admin");
  Message ping = make_message("ping", "", {{"n", 42}});
  ping.blobs = {Bytes{0, 1, 2, 3, 255}, Bytes(100000, 9)};
  const std::string id = ping.id;
  auto reply = request(client, ping, 5s);
  ASSERT_TRUE(reply) << reply.message();
  EXPECT_EQ(reply->type, "pong");
  EXPECT_EQ(reply->corr, id);
  EXPECT_EQ(reply->sender, "server");
  EXPECT_EQ(reply->body.at("echo").at("n"), 42);
  EXPECT_EQ(reply->body.at("peer"), "admin");
  EXPECT_EQ(reply->blobs, ping.blobs);
  EXPECT_EQ(last_peer_, (Peer{"admin", Role::admin}));  // the verified role, for role checks
  EXPECT_EQ(server_->stats().zap_allowed, 1u);
}

TEST_F(NetTransport, UnprovisionedKeyGetsNothingThrough) {
  start_server();
  auto& stranger = make_client(generate_curve_keypair(), "site-a");  // right name, wrong key
  auto reply = request(stranger, make_message("ping", ""), 1s);
  ASSERT_FALSE(reply);
  EXPECT_NE(reply.message().find("timeout after 1.0s waiting for reply to ping"), std::string::npos) << reply.message();
  EXPECT_EQ(delivered_, 0);
  EXPECT_GE(server_->stats().zap_denied, 1u);
  EXPECT_EQ(server_->stats().zap_allowed, 0u);
}

TEST_F(NetTransport, ClientPinnedToAnotherServerKeyGetsNothingThrough) {
  start_server();
  const auto real_server = server_keys_;
  server_keys_ = generate_curve_keypair();  // the client pins an impostor's key
  auto& client = make_client(site_a_, "site-a");
  server_keys_ = real_server;
  auto reply = request(client, make_message("ping", ""), 500ms);
  ASSERT_FALSE(reply);
  EXPECT_NE(reply.message().find("timeout after 0.5s"), std::string::npos) << reply.message();
  EXPECT_EQ(delivered_, 0);
}

TEST_F(NetTransport, MessageClaimingAnotherSenderIsDropped) {
  start_server();
  zmq::context_t ctx;
  auto s = raw_dealer(ctx, site_a_);
  send_raw(s, encode(make_message("ping", "site-b")));  // site-a's key, site-b's name
  Message good = make_message("ping", "site-a");
  send_raw(s, encode(good));
  // Messages on one connection are handled in order: once the good one is answered, the
  // spoofed one has been handled too — and it got no reply.
  auto reply = recv_raw(s);
  ASSERT_TRUE(reply) << reply.message();
  EXPECT_EQ(reply->corr, good.id);
  EXPECT_EQ(delivered_, 1);
  EXPECT_EQ(last_peer_.name, "site-a");
  EXPECT_EQ(server_->stats().dropped_sender, 1u);
  EXPECT_EQ(server_->stats().error_replies, 0u);
}

TEST_F(NetTransport, ThousandMalformedMessagesGetErrorRepliesAndServingContinues) {
  Limits limits;
  limits.max_frame_bytes = 64 * 1024;  // small limits keep 1000 messages fast
  limits.max_total_bytes = 256 * 1024;
  start_server(limits);
  zmq::context_t ctx;
  auto s = raw_dealer(ctx, site_a_);
  std::mt19937 rng(7);
  auto garbage = [&rng](std::size_t n) {
    Bytes b(n);
    for (auto& x : b) x = static_cast<std::uint8_t>(rng());
    return b;
  };
  int version_errors = 0;
  for (int i = 0; i < 1000; ++i) {
    Message m = make_message("ping", "site-a");
    std::vector<Bytes> frames = encode(m);
    std::string expect;
    switch (i % 6) {
      case 0: frames[0] = text("{\"v\":1,\"type\":"); expect = "header"; break;          // bad header
      case 1: frames.resize(20, Bytes{1}); expect = "too many frames: got 20"; break;     // too many frames
      case 2: frames[1] = Bytes(limits.max_frame_bytes + 1, '{'); expect = "too large"; break;  // oversize
      case 3: m.version = 2; frames[0] = encode(m)[0]; expect = "unsupported protocol version"; break;
      case 4: frames = {garbage(1 + rng() % 300), garbage(rng() % 300)}; expect = ""; break;  // garbage
      case 5: frames = {garbage(1 + rng() % 50)}; expect = "too few frames"; break;
    }
    send_raw(s, frames);
    auto reply = recv_raw(s);
    ASSERT_TRUE(reply) << "message " << i << ": " << reply.message();
    ASSERT_EQ(reply->type, "error") << "message " << i;
    const std::string reason = reply->body.value("reason", "");
    ASSERT_FALSE(reason.empty()) << "message " << i;
    ASSERT_NE(reason.find(expect), std::string::npos) << "message " << i << ": " << reason;
    if (i % 6 == 1) {
      EXPECT_EQ(reply->corr, m.id) << "readable header: the error names the request";
    }
    if (i % 6 == 3) ++version_errors;
  }
  EXPECT_EQ(version_errors, 167);
  EXPECT_EQ(server_->stats().error_replies, 1000u);
  EXPECT_EQ(delivered_, 0);
  auto& client = make_client(site_a_, "site-a");
  auto reply = request(client, make_message("ping", ""), 5s);
  ASSERT_TRUE(reply) << reply.message();
  EXPECT_EQ(reply->type, "pong");
}

TEST_F(NetTransport, DefaultLimitsAnswerAFrameOver4MiBWithAnError) {
  start_server();
  zmq::context_t ctx;
  auto s = raw_dealer(ctx, site_b_);
  Message m = make_message("ping", "site-b");
  m.blobs = {Bytes((4u << 20) + 1, 0)};
  send_raw(s, encode(m));
  auto reply = recv_raw(s);
  ASSERT_TRUE(reply) << reply.message();
  EXPECT_EQ(reply->type, "error");
  EXPECT_EQ(reply->corr, m.id);
  EXPECT_NE(reply->body.value("reason", "").find("frame 2 too large: 4194305 bytes, limit 4194304"), std::string::npos)
      << reply->body.dump();
}

TEST_F(NetTransport, RequestTimesOutWhenTheServerDoesNotAnswer) {
  start_server();
  auto& client = make_client(site_a_, "site-a");
  Message m = make_message("silent", "");
  const std::string id = m.id;
  auto reply = request(client, m, 300ms);
  ASSERT_FALSE(reply);
  EXPECT_EQ(reply.message(), "timeout after 0.3s waiting for reply to silent id=" + id);
  EXPECT_EQ(delivered_, 1);
}

TEST_F(NetTransport, ThrowingHandlerGetsAnErrorReplyAndServingContinues) {
  start_server();
  auto& client = make_client(site_a_, "site-a");
  Message m = make_message("throw", "");
  auto reply = request(client, m, 5s);
  ASSERT_FALSE(reply);
  EXPECT_EQ(reply.message(), "server refused throw id=" + m.id + ": internal error handling throw");
  auto ok = request(client, make_message("ping", ""), 5s);
  ASSERT_TRUE(ok) << ok.message();
}

TEST_F(NetTransport, RetryResendsTheSameIdAndIsAnsweredFromTheReplyCache) {
  start_server();
  ReplyCache cache;
  std::atomic<int> computed{0};
  std::atomic<int> seen{0};
  std::vector<std::string> ids_seen;
  loop_.on_io([&] {
    server_->on_message([&](const Delivery& d) {
      ++seen;
      ids_seen.push_back(d.message.id);
      bool fresh = false;
      Message reply = cache.reply_once(d.peer.name, d.message.id, [&] {
        fresh = true;
        return make_message("pong", "server", {{"computed", ++computed}});
      });
      if (fresh) return;  // simulate a lost reply: only a retry gets the (cached) answer
      server_->reply(d, reply);
    });
    return 0;
  });
  auto& client = make_client(site_a_, "site-a");
  Message m = make_message("register", "");
  auto reply = request(client, m, 300ms, 10);
  ASSERT_TRUE(reply) << reply.message();
  EXPECT_EQ(reply->body.at("computed"), 1);
  EXPECT_EQ(computed, 1);
  EXPECT_GE(seen, 2);
  for (const auto& id : loop_.on_io([&] { return ids_seen; })) EXPECT_EQ(id, m.id);
  // A later duplicate of the same id is answered from the cache as well.
  auto again = request(client, m, 5s);
  ASSERT_TRUE(again) << again.message();
  EXPECT_EQ(again->body.at("computed"), 1);
  EXPECT_EQ(computed, 1);
}

TEST_F(NetTransport, ClientReconnectsAfterServerRestart) {
  start_server();
  auto& client = make_client(site_a_, "site-a");
  ASSERT_TRUE(request(client, make_message("ping", ""), 5s));
  const std::string endpoint = endpoint_;
  loop_.on_io([this] {
    server_.reset();
    return 0;
  });
  start_server(Limits{}, endpoint);  // same port, same key
  ASSERT_EQ(endpoint_, endpoint);
  auto reply = request(client, make_message("ping", {}), 1s, 10);
  ASSERT_TRUE(reply) << reply.message();
  EXPECT_EQ(reply->type, "pong");
}

TEST_F(NetTransport, AllowListUpdateAdmitsANewKey) {
  start_server();
  const auto site_c = generate_curve_keypair();
  auto& early = make_client(site_c, "site-c");
  ASSERT_FALSE(request(early, make_message("ping", ""), 500ms));
  server_->allow(site_c.public_z85, Peer{"site-c", Role::site});
  auto& late = make_client(site_c, "site-c");
  auto reply = request(late, make_message("ping", ""), 5s);
  ASSERT_TRUE(reply) << reply.message();
  EXPECT_EQ(reply->body.at("peer"), "site-c");
  // The client refused earlier keeps reconnecting and gets in too (a site started before the
  // server learned its key needs no restart).
  auto early_reply = request(early, make_message("ping", ""), 1s, 10);
  ASSERT_TRUE(early_reply) << early_reply.message();
}

TEST_F(NetTransport, RevokedKeyIsDroppedOnItsExistingConnection) {
  start_server();
  auto& client = make_client(site_b_, "site-b");
  ASSERT_TRUE(request(client, make_message("ping", ""), 5s));
  server_->revoke(site_b_.public_z85);
  EXPECT_FALSE(request(client, make_message("ping", ""), 500ms));
  EXPECT_EQ(delivered_, 1);
  EXPECT_EQ(server_->stats().dropped_unknown, 1u);
}

// Revocation (PROTOCOL.md "Revocation"): after revoke() nothing is pushed to the peer, its
// messages are reported as refusals, and its next handshakes reach on_denied_key with its key.
TEST_F(NetTransport, RevokedPeerGetsNoPushAndItsKnockingIsReported) {
  std::mutex mu;
  std::vector<std::string> denied_keys, refusals;
  configure_ = [&](ServerConfig& c) {
    c.on_denied_key = [&](const std::string& key, const std::string&) {
      std::lock_guard lock(mu);
      denied_keys.push_back(key);
    };
    c.on_refusal = [&](const Peer& peer, const std::string& kind, const std::string&) {
      std::lock_guard lock(mu);
      refusals.push_back(peer.name + ":" + kind);
    };
  };
  start_server();
  auto& client = make_client(site_b_, "site-b");
  ASSERT_TRUE(request(client, make_message("ping", ""), 5s));
  server_->revoke(site_b_.public_z85);
  EXPECT_FALSE(request(client, make_message("ping", ""), 500ms));
  auto promise = std::make_shared<std::promise<Status>>();
  auto future = promise->get_future();
  server_->push("site-b", make_message("challenge", ""), [promise](Status st) { promise->set_value(std::move(st)); });
  auto pushed = testing::wait(future);
  ASSERT_TRUE(pushed.has_value()) << "hang guard: push outcome never reported";
  ASSERT_FALSE(*pushed) << "a push to a revoked peer left the server";
  EXPECT_NE(pushed->message().find("revoked"), std::string::npos) << pushed->message();
  auto& again = make_client(site_b_, "site-b");
  EXPECT_FALSE(request(again, make_message("ping", ""), 500ms));
  auto seen = [&] {
    std::lock_guard lock(mu);
    return std::find(denied_keys.begin(), denied_keys.end(), site_b_.public_z85) != denied_keys.end();
  };
  for (int i = 0; i < 200 && !seen(); ++i) std::this_thread::sleep_for(50ms);  // hang guard only
  EXPECT_TRUE(seen()) << "the refused handshake never reached on_denied_key";
  std::lock_guard lock(mu);
  EXPECT_NE(std::find(refusals.begin(), refusals.end(), "site-b:revoked-key"), refusals.end());
}

TEST_F(NetTransport, ServerPushReachesTheClientsHandler) {
  start_server();
  auto& client = make_client(site_a_, "site-a");
  auto promise = std::make_shared<std::promise<Message>>();
  auto future = promise->get_future();
  loop_.on_io([&] {
    client.on_push([promise](const Message& m) { promise->set_value(m); });
    return 0;
  });
  ASSERT_TRUE(request(client, make_message("register", ""), 5s));  // the server learns our route
  server_->push("site-a", make_message("challenge", "", {{"nonce", "00ff"}}));
  auto pushed = testing::wait(future);
  ASSERT_TRUE(pushed.has_value()) << "hang guard: push never arrived";
  EXPECT_EQ(pushed->type, "challenge");
  EXPECT_EQ(pushed->sender, "server");
  EXPECT_EQ(pushed->body.at("nonce"), "00ff");
}

// Shared frames (a job's bundles to every voter) arrive as ordinary frames after the owned
// ones, at every peer they were pushed to, and ZeroMQ lets go of its references once they
// are sent (a lost release would keep every job's bundles for the life of the server).
TEST_F(NetTransport, SharedFramesReachEveryPeerAndAreReleasedOnceSent) {
  start_server();
  auto& a = make_client(site_a_, "site-a");
  auto& b = make_client(site_b_, "site-b");
  std::vector<std::shared_ptr<std::promise<Message>>> promises = {std::make_shared<std::promise<Message>>(),
                                                                  std::make_shared<std::promise<Message>>()};
  auto fa = promises[0]->get_future(), fb = promises[1]->get_future();
  loop_.on_io([&] {
    a.on_push([p = promises[0]](const Message& m) { p->set_value(m); });
    b.on_push([p = promises[1]](const Message& m) { p->set_value(m); });
    return 0;
  });
  ASSERT_TRUE(request(a, make_message("register", ""), 5s));
  ASSERT_TRUE(request(b, make_message("register", ""), 5s));
  auto shared = std::make_shared<const Bytes>(Bytes(100000, 0x42));
  std::weak_ptr<const Bytes> watch = shared;
  for (const char* peer : {"site-a", "site-b"}) {
    auto m = make_message("peer_verify", "", {{"n", 2}});
    m.blobs.push_back(Bytes{1, 2, 3});
    m.shared_blobs = {shared, std::make_shared<const Bytes>(Bytes{9})};
    server_->push(peer, std::move(m));
  }
  shared.reset();
  for (auto* f : {&fa, &fb}) {
    auto got = testing::wait(*f);
    ASSERT_TRUE(got.has_value()) << "hang guard: push never arrived";
    ASSERT_EQ(got->blobs.size(), 3u);
    EXPECT_EQ(got->blobs[0], (Bytes{1, 2, 3}));
    EXPECT_EQ(got->blobs[1], Bytes(100000, 0x42));
    EXPECT_EQ(got->blobs[2], Bytes{9});
  }
  for (int i = 0; i < 200 && !watch.expired(); ++i) std::this_thread::sleep_for(10ms);  // hang guard only
  EXPECT_TRUE(watch.expired()) << "ZeroMQ still holds the shared frame after both peers received it";
  EXPECT_GE(server_->stats().bytes_sent, 2u * 100000u);
}

TEST_F(NetTransport, PushToADisconnectedClientReportsHostUnreachable) {
  start_server();
  auto push_outcome = [&](const std::string& peer) {
    auto promise = std::make_shared<std::promise<Status>>();
    auto future = promise->get_future();
    server_->push(peer, make_message("challenge", ""), [promise](Status st) { promise->set_value(std::move(st)); });
    auto st = testing::wait(future);
    EXPECT_TRUE(st.has_value()) << "hang guard: push outcome never reported";
    return st.value_or(Status(make_error("hang")));
  };
  // Never connected: said at once.
  auto never = push_outcome("site-b");
  ASSERT_FALSE(never);
  EXPECT_EQ(never.message(), "no connection seen from it yet");
  // Connected, then gone: the ROUTER (ZMQ_ROUTER_MANDATORY) refuses the route.
  auto& client = make_client(site_a_, "site-a");
  ASSERT_TRUE(request(client, make_message("register", ""), 5s));
  EXPECT_TRUE(push_outcome("site-a"));
  loop_.on_io([&] {
    clients_.clear();  // closes the connection (linger 0)
    return 0;
  });
  Status gone;
  for (int i = 0; i < 100 && gone; ++i) {  // the server notices the close within moments
    std::this_thread::sleep_for(50ms);
    gone = push_outcome("site-a");
  }
  ASSERT_FALSE(gone) << "the push to a closed connection was reported as sent";
  EXPECT_EQ(gone.message(), "Host unreachable");
}

TEST_F(NetTransport, ConnectDeadlineFailsPendingRequestsAsUnreachable) {
  // Nothing listens on this port (a server bound it, then went away).
  start_server();
  const std::string dead = endpoint_;
  loop_.on_io([&] {
    server_.reset();
    return 0;
  });
  auto* client = loop_.on_io([&] {
    ClientConfig config;
    config.endpoint = dead;
    config.server_public_z85 = server_keys_.public_z85;
    config.keys = site_a_;
    config.name = "site-a";
    config.connect_timeout = 300ms;
    auto c = Client::create(loop_.io, config);
    EXPECT_TRUE(c) << c.message();
    clients_.push_back(std::move(*c));
    return clients_.back().get();
  });
  // A request timeout far beyond the hang guard: only the connect deadline can answer in time.
  auto r = request(*client, make_message("status", ""), 600s);
  ASSERT_FALSE(r);
  EXPECT_NE(r.message().find("unreachable: no connection within 0.3s"), std::string::npos) << r.message();
  EXPECT_FALSE(loop_.on_io([&] { return client->connected(); }));
}

}  // namespace
}  // namespace cchost::net
