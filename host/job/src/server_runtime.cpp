// ServerRuntime wiring, registration (PROTOCOL.md "Registration"), heartbeats and status.
#include <spdlog/spdlog.h>
#include <zmq.h>
#include <boost/asio/post.hpp>

#include <algorithm>
#include <chrono>

#include "cchost/metrics/families.hpp"
#include "cchost/attest/binding.hpp"
#include "cchost/crypto/encoding.hpp"
#include "cchost/crypto/random.hpp"
#include "appraisal_ear.hpp"
#include "server_impl.hpp"

namespace cchost::job {

Result<Bytes> z85_key_bytes(const std::string& z85) {
  if (z85.size() != 40) return make_error("CURVE key: expected 40 Z85 characters, got " + std::to_string(z85.size()));
  Bytes out(32);
  if (!zmq_z85_decode(out.data(), z85.c_str())) return make_error("CURVE key: not valid Z85");
  return out;
}

ServerRuntime::ServerRuntime(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ServerRuntime::~ServerRuntime() {
  if (!impl_) return;
  impl_->reattest_timer.cancel();
  for (auto& [id, p] : impl_->pending) p.timer->cancel();
  for (auto& [id, job] : impl_->jobs) job->cancel_timers();
}

const std::string& ServerRuntime::endpoint() const { return impl_->server->endpoint(); }

Result<std::unique_ptr<ServerRuntime>> ServerRuntime::create(boost::asio::io_context& io, ServerRuntimeConfig config,
                                                             Attestor& attestor, StateStore& store,
                                                             attest::NonceRegistry& nonces, AuditSink audit) {
  auto impl = std::make_unique<Impl>(io, std::move(config), attestor, store, nonces, std::move(audit));
  if (auto st = impl->start(); !st) return st.error();
  return std::unique_ptr<ServerRuntime>(new ServerRuntime(std::move(impl)));
}

std::int64_t ServerRuntime::Impl::now() const {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

Status ServerRuntime::Impl::start() {
  session = crypto::hex_encode(crypto::random_bytes(8));
  for (const auto& [key, peer] : config.net.allow_list) key_by_name[peer.name] = key;
  config.net.name = config.name;
  if (auto st = load_revocations(); !st) return st;  // revoked keys leave the allow-list first
  config.net.on_denied_key = [this](const std::string& key, const std::string& detail) {
    if (!revocations) return;
    const std::string digest = curve_key_sha256(key);
    for (const auto& e : revocations->entries)
      if (e.key_sha256 == digest) note_refusal(e.site, "revoked", "handshake refused: " + detail, /*log=*/false);
  };
  config.net.on_refusal = [this](const net::Peer& peer, const std::string& kind, const std::string& detail) {
    note_refusal(peer.name, kind, detail, /*log=*/false);
  };
  auto created = net::Server::create(io, config.net);
  if (!created) return created.error();
  server = std::move(*created);
  server->on_message([this](const net::Delivery& d) { on_message(d); });
  load_state();
  quarantine_revoked();
  schedule_reattest();
  publish("system.bootstrap", {{"role", "server"}, {"name", config.name}, {"endpoint", server->endpoint()}});
  spdlog::info("server {} listening on {} (session {})", config.name, server->endpoint(), session);
  return {};
}

void ServerRuntime::Impl::publish(const std::string& event, const nlohmann::json& payload) {
  if (config.publish) config.publish(event, payload);
}

Status ServerRuntime::Impl::record(const std::string& type, const nlohmann::json& fields) {
  if (!audit) return {};
  auto st = audit(type, fields);
  if (!st) spdlog::error("audit: cannot record {}: {}", type, st.message());
  return st;
}

net::Message ServerRuntime::Impl::reply_to(const std::string& type, nlohmann::json body) {
  return net::make_message(type, config.name, std::move(body));
}

net::Message ServerRuntime::Impl::error_reply(const std::string& reason) {
  // Every request the server answers with a refusal (a schema, state or permission check);
  // the reason text stays in the reply and the log, not in a label.
  metrics::Registry::process().add(metrics::kMessagesRefused, {{"reason", "request-refused"}});
  return reply_to(net::kErrorType, {{"reason", reason}});
}

void ServerRuntime::Impl::on_message(const net::Delivery& d) {
  const auto& type = d.message.type;
  if (d.peer.role == net::Role::site) {  // for `admin status` and liveness
    auto& rec = sites[d.peer.name];
    rec.last_seen = now();
    rec.last_heard = std::chrono::steady_clock::now();
  }
  // A reply to something we pushed (evidence, vote, ack) carries its id in corr.
  if (!d.message.corr.empty()) {
    auto it = pending.find(d.message.corr);
    if (it == pending.end() || it->second.site != d.peer.name) {
      const std::string detail = type + " (corr " + d.message.corr.substr(0, 64) + ")";
      if (unexpected_replies.report(d.peer.name, detail))
        spdlog::warn("server: unexpected reply {} from {}", detail, d.peer.name);
      return;
    }
    auto waiter = std::move(it->second);
    pending.erase(it);
    waiter.timer->cancel();
    if (type == net::kErrorType) {
      waiter.done(make_error(d.peer.name + " refused: " + d.message.body.value("reason", std::string("?"))));
    } else {
      waiter.done(d.message);
    }
    return;
  }
  // Roles are bound to keys (DESIGN.md): sites may register, answer and heartbeat; only an
  // admin key may submit jobs or read status.
  static const std::set<std::string> site_types = {"register", "register.evidence", "register.abort", "heartbeat",
                                                   "server.attest"};
  static const std::set<std::string> admin_types = {"submit", "status", "abort", "server.shutdown", "admin.revoke"};
  const bool is_site = d.peer.role == net::Role::site;
  const bool is_admin = d.peer.role == net::Role::admin;
  if ((site_types.count(type) && !is_site) || (admin_types.count(type) && !is_admin)) {
    const std::string why = "message type '" + type + "' is not allowed for role " + std::string(net::role_name(d.peer.role));
    note_refusal(d.peer.name, "wrong-role", why);  // logged and audited, rate-limited
    server->reply(d, error_reply(why));
    return;
  }
  if (is_site) sites[d.peer.name].connected_this_session = true;
  if (auto limited = rate_limited(d)) {
    server->reply(d, error_reply(*limited));
    return;
  }
  std::function<net::Message()> handler;
  if (type == "register") handler = [&] { return handle_register(d); };
  else if (type == "register.evidence") handler = [&] { return handle_register_evidence(d); };
  else if (type == "register.abort") handler = [&] { return handle_register_abort(d); };
  else if (type == "heartbeat") handler = [&] { return handle_heartbeat(d); };
  else if (type == "server.attest") handler = [&] { return handle_server_attest(d); };
  else if (type == "submit") handler = [&] { return handle_submit(d); };
  else if (type == "status") handler = [&] { return handle_status(d); };
  else if (type == "abort") handler = [&] { return handle_abort(d); };
  else if (type == "server.shutdown") handler = [&] { return handle_shutdown_request(d); };
  else if (type == "admin.revoke") handler = [&] { return handle_revoke(d); };
  if (!handler) {
    server->reply(d, error_reply("unknown message type '" + type + "'"));
    return;
  }
  // Retried requests (same sender, same id) get the first reply; the handler runs once.
  server->reply(d, reply_cache.reply_once(d.peer.name, d.message.id, handler));
}

Result<attest::EvidenceBundle> ServerRuntime::Impl::bundle_from(const net::Message& m, const char* field) {
  auto it = m.body.find(field);
  if (it == m.body.end()) return make_error(std::string("missing '") + field + "'");
  return attest::bundle_from_wire(*it, m.blobs);
}

Appraisal ServerRuntime::Impl::appraise_site(const attest::EvidenceBundle& bundle, const std::string& site,
                                             std::optional<std::int64_t> challenged_at, bool require_job_key) {
  AppraisalRequest req;
  req.require_job_key = require_job_key;
  req.bundle = &bundle;
  req.expected_nonce = bundle.nonce;  // callers have checked it is the challenge's nonce
  req.challenged_at = challenged_at ? challenged_at : nonces.issued_at(bundle.nonce);
  req.expected_name = site;
  req.peer_role = "site";
  if (auto key = key_by_name.find(site); key != key_by_name.end()) {
    if (auto raw = z85_key_bytes(key->second)) req.expected_identity_key = *raw;
  }
  return attestor.appraise(req);
}

namespace {

Result<Bytes> nonce_field(const nlohmann::json& body, const char* key) {
  auto it = body.find(key);
  if (it == body.end() || !it->is_string()) return make_error(std::string("missing '") + key + "'");
  auto bytes = crypto::hex_decode(it->get<std::string>());
  if (!bytes || bytes->size() != attest::kNonceSize)
    return make_error(std::string("'") + key + "' must be " + std::to_string(attest::kNonceSize) + " bytes of hex");
  return bytes;
}

nlohmann::json failed_json(const std::vector<std::string>& failed) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& f : failed) a.push_back(f);
  return a;
}

}  // namespace

// Step 2 of registration: prove ourselves to the site (bound to its nonce) and challenge it.
net::Message ServerRuntime::Impl::handle_register(const net::Delivery& d) {
  const auto& site = d.peer.name;
  publish("client.register.before", {{"site", site}});
  auto client_nonce = nonce_field(d.message.body, "client_nonce");
  if (!client_nonce) return error_reply(client_nonce.message());
  auto own = attestor.produce(*client_nonce);
  if (!own) return error_reply("server cannot produce evidence: " + own.message());
  auto server_nonce = nonces.issue(site);
  if (!server_nonce) return error_reply("server cannot issue a nonce: " + server_nonce.message());
  registration_nonce[site] = crypto::hex_encode(*server_nonce);
  auto reply = reply_to("register.challenge", {{"server_bundle", attest::bundle_header(*own)},
                                               {"server_nonce", crypto::hex_encode(*server_nonce)}});
  reply.blobs = attest::bundle_blobs(*own);
  return reply;
}

// Step 4: the site's evidence, bound to our nonce; appraise it with our policy.
net::Message ServerRuntime::Impl::handle_register_evidence(const net::Delivery& d) {
  const auto& site = d.peer.name;
  auto bundle = bundle_from(d.message, "bundle");
  if (!bundle) return error_reply("bad bundle: " + bundle.message());
  publish("client.register.received", {{"site", site}});
  Appraisal appraisal;
  // Only the nonce of this registration answers it: any other outstanding nonce of the site (a
  // re-attestation challenge's, an earlier registration's) is someone else's freshness.
  auto expected = registration_nonce.find(site);
  if (expected == registration_nonce.end() || expected->second != crypto::hex_encode(bundle->nonce)) {
    appraisal.accept = false;
    appraisal.failed_rules = {"binding.nonce"};
    appraisal.detail = {{"errors", {expected == registration_nonce.end()
                                        ? "no registration of this site is in progress (send register first)"
                                        : "the bundle answers another challenge, not this registration's server_nonce"}}};
  } else if (auto st = nonces.consume(bundle->nonce, site); !st) {
    appraisal.accept = false;
    appraisal.failed_rules = {"binding.nonce"};
    appraisal.detail = {{"errors", {st.message()}}};
  } else {
    appraisal = appraise_site(*bundle, site);
  }
  // The challenge of the EAR (eat_nonce): this registration's nonce, when the bundle answers it.
  Bytes challenge;
  if (expected != registration_nonce.end() && expected->second == crypto::hex_encode(bundle->nonce)) challenge = bundle->nonce;
  if (expected != registration_nonce.end()) registration_nonce.erase(expected);  // one answer per registration
  auto& rec = sites[site];
  rec.last_attested_at = now();
  rec.last_accept = appraisal.accept;
  rec.last_failed = appraisal.failed_rules;
  // A rejected re-registration unregisters: status must not keep showing "registered yes"
  // for a site whose latest evidence failed.
  if (!appraisal.accept) rec.registered = false;
  if (appraisal.accept) {
    rec.registered = true;
    rec.quarantined = false;
    rec.quarantine_reason.clear();
    rec.resources.clear();
    if (auto res = d.message.body.find("resources"); res != d.message.body.end() && res->is_object()) {
      for (auto& [k, v] : res->items())
        if (v.is_number_integer()) rec.resources[k] = v.get<std::int64_t>();
    }
  }
  // The decision is durable before the site hears it. A rejection repeating the previous one
  // for the same rules is counted instead (server_floods.cpp): one `registration.repeated`
  // entry per site and ten minutes, so a site retrying forever cannot fill the log.
  if (appraisal.accept || record_rejection_now(site, failed_json(appraisal.failed_rules))) {
    nlohmann::json fields = {{"site", site}, {"accept", appraisal.accept},
                             {"failed", failed_json(appraisal.failed_rules)}, {"detail", appraisal.detail}};
    attach_ear(fields, config.ear_signer, site, appraisal, challenge);
    if (auto st = record("registration", fields); !st) return error_reply("server cannot record the decision");
  }
  save_registry();
  publish("client.register.after", {{"site", site}, {"accept", appraisal.accept}, {"failed", failed_json(appraisal.failed_rules)}});
  metrics::Registry::process().add(metrics::kRegistrations, {{"outcome", appraisal.accept ? "accepted" : "rejected"}});
  // A site that was away when a revocation was issued gets the list once it is back, after
  // its register.result.
  if (appraisal.accept) boost::asio::post(io, [this, site] { send_revocations(site); });
  if (appraisal.accept)
    spdlog::info("server: registered {}", site);
  else
    spdlog::warn("server: rejected registration of {}: {}", site, failed_json(appraisal.failed_rules).dump());
  // The session tells the site which server process it registered with, so that its next
  // heartbeat reveals a restart even if none was answered before the restart.
  return reply_to("register.result",
                  {{"accepted", appraisal.accept}, {"failed", failed_json(appraisal.failed_rules)}, {"session", session}});
}

net::Message ServerRuntime::Impl::handle_register_abort(const net::Delivery& d) {
  const auto& site = d.peer.name;
  nlohmann::json failed = d.message.body.value("failed", nlohmann::json::array());
  if (!failed.is_array()) failed = nlohmann::json::array();
  audit_note("registration.aborted", {{"site", site}, {"by", site}, {"failed", failed}});
  spdlog::warn("server: {} rejected this server: {}", site, failed.dump());
  return reply_to("ack");
}

net::Message ServerRuntime::Impl::handle_heartbeat(const net::Delivery& d) {
  auto beat = parse_heartbeat(d.message);
  if (!beat) return error_reply(beat.message());
  auto& rec = sites[d.peer.name];
  if (beat->interval) rec.heartbeat_interval = *beat->interval;
  if (config.on_audit_head && beat->audit_head)
    config.on_audit_head(d.peer.name, *beat->audit_head);  // signature checked there; never affects the ack
  nlohmann::json body = {{"session", session}, {"registered", rec.registered}, {"quarantined", rec.quarantined}};
  if (config.heartbeat_budget_per_s > 0) {
    const auto paced = std::min<std::int64_t>(
        kMaxPacedHeartbeatMs,
        static_cast<std::int64_t>((sites.size() * 1000 + config.heartbeat_budget_per_s - 1) / config.heartbeat_budget_per_s));
    body["heartbeat_ms"] = paced;  // the site beats at the longer of this and its own interval
  }
  // The shutdown push may have been lost (the site was unreachable when it was quarantined):
  // every heartbeat of a quarantined site repeats it while the policy says "shutdown".
  if (rec.quarantined && attestor.failure_policy().on_failure == "shutdown")
    body["shutdown"] = rec.quarantine_reason;
  return reply_to("heartbeat.ack", std::move(body));
}

// A site re-verifying the server on its own interval.
net::Message ServerRuntime::Impl::handle_server_attest(const net::Delivery& d) {
  auto client_nonce = nonce_field(d.message.body, "client_nonce");
  if (!client_nonce) return error_reply(client_nonce.message());
  auto own = attestor.produce(*client_nonce);
  if (!own) return error_reply("server cannot produce evidence: " + own.message());
  auto reply = reply_to("server.evidence", {{"bundle", attest::bundle_header(*own)}});
  reply.blobs = attest::bundle_blobs(*own);
  return reply;
}

net::Message ServerRuntime::Impl::handle_status(const net::Delivery& d) {
  auto request = parse_status_request(d.message);
  if (!request) return error_reply(request.message());
  nlohmann::json participants = nlohmann::json::array();
  for (const auto& [name, rec] : sites) {
    participants.push_back({{"name", name},
                            {"registered", rec.registered},
                            {"quarantined", rec.quarantined},
                            {"quarantine_reason", rec.quarantine_reason},
                            {"last_attested_at", rec.last_attested_at},
                            {"last_accept", rec.last_accept},
                            {"last_failed", failed_json(rec.last_failed)},
                            {"last_seen", rec.last_seen},
                            {"reachable", !silent_for(rec, std::chrono::steady_clock::now())},
                            {"heartbeat_ms", rec.heartbeat_interval.count()},
                            {"resources", rec.resources}});
  }
  nlohmann::json job_list = nlohmann::json::array();
  const std::string& only = request->job_id;
  for (const auto& [id, job] : jobs)
    if (only.empty() || only == id) job_list.push_back(job->to_json());
  if (!only.empty() && job_list.empty()) return error_reply("no job '" + only + "'");
  // `now` lets the admin say "last seen 3s ago" by the server's clock, not its own.
  const auto wire = server->stats();
  const nlohmann::json transport = {{"messages_sent", wire.messages_sent},
                                    {"bytes_sent", wire.bytes_sent},
                                    {"messages_received", wire.messages_received},
                                    {"bytes_received", wire.bytes_received}};
  return reply_to("status.report", {{"schema", "cchost.status/v1"}, {"server", config.name}, {"session", session}, {"now", now()},
                                    {"participants", participants}, {"jobs", job_list}, {"transport", transport}});
}

net::Message ServerRuntime::Impl::handle_shutdown_request(const net::Delivery& d) {
  auto request = parse_admin_shutdown(d.message);
  if (!request) return error_reply(request.message());
  if (!config.on_shutdown_requested) return error_reply("this server does not take shutdown requests");
  if (auto st = record("system.shutdown_requested", {{"by", d.peer.name}, {"reason", request->reason}}); !st)
    return error_reply("cannot record the request in the audit log: " + st.message());
  spdlog::warn("server: shutdown requested by {}{}", d.peer.name, request->reason.empty() ? "" : ": " + request->reason);
  // After this reply has gone out: the owner stops the io_context, which ends every job phase.
  boost::asio::post(io, [this, by = d.peer.name] { config.on_shutdown_requested(by); });
  return reply_to("shutdown.accepted", {{"server", config.name}});
}

void ServerRuntime::Impl::push_request(const std::string& site, net::Message message,
                                       std::function<void(Result<net::Message>)> done) {
  message.sender = config.name;
  if (message.id.empty()) message.id = net::new_message_id();
  const std::string id = message.id;
  PendingReply waiter{site, std::make_unique<boost::asio::steady_timer>(io), std::move(done)};
  waiter.timer->expires_after(config.request_timeout);
  waiter.timer->async_wait([this, id, site, type = message.type](const boost::system::error_code& ec) {
    if (ec) return;  // cancelled: the reply arrived
    auto it = pending.find(id);
    if (it == pending.end()) return;
    auto w = std::move(it->second);
    pending.erase(it);
    const double secs = std::chrono::duration<double>(config.request_timeout).count();
    w.done(make_error("no reply from " + site + " to " + type + " within " + std::to_string(secs).substr(0, 4) + "s"));
  });
  pending.emplace(id, std::move(waiter));
  // A push that cannot leave (the site disconnected: "Host unreachable") fails now, with that
  // reason, instead of after request_timeout as "no reply".
  const std::string type = message.type;
  server->push(site, std::move(message), [this, id, site, type](Status sent) {
    if (sent) return;
    auto it = pending.find(id);
    if (it == pending.end()) return;
    auto w = std::move(it->second);
    pending.erase(it);
    w.timer->cancel();
    w.done(make_error("cannot send " + type + " to " + site + ": " + sent.message()));
  });
}

void ServerRuntime::Impl::save_registry() {
  nlohmann::json reg = nlohmann::json::object();
  for (const auto& [name, rec] : sites) {
    reg[name] = {{"registered", rec.registered},         {"quarantined", rec.quarantined},
                 {"quarantine_reason", rec.quarantine_reason}, {"last_attested_at", rec.last_attested_at},
                 {"last_accept", rec.last_accept},       {"last_failed", failed_json(rec.last_failed)},
                 {"resources", rec.resources}};
  }
  if (auto st = store.save_registry({{"sites", reg}}); !st) spdlog::error("server: {}", st.message());
}

void ServerRuntime::Impl::load_state() {
  if (auto reg = store.load_registry(); reg && reg->contains("sites")) {
    for (auto& [name, r] : (*reg)["sites"].items()) {
      SiteRecord rec;
      rec.registered = r.value("registered", false);
      rec.quarantined = r.value("quarantined", false);
      rec.quarantine_reason = r.value("quarantine_reason", std::string());
      rec.last_attested_at = r.value("last_attested_at", std::int64_t{0});
      rec.last_accept = r.value("last_accept", false);
      for (const auto& f : r.value("last_failed", nlohmann::json::array())) rec.last_failed.push_back(f.get<std::string>());
      const nlohmann::json resources = r.value("resources", nlohmann::json::object());
      for (const auto& [k, v] : resources.items())
        if (v.is_number_integer()) rec.resources[k] = v.get<std::int64_t>();
      sites[name] = std::move(rec);
    }
    spdlog::info("server: recovered {} participant(s) from the workspace", sites.size());
  } else if (!reg) {
    spdlog::error("server: {}", reg.message());
  }
  auto saved = store.load_jobs();
  if (!saved) {
    spdlog::error("server: {}", saved.message());
    return;
  }
  std::optional<std::map<std::string, RecordedOutcome>> outcomes;  // read once, when a job needs it
  for (const auto& j : *saved) {
    auto job = JobRun::from_json(j);
    if (!job) {
      spdlog::error("server: cannot recover job: {}", job.message());
      continue;
    }
    if (!(*job)->terminal()) {
      if (!outcomes) {
        auto read = recorded_job_outcomes(store.audit_log_path());
        if (!read) spdlog::error("server: {}", read.message());
        outcomes.emplace(read ? std::move(*read) : std::map<std::string, RecordedOutcome>{});
      }
      if (auto it = outcomes->find((*job)->spec.id); it != outcomes->end()) adopt_recorded_outcome(*job, it->second);
    }
    jobs[(*job)->spec.id] = *job;
    resume_job(*job);
  }
}

std::optional<std::chrono::milliseconds> silent_for(const SiteRecord& site, std::chrono::steady_clock::time_point now) {
  if (site.heartbeat_interval.count() == 0 || site.last_heard == std::chrono::steady_clock::time_point{}) return std::nullopt;
  const auto silence = std::chrono::duration_cast<std::chrono::milliseconds>(now - site.last_heard);
  if (silence <= std::max(site.heartbeat_interval * kMissedHeartbeatsForUnreachable, kMinSilenceForUnreachable))
    return std::nullopt;
  return silence;
}

}  // namespace cchost::job
