#pragma once
// Internal state of ServerRuntime, shared by its files: server_runtime.cpp (wiring,
// registration, status), server_jobs.cpp (a job attempt: contributions, attestation, votes,
// trust), server_job_phase.cpp (phase deadlines and guarded replies), server_delivery.cpp
// (payload delivery acknowledged by SHA-256), server_reattest.cpp (re-attestation).
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <spdlog/spdlog.h>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "cchost/job/identity_key.hpp"
#include "cchost/job/job_nonce.hpp"
#include "cchost/job/job_spec.hpp"
#include "cchost/job/revocation_list.hpp"
#include "cchost/job/server_runtime.hpp"
#include "cchost/job/trust_set.hpp"
#include "cchost/net/flood_control.hpp"
#include "cchost/net/reply_cache.hpp"
#include "cchost/net/throttled_reporter.hpp"
#include "job_messages.hpp"
#include "recorded_outcomes.hpp"

namespace cchost::job {

struct SiteRecord {
  bool registered = false;
  bool quarantined = false;
  std::string quarantine_reason;
  std::int64_t last_attested_at = 0;
  bool last_accept = false;
  std::vector<std::string> last_failed;
  std::map<std::string, std::int64_t> resources;
  bool connected_this_session = false;  // has talked to this server process (route known)
  std::int64_t last_seen = 0;            // unix time of its latest message to this process; 0: none
  std::chrono::steady_clock::time_point last_heard{};  // the same, monotonic, for liveness
  std::chrono::milliseconds heartbeat_interval{0};     // as its heartbeats say; 0: not known yet
};

// A site that has said how often it heartbeats and then missed this many in a row, and has
// been silent at least kMinSilenceForUnreachable, is "unreachable" (a hung host keeps its TCP
// connection, so ZeroMQ reports nothing): status shows it and a job excludes it at once instead
// of waiting its request timeout. The floor keeps a loaded machine's late heartbeats (tests
// beat every 200 ms) from reading as a dead site; at the default 2 s it is not reached.
inline constexpr int kMissedHeartbeatsForUnreachable = 3;
inline constexpr std::chrono::milliseconds kMinSilenceForUnreachable{5000};
std::optional<std::chrono::milliseconds> silent_for(const SiteRecord& site, std::chrono::steady_clock::time_point now);

struct Exclusion {
  std::string stage;                  // "registration" | "attestation" | "peer-vote" | "resources" | ...
  std::string reason;
  std::vector<std::string> failed;    // rule ids, when a policy decided
};

// Where one site's copy of the payload stands. Only an ack naming the payload's SHA-256 makes
// it "deployed" (issue 9, defect 4: a dropped deploy used to show "deployed" forever).
struct SiteDelivery {
  std::string state = "pending";      // pending | deployed | failed
  std::string reason;                 // why not (yet) deployed: the last try's outcome
  int tries = 0;
};

// One phase of a job attempt: who has yet to answer, and a deadline after which they are
// excluded and the attempt goes on. `seq` changes with every phase, so a reply that arrives
// after its phase ended (late, or from an earlier attempt) is recognised and dropped.
struct JobPhase {
  std::string name;                   // contribution | attestation | peer-vote | delivery
  std::uint64_t seq = 0;
  std::set<std::string> awaiting;
  std::unique_ptr<boost::asio::steady_timer> deadline;
  std::function<void()> next;
};

struct JobRun {
  JobSpec spec;
  std::string state = "verifying";    // verifying | delivering | deployed | failed (the last two are terminal)
  int attempts = 0;
  std::string reason;
  std::int64_t submitted_at = 0;
  std::int64_t decided_at = 0;
  std::string payload_sha256;         // hex; what every site must acknowledge
  std::vector<std::string> sites;     // final set (after delivery: the sites that acknowledged)
  std::map<std::string, Exclusion> excluded;
  std::map<std::string, SiteDelivery> delivery;
  // site -> the job key (X25519 public, binding v2) its accepted evidence bound; the payload is
  // sealed to it. Public values, kept in job.json so that a restarted server resumes delivery.
  std::map<std::string, Bytes> job_keys;
  // site -> evidence_digest() (hex) of the bundle the server accepted from it in this job: the
  // digest its receipt must name. Kept in job.json with the keys, for a resumed delivery.
  std::map<std::string, std::string> evidence;
  std::vector<std::string> dropped_mutual;  // dropped by the mutual-trust computation
  std::string trust_set;              // how the mutual-trust set was found: "exact" | "greedy (why)"
  // Per-attempt scratch:
  Contributions contributions;        // the server's and every answering site's
  Bytes nonce;                        // compute_job_nonce(id, contributions)
  std::int64_t challenged_at = 0;     // when the server drew its contribution: evidence age starts here
  std::map<std::string, attest::EvidenceBundle> verified;
  std::map<std::string, std::map<std::string, PeerVote>> votes;  // voter -> peer -> vote
  JobPhase phase;
  std::unique_ptr<boost::asio::steady_timer> retry_timer;
  std::map<std::string, std::unique_ptr<boost::asio::steady_timer>> delivery_retry;

  bool terminal() const { return state == "deployed" || state == "failed"; }
  void cancel_timers();
  nlohmann::json to_json() const;
  static Result<std::shared_ptr<JobRun>> from_json(const nlohmann::json& j);
};

struct PendingReply {
  std::string site;
  std::unique_ptr<boost::asio::steady_timer> timer;
  std::function<void(Result<net::Message>)> done;
};

struct ServerRuntime::Impl {
  Impl(boost::asio::io_context& io_, ServerRuntimeConfig config_, Attestor& attestor_, StateStore& store_,
       attest::NonceRegistry& nonces_, AuditSink audit_)
      : io(io_), config(std::move(config_)), attestor(attestor_), store(store_), nonces(nonces_),
        audit(std::move(audit_)), reattest_timer(io_), rng(std::random_device{}()) {}

  boost::asio::io_context& io;
  ServerRuntimeConfig config;
  Attestor& attestor;
  StateStore& store;
  attest::NonceRegistry& nonces;
  AuditSink audit;
  std::unique_ptr<net::Server> server;
  std::string session;
  std::map<std::string, std::string> key_by_name;  // participant -> Z85 key (from the allow-list)
  std::map<std::string, SiteRecord> sites;
  std::map<std::string, PendingReply> pending;     // pushed message id -> waiter
  std::map<std::string, std::shared_ptr<JobRun>> jobs;
  boost::asio::steady_timer reattest_timer;
  std::mt19937_64 rng;
  net::ReplyCache reply_cache{4096};
  // CPU-bound work off the io thread (the trust-set search) when config.run_off_io is unset.
  std::unique_ptr<boost::asio::thread_pool> workers;
  // Results posted back from workers check this first: the runtime may be gone by then.
  std::shared_ptr<char> alive = std::make_shared<char>();
  // server_floods.cpp: per peer and request type; a burst of 5, then one per 10 s.
  net::RateLimiter request_limiter{{.burst = 5, .per_second = 0.1}};
  net::ThrottledReporter refusal_audit{io, {.burst = 3, .interval = std::chrono::seconds(60)},
                                       [this](const net::Throttle::Summary& s) { audit_refusal_summary(s); }};
  net::ThrottledReporter rejection_audit{io, {.burst = 1, .interval = std::chrono::minutes(10)},
                                         [this](const net::Throttle::Summary& s) { audit_rejection_summary(s); }};
  // Replies nobody waits for (late, duplicated, another site's corr) are dropped; their log
  // lines are rate-limited per peer, so a site cannot fill the server's log with them.
  net::ThrottledReporter unexpected_replies{io, {.burst = 5, .interval = std::chrono::seconds(60)},
                                            [](const net::Throttle::Summary& s) {
                                              spdlog::warn("server: dropped {} more unexpected repl(ies) from {} in the last {}; latest: {}",
                                                           s.suppressed, s.key, net::interval_text(s.interval), s.last_detail);
                                            }};
  std::uint64_t phase_counter = 0;  // numbers job phases (JobPhase::seq)
  // site -> hex of the server_nonce of its latest `register`: the only nonce that answers its
  // register.evidence (not a re-attestation's, not an older registration's).
  std::map<std::string, std::string> registration_nonce;

  // server_runtime.cpp
  Status start();
  void on_message(const net::Delivery& d);
  net::Message handle_register(const net::Delivery& d);
  net::Message handle_register_evidence(const net::Delivery& d);
  net::Message handle_register_abort(const net::Delivery& d);
  net::Message handle_heartbeat(const net::Delivery& d);
  net::Message handle_server_attest(const net::Delivery& d);
  net::Message handle_status(const net::Delivery& d);
  net::Message reply_to(const std::string& type, nlohmann::json body = nlohmann::json::object());
  net::Message error_reply(const std::string& reason);
  void push_request(const std::string& site, net::Message message, std::function<void(Result<net::Message>)> done);
  Result<attest::EvidenceBundle> bundle_from(const net::Message& m, const char* field);
  // challenged_at: when we challenged (default: the issue time of the bundle's nonce, from the registry).
  Appraisal appraise_site(const attest::EvidenceBundle& bundle, const std::string& site,
                          std::optional<std::int64_t> challenged_at = std::nullopt, bool require_job_key = false);
  Status record(const std::string& type, const nlohmann::json& fields);  // durable, checked
  void audit_note(const std::string& type, const nlohmann::json& fields) { (void)record(type, fields); }
  void publish(const std::string& event, const nlohmann::json& payload);
  void save_registry();
  void load_state();
  std::int64_t now() const;

  // server_jobs.cpp
  net::Message handle_submit(const net::Delivery& d);
  net::Message handle_abort(const net::Delivery& d);
  net::Message handle_shutdown_request(const net::Delivery& d);
  void start_attempt(const std::shared_ptr<JobRun>& job);
  void contribution_phase(const std::shared_ptr<JobRun>& job, const std::vector<std::string>& candidates);
  void attestation_phase(const std::shared_ptr<JobRun>& job);
  void peer_phase(const std::shared_ptr<JobRun>& job);
  void decide(const std::shared_ptr<JobRun>& job);
  void resolve_mutual_trust(const std::shared_ptr<JobRun>& job, std::vector<std::string> voters);
  void apply_mutual_trust(const std::shared_ptr<JobRun>& job, const TrustSetResult& result);
  void schedule_and_deploy(const std::shared_ptr<JobRun>& job, const std::vector<std::string>& trusted);
  void attempt_failed(const std::shared_ptr<JobRun>& job, const std::string& reason);
  void save_job(const JobRun& job);
  void resume_job(const std::shared_ptr<JobRun>& job);  // after a restart
  // Before resume_job: a decision the audit log holds and job.json lacks (a crash between the
  // two writes) replaces `job`, so that it is never decided twice.
  void adopt_recorded_outcome(std::shared_ptr<JobRun>& job, const RecordedOutcome& outcome);

  // server_job_phase.cpp
  void begin_phase(const std::shared_ptr<JobRun>& job, const std::string& name, const std::vector<std::string>& sites,
                   std::chrono::milliseconds deadline, std::function<void()> next);
  // Sends `message` to `site` within the current phase; `on_reply` validates and records the
  // answer. No reply, an error reply, a reply `on_reply` refuses or a handler that throws
  // excludes the site (stage = the phase) with the reason; every outcome settles the site.
  void ask_in_phase(const std::shared_ptr<JobRun>& job, const std::string& site, net::Message message,
                    std::function<Status(const net::Message&)> on_reply);
  void settle(const std::shared_ptr<JobRun>& job, std::uint64_t seq, const std::string& site);
  // Runs one step of a job; an exception ends the job "failed" with the reason, never stuck.
  void guarded(const std::shared_ptr<JobRun>& job, const std::string& step, const std::function<void()>& fn);
  void conclude(const std::shared_ptr<JobRun>& job, const std::string& state, const std::string& reason);

  // server_delivery.cpp
  void deliver(const std::shared_ptr<JobRun>& job);
  void send_deploy(const std::shared_ptr<JobRun>& job, std::uint64_t seq, const std::string& site);
  void delivery_try_failed(const std::shared_ptr<JobRun>& job, std::uint64_t seq, const std::string& site,
                           const std::string& reason);
  void finish_delivery(const std::shared_ptr<JobRun>& job);
  Status check_site_receipt(const JobRun& job, const std::string& site, const Receipt& receipt);

  // server_floods.cpp
  std::optional<std::string> rate_limited(const net::Delivery& d);  // the refusal reason, if any
  // `log` false: the caller (host/net) has logged it already, rate-limited.
  void note_refusal(const std::string& peer, const std::string& kind, const std::string& detail, bool log = true);
  bool record_rejection_now(const std::string& site, const nlohmann::json& failed);
  void audit_refusal_summary(const net::Throttle::Summary& s);
  void audit_rejection_summary(const net::Throttle::Summary& s);

  // server_revocation.cpp: the signed list of revoked sites, kept in <workspace>/revocations.json.
  std::optional<RevocationList> revocations;
  Status load_revocations();            // before the net server exists: revoked keys never get in
  void quarantine_revoked();            // after load_state: revoked sites stay quarantined
  net::Message handle_revoke(const net::Delivery& d);
  void exclude_revoked_from_jobs(const std::string& site, const std::string& reason);
  void send_revocations(const std::string& site);  // the current list, when there is one
  bool is_revoked(const std::string& site) const { return revocations && revocations->revokes(site); }

  // server_reattest.cpp
  void schedule_reattest();
  void reattest_all();
  void quarantine(const std::string& site, const std::string& reason, const std::vector<std::string>& failed);
};

}  // namespace cchost::job
