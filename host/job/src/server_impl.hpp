#pragma once
// Internal state of ServerRuntime, shared by its files: server_runtime.cpp (wiring,
// registration, status), server_jobs.cpp (deployment), server_reattest.cpp (re-attestation).
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "cchost/job/identity_key.hpp"
#include "cchost/job/job_spec.hpp"
#include "cchost/job/server_runtime.hpp"
#include "cchost/job/trust_set.hpp"
#include "cchost/net/flood_control.hpp"
#include "cchost/net/reply_cache.hpp"
#include "cchost/net/throttled_reporter.hpp"

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
};

struct Exclusion {
  std::string stage;                  // "registration" | "attestation" | "peer-vote" | "resources" | ...
  std::string reason;
  std::vector<std::string> failed;    // rule ids, when a policy decided
};

struct JobRun {
  JobSpec spec;
  std::string state = "verifying";    // verifying | deployed | failed
  int attempts = 0;
  std::string reason;
  std::int64_t submitted_at = 0;
  std::int64_t decided_at = 0;
  std::vector<std::string> sites;     // final set
  std::map<std::string, Exclusion> excluded;
  std::vector<std::string> dropped_mutual;  // dropped by the mutual-trust computation
  std::string trust_set;              // how the mutual-trust set was found: "exact" | "greedy (why)"
  // Per-attempt scratch:
  std::map<std::string, attest::EvidenceBundle> verified;
  std::map<std::string, nlohmann::json> votes;  // site -> {peer: {accept, failed}}
  std::size_t outstanding = 0;
  std::unique_ptr<boost::asio::steady_timer> retry_timer;

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
  Appraisal appraise_site(const attest::EvidenceBundle& bundle, const std::string& site);
  Status record(const std::string& type, const nlohmann::json& fields);  // durable, checked
  void audit_note(const std::string& type, const nlohmann::json& fields) { (void)record(type, fields); }
  void publish(const std::string& event, const nlohmann::json& payload);
  void save_registry();
  void load_state();
  std::int64_t now() const;

  // server_jobs.cpp
  net::Message handle_submit(const net::Delivery& d);
  void start_attempt(const std::shared_ptr<JobRun>& job);
  void collect_evidence(const std::shared_ptr<JobRun>& job);
  void peer_phase(const std::shared_ptr<JobRun>& job);
  void decide(const std::shared_ptr<JobRun>& job);
  void resolve_mutual_trust(const std::shared_ptr<JobRun>& job, std::vector<std::string> voters);
  void apply_mutual_trust(const std::shared_ptr<JobRun>& job, const TrustSetResult& result);
  void schedule_and_deploy(const std::shared_ptr<JobRun>& job, const std::vector<std::string>& trusted);
  void attempt_failed(const std::shared_ptr<JobRun>& job, const std::string& reason);
  void deploy(const std::shared_ptr<JobRun>& job);
  void save_job(const JobRun& job);

  // server_floods.cpp
  std::optional<std::string> rate_limited(const net::Delivery& d);  // the refusal reason, if any
  // `log` false: the caller (host/net) has logged it already, rate-limited.
  void note_refusal(const std::string& peer, const std::string& kind, const std::string& detail, bool log = true);
  bool record_rejection_now(const std::string& site, const nlohmann::json& failed);
  void audit_refusal_summary(const net::Throttle::Summary& s);
  void audit_rejection_summary(const net::Throttle::Summary& s);

  // server_reattest.cpp
  void schedule_reattest();
  void reattest_all();
  void quarantine(const std::string& site, const std::string& reason, const std::vector<std::string>& failed);
};

}  // namespace cchost::job
