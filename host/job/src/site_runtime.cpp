// SiteRuntime: registration (client appraises the server first), challenges, peer votes,
// payload storage, server re-verification and automatic re-registration.
#include "cchost/job/site_runtime.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/steady_timer.hpp>
#include <deque>

#include "cchost/attest/binding.hpp"
#include "cchost/crypto/encoding.hpp"
#include "cchost/crypto/hash.hpp"
#include "cchost/crypto/random.hpp"
#include "job_messages.hpp"
#include "server_impl.hpp"

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
    if (auto key = z85_key_bytes(config.net.server_public_z85)) server_key = *key;
    config.net.name = config.name;
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
    note("server.appraisal", {{"server", config.server_name}, {"accept", appraisal.accept},
                              {"failed", appraisal.failed_rules}, {"detail", appraisal.detail}});
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
    heartbeat_timer.expires_after(config.heartbeat_interval);
    heartbeat_timer.async_wait([this](const boost::system::error_code& ec) {
      if (ec || stopped) return;
      heartbeat();
      schedule_heartbeat();
    });
  }

  // Heartbeats keep the server's route to us fresh and reveal a restarted server (new session)
  // or a lost registration, after which we register again on our own.
  void heartbeat() {
    const auto body = config.audit_head ? nlohmann::json{{"audit_head", config.audit_head()}} : nlohmann::json::object();
    client->request(net::make_message("heartbeat", config.name, body), config.heartbeat_interval * 2,
                    [this](Result<net::Message> reply) {
                      if (!reply || reply->type != "heartbeat.ack") return;
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

  void answer(const net::Message& to, net::Message reply) {
    reply.corr = to.id;
    client->send(std::move(reply));
  }
  void refuse(const net::Message& to, const std::string& reason) {
    spdlog::warn("site {}: refused {} from the server: {}", config.name, to.type, reason);
    answer(to, net::make_message(net::kErrorType, config.name, {{"reason", reason}}));
  }

  // What one pushed message leads to: a reply, no reply (shutdown), or a refusal (an error
  // reply carrying the reason).
  using Outcome = Result<std::optional<net::Message>>;
  struct PushRule {
    std::string_view type;
    std::function<Outcome(Impl&, const net::Message&)> run;  // schema first, then the handler
  };
  // Binds a message's schema (its parse function) to its handler: a handler only ever sees a
  // message that passed the schema.
  template <class Request>
  static PushRule rule(std::string_view type, Result<Request> (*parse)(const net::Message&),
                       Outcome (Impl::*handle)(const Request&)) {
    return {type, [parse, handle](Impl& self, const net::Message& m) -> Outcome {
              auto request = parse(m);
              if (!request) return request.error();
              return (self.*handle)(*request);
            }};
  }

  // Every message the server may push, with its schema and handler (all come from the server:
  // the client talks to no one else).
  void on_push(const net::Message& m) {
    static const std::vector<PushRule> rules = {
        rule("contribute", &parse_contribute, &Impl::on_contribute),
        rule("challenge", &parse_challenge, &Impl::on_challenge_push),
        rule("peer_verify", &parse_peer_verify, &Impl::on_peer_verify),
        rule("deploy", &parse_deploy, &Impl::on_deploy),
        rule("shutdown", &parse_shutdown, &Impl::on_shutdown),
    };
    auto it = std::find_if(rules.begin(), rules.end(), [&](const PushRule& r) { return r.type == m.type; });
    if (it == rules.end()) return refuse(m, "unknown push type '" + m.type + "'");
    Outcome outcome = make_error("not handled");
    try {
      outcome = it->run(*this, m);
    } catch (const std::exception& e) {
      outcome = make_error(std::string("the site could not handle it: ") + e.what());
    }
    if (!outcome) return refuse(m, outcome.message());
    if (*outcome) answer(m, std::move(**outcome));
  }

  // Job round 1 (PROTOCOL.md v2): our random contribution to the job nonce. Kept so that we
  // can later check that the nonce we are asked to sign, and that peers' evidence is bound
  // to, commits to it.
  struct OwnContribution {
    Bytes value;
    std::int64_t at = 0;  // when we drew it: our challenge time for every peer of this job
  };
  static constexpr std::size_t kRememberedJobs = 256;
  std::map<std::string, OwnContribution> contributions;
  std::deque<std::string> contribution_order;

  static std::int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  }

  Outcome on_contribute(const ContributeRequest& r) {
    if (!contributions.count(r.job_id)) contribution_order.push_back(r.job_id);
    contributions[r.job_id] = {crypto::random_bytes(kContributionSize), unix_now()};
    while (contributions.size() > kRememberedJobs && !contribution_order.empty()) {
      contributions.erase(contribution_order.front());
      contribution_order.pop_front();
    }
    return std::optional<net::Message>(net::make_message(
        "contribution", config.name,
        {{"job_id", r.job_id}, {"contribution", crypto::hex_encode(contributions[r.job_id].value)}}));
  }

  // The job nonce, recomputed by us from the contributions, after checking that ours is in it.
  Result<Bytes> job_nonce_for(const std::string& job_id, const Contributions& given) {
    auto own = contributions.find(job_id);
    if (own == contributions.end()) return make_error("this site contributed nothing to job '" + job_id + "'");
    auto ours = given.find(config.name);
    if (ours == given.end() || ours->second != own->second.value)
      return make_error("the contributions of job '" + job_id + "' do not hold this site's own: evidence bound to them "
                        "would not be fresh for this site");
    return compute_job_nonce(job_id, given);
  }

  Outcome on_challenge_push(const Challenge& c) {
    Bytes nonce;
    if (const auto* job = std::get_if<JobChallenge>(&c)) {
      // We sign only a job nonce that commits to our own contribution: no one can have us
      // produce evidence for a nonce of their choosing.
      auto expected = job_nonce_for(job->job_id, job->contributions);
      if (!expected) return expected.error();
      if (*expected != job->nonce) return make_error("the challenge's nonce is not the job nonce of its contributions");
      nonce = job->nonce;
    } else {
      nonce = std::get<ReattestChallenge>(c).nonce;
    }
    auto own = attestor.produce(nonce);
    if (!own) return make_error("cannot produce evidence: " + own.message());
    auto reply = net::make_message("evidence", config.name, {{"bundle", attest::bundle_header(*own)}});
    reply.blobs = attest::bundle_blobs(*own);
    return std::optional<net::Message>(std::move(reply));
  }

  // Appraise every peer (and the server) with this site's own policy, and vote. Every bundle
  // must be bound to the job nonce we recompute ourselves (never the nonce a bundle names), and
  // its age runs from our own contribution (never from the prover's issued_at).
  Outcome on_peer_verify(const PeerVerifyRequest& r) {
    auto nonce = job_nonce_for(r.job_id, r.contributions);
    if (!nonce) return nonce.error();
    const std::int64_t challenged_at = contributions[r.job_id].at;
    nlohmann::json votes = nlohmann::json::object();
    for (const auto& bundle : r.bundles) {
      if (votes.contains(bundle.name)) return make_error("peer_verify holds two bundles of '" + bundle.name + "'");
      const bool is_server = bundle.name == config.server_name;
      AppraisalRequest req;
      req.bundle = &bundle;
      req.expected_nonce = *nonce;
      req.expected_name = bundle.name;
      if (is_server) req.expected_identity_key = server_key;
      req.peer_role = is_server ? "server" : "site";
      req.challenged_at = challenged_at;
      auto appraisal = attestor.appraise(req);
      votes[bundle.name] = {{"accept", appraisal.accept}, {"failed", appraisal.failed_rules}};
      note("peer.appraisal", {{"job", r.job_id}, {"peer", bundle.name}, {"accept", appraisal.accept},
                              {"failed", appraisal.failed_rules}, {"detail", appraisal.detail}});
    }
    note("vote", {{"job", r.job_id}, {"votes", votes}});
    publish("job.deploy.peer_verify", {{"job", r.job_id}, {"votes", votes}});
    return std::optional<net::Message>(net::make_message("vote", config.name, {{"job_id", r.job_id}, {"votes", votes}}));
  }

  // The payload is stored only if it is what the server says it is, and acknowledged by the
  // digest of what was stored: the server counts a site deployed only on that digest.
  Outcome on_deploy(const DeployRequest& r) {
    const std::string digest = crypto::hex_encode(crypto::sha256(r.payload));
    if (digest != r.payload_sha256)
      return make_error("payload sha256 mismatch: received " + digest.substr(0, 16) + "…, the server announced " +
                        r.payload_sha256.substr(0, 16) + "…");
    if (auto st = store.store_payload(r.job_id, r.payload); !st) return st.error();
    note("job.deployed", {{"job", r.job_id}, {"bytes", r.payload.size()}, {"payload_sha256", digest}});
    spdlog::info("site {}: stored payload of job {} ({} bytes)", config.name, r.job_id, r.payload.size());
    contributions.erase(r.job_id);
    return std::optional<net::Message>(net::make_message(
        "ack", config.name, {{"job_id", r.job_id}, {"stored", "jobs/" + r.job_id + "/payload"}, {"payload_sha256", digest}}));
  }

  Outcome on_shutdown(const ShutdownRequest& r) {
    const std::string reason = r.reason.empty() ? "server request" : r.reason;
    note("shutdown", {{"reason", reason}, {"failed", r.failed}});
    spdlog::warn("site {}: shutting down at the server's request: {}", config.name, reason);
    stop(reason);
    return std::optional<net::Message>();
  }
};

SiteRuntime::SiteRuntime(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SiteRuntime::~SiteRuntime() {
  if (!impl_) return;
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
