// Job deployment on the server (PROTOCOL.md "Job deployment", v2): contributions to the job
// nonce from every relying party, fresh evidence from every site bound to it, appraisal with
// the server's policy, peer verification by every site with its own policy, trust resolution
// (decline | mutual), scheduling and retries. Delivery is server_delivery.cpp; deadlines and
// guarded replies are server_job_phase.cpp.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "cchost/crypto/encoding.hpp"
#include "cchost/crypto/hash.hpp"
#include "cchost/crypto/random.hpp"
#include "cchost/job/scheduler.hpp"
#include "cchost/job/trust_set.hpp"
#include <boost/asio/post.hpp>
#include <set>

#include "cchost/attest/binding.hpp"
#include "cchost/crypto/hpke.hpp"
#include "cchost/job/receipt.hpp"
#include "appraisal_ear.hpp"
#include "server_impl.hpp"
#include "wire_checks.hpp"
#include "cchost/metrics/families.hpp"

namespace cchost::job {
namespace {

// A phase waits a little longer than one request: each request's own timeout then names the
// site that did not answer ("no reply from site-3 to contribute ..."); the phase deadline is
// the backstop that holds even when no request callback ever runs.
constexpr std::chrono::milliseconds kPhaseGrace{1000};

}  // namespace

nlohmann::json JobRun::to_json() const {
  nlohmann::json excl = nlohmann::json::object();
  for (const auto& [site, e] : excluded) excl[site] = {{"stage", e.stage}, {"reason", e.reason}, {"failed", e.failed}};
  nlohmann::json deliveries = nlohmann::json::object();
  for (const auto& [site, d] : delivery) deliveries[site] = {{"state", d.state}, {"reason", d.reason}, {"tries", d.tries}};
  nlohmann::json keys = nlohmann::json::object();
  for (const auto& [site, key] : job_keys) keys[site] = crypto::hex_encode(key);
  nlohmann::json evidence_digests = nlohmann::json::object();
  for (const auto& [site, digest] : evidence) evidence_digests[site] = digest;
  return {{"id", spec.id},
          {"spec", {{"deploy_map", spec.deploy_map}, {"min_sites", spec.min_sites}, {"retries", spec.retries},
                    {"resources", spec.resources}}},
          {"state", state},
          {"attempts", attempts},
          {"reason", reason},
          {"submitted_at", submitted_at},
          {"decided_at", decided_at},
          {"payload_sha256", payload_sha256},
          {"sites", sites},
          {"delivery", deliveries},
          {"job_keys", keys},
          {"evidence_sha256", evidence_digests},
          {"excluded", excl},
          {"trust_set", trust_set}};
}

Result<std::shared_ptr<JobRun>> JobRun::from_json(const nlohmann::json& j) {
  try {
    auto job = std::make_shared<JobRun>();
    job->spec.id = j.at("id").get<std::string>();
    if (!is_valid_job_id(job->spec.id)) return make_error("job record with invalid id");
    const auto& s = j.at("spec");
    job->spec.deploy_map = s.at("deploy_map").get<std::vector<std::string>>();
    job->spec.min_sites = s.at("min_sites").get<std::int64_t>();
    job->spec.retries = s.at("retries").get<std::int64_t>();
    job->spec.resources = s.at("resources").get<std::map<std::string, std::int64_t>>();
    job->state = j.at("state").get<std::string>();
    job->attempts = j.value("attempts", 0);
    job->reason = j.value("reason", std::string());
    job->submitted_at = j.value("submitted_at", std::int64_t{0});
    job->decided_at = j.value("decided_at", std::int64_t{0});
    job->payload_sha256 = j.value("payload_sha256", std::string());
    job->sites = j.value("sites", std::vector<std::string>{});
    job->trust_set = j.value("trust_set", std::string());
    const nlohmann::json excluded = j.value("excluded", nlohmann::json::object());
    for (const auto& [site, e] : excluded.items())
      job->excluded[site] = {e.value("stage", std::string()), e.value("reason", std::string()),
                             e.value("failed", std::vector<std::string>{})};
    const nlohmann::json deliveries = j.value("delivery", nlohmann::json::object());
    for (const auto& [site, d] : deliveries.items())
      job->delivery[site] = {d.value("state", std::string("pending")), d.value("reason", std::string()), d.value("tries", 0)};
    const nlohmann::json keys = j.value("job_keys", nlohmann::json::object());
    for (const auto& [site, hex] : keys.items()) {
      auto key = crypto::hex_decode(hex.get<std::string>());
      if (!key || key->size() != crypto::hpke::kPublicKeySize) return make_error("job record: job_keys." + site + " is not 32 bytes of hex");
      job->job_keys[site] = std::move(*key);
    }
    const nlohmann::json digests = j.value("evidence_sha256", nlohmann::json::object());
    if (!digests.is_object()) return make_error("job record: evidence_sha256 is not an object");
    for (const auto& [site, hex] : digests.items()) {
      // Lowercase only: receipts compare the digest as text.
      const auto text = hex.is_string() ? hex.get<std::string>() : std::string();
      if (!wire::is_lower_hex(text, 64))
        return make_error("job record: evidence_sha256." + site + " is not a SHA-256 in lowercase hex");
      job->evidence[site] = text;
    }
    return job;
  } catch (const nlohmann::json::exception& e) {
    return make_error(std::string("job record: ") + e.what());
  }
}

void ServerRuntime::Impl::save_job(const JobRun& job) {
  if (auto st = store.save_job(job.spec.id, job.to_json()); !st) spdlog::error("server: {}", st.message());
}

net::Message ServerRuntime::Impl::handle_submit(const net::Delivery& d) {
  auto request = parse_submit(d.message);
  if (!request) return error_reply(request.message());
  auto spec = parse_job_spec(request->spec_toml, "submitted-job.toml");
  if (!spec) return error_reply(spec.message());
  if (jobs.count(spec->id)) return error_reply("job '" + spec->id + "' already exists");
  auto job = std::make_shared<JobRun>();
  job->spec = *spec;
  job->submitted_at = now();
  const Bytes payload = d.message.blobs.empty() ? Bytes{} : d.message.blobs[0];
  if (auto st = store.store_payload(job->spec.id, payload); !st) return error_reply("cannot store payload");
  job->payload_sha256 = crypto::hex_encode(crypto::sha256(payload));
  if (auto st = record("job.submitted", {{"job", job->spec.id}, {"by", d.peer.name}, {"spec", job->to_json()["spec"]},
                                         {"payload_sha256", job->payload_sha256}, {"payload_bytes", payload.size()}});
      !st)
    return error_reply("server cannot record the job");
  jobs[job->spec.id] = job;
  save_job(*job);
  publish("job.submitted", {{"job", job->spec.id}, {"by", d.peer.name}});
  metrics::Registry::process().add(metrics::kJobsSubmitted, {});
  boost::asio::post(io, [this, job] { guarded(job, "start", [&] { start_attempt(job); }); });
  return reply_to("submitted", {{"job_id", job->spec.id}});
}

// An admin ends a job that has not ended: recorded first, then concluded "failed" like any
// other ending (timers cancelled, late replies of its phases dropped by their seq).
net::Message ServerRuntime::Impl::handle_abort(const net::Delivery& d) {
  auto request = parse_abort(d.message);
  if (!request) return error_reply(request.message());
  auto it = jobs.find(request->job_id);
  if (it == jobs.end()) return error_reply("no job '" + request->job_id + "'");
  const auto job = it->second;
  if (job->terminal()) return error_reply("job " + job->spec.id + " has already ended: " + job->state);
  if (auto st = record("job.abort_requested", {{"job", job->spec.id}, {"by", d.peer.name}, {"reason", request->reason}}); !st)
    return error_reply("cannot record the abort in the audit log: " + st.message());
  conclude(job, "failed", "aborted by " + d.peer.name + (request->reason.empty() ? "" : ": " + request->reason));
  return reply_to("aborted", job->to_json());
}

void ServerRuntime::Impl::start_attempt(const std::shared_ptr<JobRun>& job) {
  job->attempts += 1;
  job->excluded.clear();
  job->verified.clear();
  job->job_keys.clear();
  job->evidence.clear();
  job->votes.clear();
  job->contributions.clear();
  job->nonce.clear();
  job->dropped_mutual.clear();
  job->trust_set.clear();
  job->state = "verifying";
  spdlog::info("server: job {} attempt {}", job->spec.id, job->attempts);
  std::vector<std::string> candidates;
  for (const auto& site : job->spec.deploy_map) {
    auto it = sites.find(site);
    if (is_revoked(site))
      job->excluded[site] = {"revocation", "revoked: " + revocations->entry_for(site)->reason, {"revocation.revoked"}};
    else if (it == sites.end() || !it->second.registered)
      job->excluded[site] = {"registration", "not registered", {}};
    else if (!it->second.connected_this_session)
      // Registered before a restart but silent since: this process has no route to it yet, so a
      // challenge would be dropped and the job would wait request_timeout for nothing.
      job->excluded[site] = {"registration", "not reconnected since the server started", {}};
    else if (it->second.quarantined)
      job->excluded[site] = {"quarantine", "quarantined: " + it->second.quarantine_reason, it->second.last_failed};
    else if (auto silent = silent_for(it->second, std::chrono::steady_clock::now()))
      job->excluded[site] = {"liveness", "unreachable: no message for " + std::to_string(silent->count()) +
                                             " ms (heartbeats every " +
                                             std::to_string(it->second.heartbeat_interval.count()) + " ms)", {}};
    else
      candidates.push_back(site);
  }
  contribution_phase(job, candidates);
}

// Phase 1 (PROTOCOL.md v2, "Job freshness"): every candidate contributes 32 random bytes; so
// does the server. The job nonce commits to all of them, so each relying party can check for
// itself that evidence bound to it is fresh.
void ServerRuntime::Impl::contribution_phase(const std::shared_ptr<JobRun>& job, const std::vector<std::string>& candidates) {
  job->contributions[config.name] = crypto::random_bytes(kContributionSize);
  job->challenged_at = now();
  begin_phase(job, "contribution", candidates, config.request_timeout + kPhaseGrace, [this, job] { attestation_phase(job); });
  for (const auto& site : candidates) {
    ask_in_phase(job, site, net::make_message("contribute", config.name, {{"job_id", job->spec.id}}),
                 [job, site](const net::Message& reply) -> Status {
                   auto c = parse_contribution(reply);
                   if (!c) return make_error("malformed contribution: " + c.message());
                   if (c->job_id != job->spec.id) return make_error("contribution for another job '" + c->job_id + "'");
                   job->contributions[site] = std::move(c->contribution);
                   return {};
                 });
  }
}

// Phase 2: fresh evidence from every contributor, bound to the job nonce, appraised with the
// server's policy. Only that exact nonce answers this challenge.
void ServerRuntime::Impl::attestation_phase(const std::shared_ptr<JobRun>& job) {
  std::vector<std::string> contributors;
  for (const auto& [name, unused] : job->contributions)
    if (name != config.name) contributors.push_back(name);
  auto nonce = compute_job_nonce(job->spec.id, job->contributions);
  if (!nonce) {
    attempt_failed(job, nonce.message());
    return;
  }
  job->nonce = *nonce;
  begin_phase(job, "attestation", contributors, config.request_timeout + kPhaseGrace, [this, job] { peer_phase(job); });
  const auto contributions = contributions_json(job->contributions);
  for (const auto& site : contributors) {
    auto msg = net::make_message("challenge", config.name,
                                 {{"purpose", "job"},
                                  {"job_id", job->spec.id},
                                  {"nonce", crypto::hex_encode(job->nonce)},
                                  {"contributions", contributions}});
    ask_in_phase(job, site, std::move(msg), [this, job, site](const net::Message& reply) -> Status {
      auto evidence = parse_evidence(reply);
      if (!evidence) return make_error("bad bundle: " + evidence.message());
      auto& bundle = evidence->bundle;
      if (bundle.nonce != job->nonce) {
        // Another nonce of this site (a registration's, an earlier job's) does not answer this
        // challenge, however valid it is otherwise.
        job->excluded[site] = {"attestation", "the bundle answers another challenge, not this job's nonce",
                               {"binding.nonce"}};
        return {};
      }
      // Binding v2 with a job key is required: the payload will be sealed to that key only.
      Appraisal appraisal = appraise_site(bundle, site, job->challenged_at, /*require_job_key=*/true);
      publish("job.deploy.verify", {{"job", job->spec.id}, {"site", site}, {"accept", appraisal.accept}});
      nlohmann::json fields = {{"job", job->spec.id}, {"site", site}, {"accept", appraisal.accept},
                               {"failed", appraisal.failed_rules}, {"detail", appraisal.detail}};
      attach_ear(fields, config.ear_signer, site, appraisal, job->nonce);
      audit_note("job.verify", fields);
      auto& rec = sites[site];
      rec.last_attested_at = now();
      rec.last_accept = appraisal.accept;
      rec.last_failed = appraisal.failed_rules;
      if (appraisal.accept) {
        job->job_keys[site] = bundle.job_key;
        job->evidence[site] = evidence_digest(bundle);  // what this site's receipt must name
        job->verified[site] = std::move(bundle);
      }
      else
        job->excluded[site] = {"attestation", "rejected by the server's policy", appraisal.failed_rules};
      return {};
    });
  }
}

// Phase 3: every verified site appraises every other verified site and the server, against
// the job nonce it recomputes from the contributions itself.
void ServerRuntime::Impl::peer_phase(const std::shared_ptr<JobRun>& job) {
  if (static_cast<std::int64_t>(job->verified.size()) < job->spec.min_sites) {
    attempt_failed(job, "min_sites not met: " + std::to_string(job->verified.size()) +
                            " site(s) passed attestation, job needs " + std::to_string(job->spec.min_sites));
    return;
  }
  auto own = attestor.produce(job->nonce);
  if (!own) {
    attempt_failed(job, "server cannot produce evidence: " + own.message());
    return;
  }
  std::vector<std::string> voters;
  for (const auto& [site, unused] : job->verified) voters.push_back(site);
  begin_phase(job, "peer-vote", voters, config.request_timeout + kPhaseGrace, [this, job] { decide(job); });
  const auto contributions = contributions_json(job->contributions);
  // Every voter gets every bundle but its own: each bundle's header is built, and its tokens
  // are held, once for all of them (the tokens go out by reference, not one copy per voter).
  struct Prepared {
    std::string name;
    nlohmann::json header;
    std::vector<std::shared_ptr<const Bytes>> blobs;
  };
  std::vector<Prepared> prepared;
  auto prepare = [&prepared](const attest::EvidenceBundle& b) {
    Prepared p{b.name, attest::bundle_header(b), {}};
    for (auto& blob : attest::bundle_blobs(b)) p.blobs.push_back(std::make_shared<const Bytes>(std::move(blob)));
    prepared.push_back(std::move(p));
  };
  prepare(*own);
  for (const auto& [peer, bundle] : job->verified) prepare(bundle);
  for (const auto& voter : voters) {
    nlohmann::json headers = nlohmann::json::array();
    std::vector<std::shared_ptr<const Bytes>> blobs;
    std::set<std::string> asked;  // whom this voter may vote on
    for (std::size_t i = 0; i < prepared.size(); ++i) {
      const auto& p = prepared[i];
      if (i > 0 && p.name == voter) continue;  // [0] is the server's own bundle
      headers.push_back(p.header);
      blobs.insert(blobs.end(), p.blobs.begin(), p.blobs.end());
      asked.insert(p.name);
    }
    auto msg = net::make_message("peer_verify", config.name,
                                 {{"job_id", job->spec.id}, {"contributions", contributions}, {"bundles", headers}});
    msg.shared_blobs = std::move(blobs);
    ask_in_phase(job, voter, std::move(msg), [this, job, voter, asked](const net::Message& reply) -> Status {
      auto vote = parse_vote(reply);
      if (!vote) return make_error("malformed vote: " + vote.message());
      if (vote->job_id != job->spec.id) return make_error("malformed vote: a vote for another job '" + vote->job_id + "'");
      for (const auto& [peer, unused] : vote->votes)
        if (!asked.count(peer)) return make_error("malformed vote: it names '" + peer + "', which it was not asked about");
      nlohmann::json record_votes = nlohmann::json::object();
      for (const auto& [peer, v] : vote->votes) record_votes[peer] = {{"accept", v.accept}, {"failed", v.failed}};
      job->votes[voter] = std::move(vote->votes);
      publish("job.deploy.peer_verify", {{"job", job->spec.id}, {"site", voter}, {"votes", record_votes}});
      audit_note("job.vote", {{"job", job->spec.id}, {"site", voter}, {"votes", record_votes}});
      return {};
    });
  }
}

namespace {

using VotesOf = std::map<std::string, PeerVote>;

bool vote_accepts(const VotesOf& votes, const std::string& peer) {
  auto it = votes.find(peer);
  return it != votes.end() && it->second.accept;
}

std::vector<std::string> vote_failed(const VotesOf& votes, const std::string& peer) {
  auto it = votes.find(peer);
  if (it == votes.end()) return {"vote.missing"};
  return it->second.failed;
}

}  // namespace

// Phase 4: resolve trust, then resources and min_sites; then deliver.
void ServerRuntime::Impl::decide(const std::shared_ptr<JobRun>& job) {
  std::vector<std::string> voters;
  for (const auto& [site, votes] : job->votes) {
    if (!vote_accepts(votes, config.name)) {
      job->excluded[site] = {"peer-vote", "declines the server", vote_failed(votes, config.name)};
      continue;
    }
    voters.push_back(site);
  }
  if (attestor.failure_policy().peer_trust == "mutual") {
    resolve_mutual_trust(job, std::move(voters));
    return;
  }
  std::vector<std::string> trusted;
  // NVFlare semantics: a site that distrusts anyone declines the job and is excluded.
  for (const auto& site : voters) {
    std::string declined;
    std::vector<std::string> failed;
    for (const auto& peer : voters) {
      if (peer == site || vote_accepts(job->votes[site], peer)) continue;
      declined += (declined.empty() ? "" : ", ") + peer;
      for (auto& f : vote_failed(job->votes[site], peer))
        if (std::find(failed.begin(), failed.end(), f) == failed.end()) failed.push_back(f);  // once each
    }
    if (declined.empty())
      trusted.push_back(site);
    else
      job->excluded[site] = {"peer-vote", "declines " + declined, failed};
  }
  schedule_and_deploy(job, trusted);
}

// The largest mutually trusting set is a maximum-clique search: bounded (TrustSetLimits), and
// run on a worker so that a hostile vote pattern cannot stall heartbeats, status and every
// other job on the io thread. The worker sees only a copy of the votes; the result comes back
// to the io thread, where it is dropped if the attempt it was computed for is over.
void ServerRuntime::Impl::resolve_mutual_trust(const std::shared_ptr<JobRun>& job, std::vector<std::string> voters) {
  std::map<std::string, std::set<std::string>> accepts;  // voter -> peers it accepts
  for (const auto& a : voters)
    for (const auto& b : voters)
      if (a != b && vote_accepts(job->votes[a], b)) accepts[a].insert(b);
  const int attempt = job->attempts;
  // The worker names the io_context itself, never this runtime: it may run on after the
  // runtime is gone (cchost run destroys the server before the bus joins its pool).
  auto work = [this, &io = io, job, attempt, voters = std::move(voters), accepts = std::move(accepts),
               limits = config.trust_set_limits, alive = std::weak_ptr<char>(alive)]() mutable {
    auto trusts = [&accepts](const std::string& a, const std::string& b) {
      auto it = accepts.find(a);
      return it != accepts.end() && it->second.count(b) != 0;
    };
    auto result = std::make_shared<TrustSetResult>(largest_mutual_trust_set(voters, trusts, limits));
    boost::asio::post(io, [this, job, attempt, result, alive] {
      if (alive.expired() || job->attempts != attempt || job->state != "verifying") return;
      guarded(job, "trust-set", [&] { apply_mutual_trust(job, *result); });
    });
  };
  if (config.run_off_io) {
    config.run_off_io(std::move(work));
    return;
  }
  if (!workers) workers = std::make_unique<boost::asio::thread_pool>(1);
  boost::asio::post(*workers, std::move(work));
}

void ServerRuntime::Impl::apply_mutual_trust(const std::shared_ptr<JobRun>& job, const TrustSetResult& result) {
  auto trusts = [&](const std::string& a, const std::string& b) { return vote_accepts(job->votes[a], b); };
  job->trust_set = result.method;
  if (!result.exact)
    spdlog::warn("server: job {}: trust set {}", job->spec.id, result.method);
  for (const auto& [site, why] : result.dropped) {
    // Name the rules that made the members distrust the dropped site.
    std::vector<std::string> failed;
    for (const auto& m : result.members)
      if (!trusts(m, site))
        for (auto& f : vote_failed(job->votes[m], site))
          if (std::find(failed.begin(), failed.end(), f) == failed.end()) failed.push_back(f);  // once each
    job->excluded[site] = {"peer-trust", why, failed};
    job->dropped_mutual.push_back(site);
  }
  schedule_and_deploy(job, result.members);
}

void ServerRuntime::Impl::schedule_and_deploy(const std::shared_ptr<JobRun>& job, const std::vector<std::string>& trusted) {
  std::map<std::string, std::map<std::string, std::int64_t>> available;
  for (const auto& site : trusted) available[site] = sites[site].resources;
  auto outcome = schedule(job->spec, trusted, available);
  for (const auto& [site, why] : outcome.excluded) job->excluded[site] = {"resources", why, {}};
  if (!outcome.deployable) {
    attempt_failed(job, outcome.reason);
    return;
  }
  job->sites = outcome.sites;
  deliver(job);
}

void ServerRuntime::Impl::attempt_failed(const std::shared_ptr<JobRun>& job, const std::string& reason) {
  spdlog::warn("server: job {} attempt {} failed: {}", job->spec.id, job->attempts, reason);
  audit_note("job.attempt_failed", {{"job", job->spec.id}, {"attempt", job->attempts}, {"reason", reason}});
  if (job->attempts <= job->spec.retries) {
    job->reason = reason;
    save_job(*job);
    job->retry_timer = std::make_unique<boost::asio::steady_timer>(io);
    job->retry_timer->expires_after(std::chrono::milliseconds(retry_backoff_ms(job->attempts)));
    job->retry_timer->async_wait([this, job](const boost::system::error_code& ec) {
      if (!ec) guarded(job, "retry", [&] { start_attempt(job); });
    });
    return;
  }
  conclude(job, "failed", reason);
}

// The audit entry is fsync'd before job.json is saved (conclude, deliver), so a kill between the
// two leaves job.json behind the log. Trusting job.json would start a new attempt and record a
// second job.decided for a job already decided; the log is the later word, so it wins.
void ServerRuntime::Impl::adopt_recorded_outcome(std::shared_ptr<JobRun>& job, const RecordedOutcome& outcome) {
  auto recorded = JobRun::from_json(outcome.entry);
  if (!recorded) {
    spdlog::error("server: job {}: the audit log's {} entry is unreadable: {}", job->spec.id, outcome.type,
                  recorded.message());
    return;
  }
  auto& r = *recorded;
  // A decision of an earlier job under the same id (its folder removed, the id submitted
  // again) is not this job's.
  if (r->submitted_at != job->submitted_at || r->payload_sha256 != job->payload_sha256) return;
  if (!r->terminal() && r->state != "delivering") return;  // not an outcome
  bool changed = false;
  // job.json "delivering" was saved after job.decided "delivering" and may hold acks: keep it.
  if (!(job->state == "delivering" && r->state == "delivering")) {
    job = r;
    changed = true;
  }
  // Acks recorded (job.deployed) but not yet saved to job.json.
  if (job->state == "delivering")
    for (const auto& site : outcome.deployed)
      if (auto d = job->delivery.find(site); d != job->delivery.end() && d->second.state != "deployed") {
        d->second.state = "deployed";
        d->second.reason.clear();
        changed = true;
      }
  if (!changed) return;
  spdlog::warn("server: job {}: job.json lagged behind the audit log; adopting its {} ({})", job->spec.id,
               outcome.type, job->state);
  audit_note("job.recovered", {{"job", job->spec.id}, {"state", job->state}, {"from", outcome.type},
                               {"from_seq", outcome.entry.value("seq", std::uint64_t{0})}});
  save_job(*job);
}

// After a restart: an attempt that was verifying starts again; a delivery that was not
// acknowledged everywhere is resumed (never shown as deployed on the old say-so). Both wait
// for the sites to reconnect and re-register (their heartbeats tell them the server restarted).
void ServerRuntime::Impl::resume_job(const std::shared_ptr<JobRun>& job) {
  if (job->terminal()) return;
  job->retry_timer = std::make_unique<boost::asio::steady_timer>(io);
  job->retry_timer->expires_after(std::chrono::seconds(3));
  job->retry_timer->async_wait([this, job](const boost::system::error_code& ec) {
    if (ec) return;
    guarded(job, "resume", [&] {
      if (job->state == "delivering")
        deliver(job);
      else
        start_attempt(job);
    });
  });
  spdlog::info("server: resuming job {} ({}) after restart", job->spec.id, job->state);
}

}  // namespace cchost::job
