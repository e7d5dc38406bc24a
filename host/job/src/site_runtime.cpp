// SiteRuntime: registration (client appraises the server first), heartbeats, server
// re-verification and automatic re-registration. What the server pushes (job rounds,
// challenges, payloads, shutdown) is site_push_handler.cpp.
#include "cchost/job/site_runtime.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "cchost/attest/binding.hpp"
#include "cchost/crypto/encoding.hpp"
#include "appraisal_ear.hpp"
#include "server_impl.hpp"
#include "site_push_handler.hpp"
#include "site_revocations.hpp"

namespace cchost::job {

struct SiteRuntime::Impl {
  Impl(boost::asio::io_context& io_, SiteRuntimeConfig config_, Attestor& attestor_, StateStore& store_,
       attest::NonceRegistry& nonces_, AuditSink audit_)
      : io(io_), config(std::move(config_)), attestor(attestor_), store(store_), nonces(nonces_),
        audit(std::move(audit_)), heartbeat_timer(io_), reattest_timer(io_), register_timer(io_) {}

  boost::asio::io_context& io;
  SiteRuntimeConfig config;
  Attestor& attestor;
  StateStore& store;
  attest::NonceRegistry& nonces;
  AuditSink audit;
  std::unique_ptr<net::Client> client;
  boost::asio::steady_timer heartbeat_timer, reattest_timer, register_timer;
  bool registered = false;
  bool registering = false;
  std::chrono::milliseconds register_backoff{0};  // the next retry's wait; 0: register_retry
  bool retry_on_contact = false;
  bool stopped = false;
  std::string server_session;
  std::optional<Bytes> server_key;
  std::unique_ptr<SitePushHandler> pushes;
  std::unique_ptr<SiteRevocations> revocations;  // site_revocations.cpp
  // The interval we beat at: our own, or longer when the server paces its sites (its acks'
  // `heartbeat_ms`, PROTOCOL.md), announced in every heartbeat.
  std::chrono::milliseconds heartbeat_every{0};

  static bool is_timeout(const Result<net::Message>& r) {
    return !r && r.message().rfind("timeout after", 0) == 0;  // net::Client's wording
  }

  void note(const std::string& type, const nlohmann::json& fields) {
    if (!audit) return;
    if (auto st = audit(type, fields); !st) spdlog::error("audit: cannot record {}: {}", type, st.message());
  }
  void publish(const std::string& event, const nlohmann::json& payload) {
    if (config.publish) config.publish(event, payload);
  }

  Status start() {
    heartbeat_every = config.heartbeat_interval;
    if (auto key = z85_key_bytes(config.net.server_public_z85)) server_key = *key;
    config.net.name = config.name;
    revocations = std::make_unique<SiteRevocations>(
        config.name, config.server_name, config.revocation_key, store,
        [this](const std::string& type, const nlohmann::json& fields) { note(type, fields); });
    if (auto st = revocations->load(); !st) return st;
    // peer_verify carries one frame per token of every peer (PROTOCOL.md "Job deployment",
    // step 3): the net layer's default of 16 frames made this site drop it, silently, as soon
    // as a job named more than 14 sites, and every such job then failed on timeouts. Allow
    // kMaxPeerVerifyParticipants peers of up to kMaxTokensPerBundle tokens; the byte limits
    // (max_total_bytes) still bound what one message can cost.
    constexpr std::size_t kMaxPeerVerifyParticipants = 1024, kMaxTokensPerBundle = 4;
    config.net.limits.max_frames =
        std::max(config.net.limits.max_frames, 2 + kMaxPeerVerifyParticipants * kMaxTokensPerBundle);
    auto created = net::Client::create(io, config.net);
    if (!created) return created.error();
    client = std::move(*created);
    pushes = std::make_unique<SitePushHandler>(SitePushContext{
        config.name, config.server_name, server_key, attestor, store,
        [this](const std::string& type, const nlohmann::json& fields) { note(type, fields); },
        [this](const std::string& event, const nlohmann::json& payload) { publish(event, payload); },
        [this](const std::string& reason) { stop(reason); }, config.receipt_signer, config.run_off_io,
        [&io = io](std::function<void()> work) { boost::asio::post(io, std::move(work)); },
        [this](net::Message reply) { send_reply(std::move(reply)); }, config.ear_signer});
    client->on_push([this](const net::Message& m) { on_push(m); });
    publish("system.bootstrap", {{"role", "site"}, {"name", config.name}});
    begin_registration();
    schedule_heartbeat();
    schedule_reattest();
    return {};
  }

  void stop(const std::string& reason) {
    if (stopped) return;
    stopped = true;
    heartbeat_timer.cancel();
    reattest_timer.cancel();
    register_timer.cancel();
    if (config.on_shutdown) config.on_shutdown(reason);
  }

  Appraisal appraise_server(const attest::EvidenceBundle& bundle, const Bytes& nonce) {
    AppraisalRequest req;
    req.bundle = &bundle;
    req.expected_nonce = nonce;
    req.challenged_at = nonces.issued_at(nonce);  // our own challenge's time
    req.expected_name = config.server_name;
    req.expected_identity_key = server_key;
    req.peer_role = "server";
    return attestor.appraise(req);
  }

  // Back off exponentially (register_retry, doubling, at most register_retry_max): a site the
  // server keeps rejecting, or an unreachable server, is not hammered every few seconds
  // forever. A successful registration resets it.
  // `unanswered`: the attempt failed for want of an answer (not a refusal), so the next
  // heartbeat the server answers starts the next attempt at once instead of the back-off.
  void retry_registration_later(bool unanswered = false) {
    registering = false;
    retry_on_contact = unanswered;
    const auto wait = register_backoff.count() > 0 ? register_backoff : config.register_retry;
    register_backoff = std::min(wait * 2, std::max(config.register_retry, config.register_retry_max));
    spdlog::info("site {}: registering again in {} ms", config.name, wait.count());
    register_timer.expires_after(wait);
    register_timer.async_wait([this](const boost::system::error_code& ec) {
      if (!ec && !registered) begin_registration();
    });
  }

  // Registration step 1: challenge the server with our own nonce.
  void begin_registration() {
    if (registering || stopped) return;
    registering = true;
    auto nonce = nonces.issue(config.server_name);
    if (!nonce) {
      spdlog::error("site {}: {}", config.name, nonce.message());
      retry_registration_later();
      return;
    }
    auto msg = net::make_message("register", config.name, {{"client_nonce", crypto::hex_encode(*nonce)}});
    client->request(std::move(msg), config.request_timeout, [this, nonce = *nonce](Result<net::Message> reply) {
      on_challenge(nonce, std::move(reply));
    });
  }

  // Step 3: appraise the server with OUR policy before showing it anything.
  void on_challenge(const Bytes& client_nonce, Result<net::Message> reply) {
    if (!reply || reply->type != "register.challenge") {
      spdlog::warn("site {}: registration: {}", config.name, reply ? "unexpected " + reply->type : reply.message());
      retry_registration_later(is_timeout(reply));
      return;
    }
    auto header = reply->body.find("server_bundle");
    auto bundle = header == reply->body.end() ? Result<attest::EvidenceBundle>(make_error("missing server_bundle"))
                                              : attest::bundle_from_wire(*header, reply->blobs);
    Appraisal appraisal;
    if (!bundle) {
      appraisal.failed_rules = {"bundle.malformed"};
      appraisal.detail = {{"errors", {bundle.message()}}};
    } else if (auto st = nonces.consume(bundle->nonce, config.server_name); !st || bundle->nonce != client_nonce) {
      appraisal.failed_rules = {"binding.nonce"};
      appraisal.detail = {{"errors", {st ? "server bundle bound to another nonce" : st.message()}}};
    } else {
      appraisal = appraise_server(*bundle, client_nonce);
    }
    nlohmann::json fields = {{"server", config.server_name}, {"accept", appraisal.accept},
                             {"failed", appraisal.failed_rules}, {"detail", appraisal.detail}};
    attach_ear(fields, config.ear_signer, config.server_name, appraisal, client_nonce);
    note("server.appraisal", fields);
    if (!appraisal.accept) {
      spdlog::warn("site {}: the server fails this site's policy: {}", config.name,
                   nlohmann::json(appraisal.failed_rules).dump());
      client->request(net::make_message("register.abort", config.name, {{"failed", appraisal.failed_rules}}),
                      config.request_timeout, [](Result<net::Message>) {});
      if (attestor.failure_policy().on_failure == "shutdown") {
        stop("the server failed this site's policy");
        return;
      }
      retry_registration_later();
      return;
    }
    auto server_nonce = crypto::hex_decode(reply->body.value("server_nonce", std::string()));
    if (!server_nonce || server_nonce->size() != attest::kNonceSize) {
      retry_registration_later();
      return;
    }
    auto own = attestor.produce(*server_nonce);
    if (!own) {
      spdlog::error("site {}: cannot produce evidence: {}", config.name, own.message());
      retry_registration_later();
      return;
    }
    auto msg = net::make_message("register.evidence", config.name,
                                 {{"bundle", attest::bundle_header(*own)}, {"resources", config.resources}});
    msg.blobs = attest::bundle_blobs(*own);
    client->request(std::move(msg), config.request_timeout, [this](Result<net::Message> result) {
      registering = false;
      if (!result || result->type != "register.result") {
        spdlog::warn("site {}: registration: {}", config.name, result ? "unexpected " + result->type : result.message());
        retry_registration_later(is_timeout(result));
        return;
      }
      registered = result->body.value("accepted", false);
      note("registration.result", {{"accepted", registered}, {"failed", result->body.value("failed", nlohmann::json::array())}});
      if (registered) {
        // Without this, a server restarted before it answered any heartbeat looked like the
        // same process (session unknown, registry recovered "registered"), and the site never
        // registered again with it.
        server_session = result->body.value("session", server_session);
        register_backoff = std::chrono::milliseconds(0);
        spdlog::info("site {}: registered with {}", config.name, config.server_name);
      } else {
        spdlog::warn("site {}: the server rejected this site: {}", config.name, result->body.value("failed", nlohmann::json::array()).dump());
        retry_registration_later();
      }
    });
  }

  void schedule_heartbeat() {
    heartbeat_timer.expires_after(heartbeat_every);
    heartbeat_timer.async_wait([this](const boost::system::error_code& ec) {
      if (ec || stopped) return;
      heartbeat();
      schedule_heartbeat();
    });
  }

  // Heartbeats keep the server's route to us fresh and reveal a restarted server (new session)
  // or a lost registration, after which we register again on our own.
  void heartbeat() {
    nlohmann::json body = {{"interval_ms", heartbeat_every.count()}};
    if (config.audit_head) {
      auto head = config.audit_head();
      if (head.is_object()) body["audit_head"] = std::move(head);
    }
    client->request(net::make_message("heartbeat", config.name, body), heartbeat_every * 2,
                    [this](Result<net::Message> reply) {
                      if (!reply || reply->type != "heartbeat.ack") return;
                      follow_pacing(*reply);
                      if (auto why = reply->body.find("shutdown"); why != reply->body.end() && why->is_string()) {
                        note("shutdown", {{"reason", why->get<std::string>()}});
                        spdlog::warn("site {}: shutting down at the server's request: {}", config.name, why->get<std::string>());
                        stop(why->get<std::string>());
                        return;
                      }
                      const std::string session = reply->body.value("session", std::string());
                      const bool server_knows_us = reply->body.value("registered", false);
                      const bool restarted = !server_session.empty() && session != server_session;
                      server_session = session;
                      if (restarted) spdlog::info("site {}: server restarted; registering again", config.name);
                      // A site the server refused waits for register_retry (its timer is
                      // already set): re-registering on every heartbeat would hammer the server
                      // with evidence it has just rejected.
                      if (restarted || (registered && !server_knows_us)) {
                        registered = false;
                        begin_registration();
                      } else if (!registered && !registering && retry_on_contact) {
                        // The last attempt went unanswered, and the server answers again.
                        retry_on_contact = false;
                        register_timer.cancel();
                        begin_registration();
                      }
                    });
  }

  // The server may ask for a longer interval than ours, never a shorter one, and never more
  // than kMaxPacedHeartbeatMs; an ack without one (or with a malformed one) means our own.
  void follow_pacing(const net::Message& ack) {
    auto paced = config.heartbeat_interval;
    if (auto it = ack.body.find("heartbeat_ms"); it != ack.body.end() && it->is_number_integer()) {
      const auto ms = it->get<std::int64_t>();
      if (ms > 0 && ms <= kMaxPacedHeartbeatMs) paced = std::max(paced, std::chrono::milliseconds(ms));
    }
    if (paced != heartbeat_every)
      spdlog::info("site {}: heartbeat every {} ms{}", config.name, paced.count(),
                   paced == config.heartbeat_interval ? "" : " (paced by the server)");
    heartbeat_every = paced;
  }

  void schedule_reattest() {
    if (config.reattest_interval.count() <= 0) return;
    reattest_timer.expires_after(config.reattest_interval);
    reattest_timer.async_wait([this](const boost::system::error_code& ec) {
      if (ec || stopped) return;
      reverify_server();
      schedule_reattest();
    });
  }

  void reverify_server() {
    if (!registered) return;
    auto nonce = nonces.issue(config.server_name);
    if (!nonce) return;
    auto msg = net::make_message("server.attest", config.name, {{"client_nonce", crypto::hex_encode(*nonce)}});
    client->request(std::move(msg), config.request_timeout, [this, nonce = *nonce](Result<net::Message> reply) {
      Appraisal appraisal;
      // An unreachable server is a transport problem, not evidence of compromise: it is
      // recorded but never triggers on_failure.
      const bool unreachable = !reply || reply->type != "server.evidence";
      if (unreachable) {
        appraisal.failed_rules = {"server.unreachable"};
      } else if (auto b = attest::bundle_from_wire(reply->body.value("bundle", nlohmann::json()), reply->blobs); !b) {
        appraisal.failed_rules = {"bundle.malformed"};
      } else if (auto st = nonces.consume(b->nonce, config.server_name); !st || b->nonce != nonce) {
        appraisal.failed_rules = {"binding.nonce"};
      } else {
        appraisal = appraise_server(*b, nonce);
      }
      note("server.reattestation", {{"accept", appraisal.accept}, {"failed", appraisal.failed_rules}});
      if (!appraisal.accept && !unreachable) {
        spdlog::warn("site {}: the server no longer passes this site's policy", config.name);
        if (attestor.failure_policy().on_failure == "shutdown") stop("the server failed re-verification");
      }
    });
  }

  // Every job push goes through the schema table of site_push_handler.cpp.
  // The revocation list is not a job message: site_revocations.cpp checks it, and votes
  // against its revoked peers whatever their evidence said.
  void on_push(const net::Message& m) {
    if (m.type == "revocation") {
      client->send(revocations->on_push(m));
      return;
    }
    if (auto reply = pushes->handle(m)) send_reply(std::move(*reply));
  }

  void send_reply(net::Message reply) {
    if (reply.type == "vote") revocations->filter_votes(reply);
    client->send(std::move(reply));
  }
};

SiteRuntime::SiteRuntime(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SiteRuntime::~SiteRuntime() {
  if (!impl_) return;
  // First: appraisals still running on workers finish (and their votes are dropped) while
  // everything a vote would use, the revocation filter and the client, still exists.
  impl_->pushes.reset();
  impl_->heartbeat_timer.cancel();
  impl_->reattest_timer.cancel();
  impl_->register_timer.cancel();
}
bool SiteRuntime::registered() const { return impl_->registered; }

Result<std::unique_ptr<SiteRuntime>> SiteRuntime::create(boost::asio::io_context& io, SiteRuntimeConfig config,
                                                         Attestor& attestor, StateStore& store,
                                                         attest::NonceRegistry& nonces, AuditSink audit) {
  auto impl = std::make_unique<Impl>(io, std::move(config), attestor, store, nonces, std::move(audit));
  if (auto st = impl->start(); !st) return st.error();
  return std::unique_ptr<SiteRuntime>(new SiteRuntime(std::move(impl)));
}

}  // namespace cchost::job
