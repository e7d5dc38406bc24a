#pragma once
// What a site does with each message the server pushes (PROTOCOL.md v2): one table of
// {type, schema, handler}, so no handler ever sees a message that failed its schema, and a
// handler that fails or throws is answered with an error naming why. The site's side of job
// freshness lives here: its contribution to each job nonce, the check that what it signs and
// what it appraises is bound to a nonce committing to that contribution, and evidence age
// measured from when it contributed.
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "cchost/crypto/hpke.hpp"
#include "cchost/crypto/signing_key.hpp"
#include "cchost/job/attestor.hpp"
#include "cchost/job/state_store.hpp"
#include "job_messages.hpp"

namespace cchost::job {

struct SitePushContext {
  std::string name;                    // this site
  std::string server_name;
  std::optional<Bytes> server_key;     // raw CURVE key of the server, from the kit
  Attestor& attestor;
  StateStore& store;
  std::function<void(const std::string& type, const nlohmann::json& fields)> note;       // audit
  std::function<void(const std::string& event, const nlohmann::json& payload)> publish;  // bus
  std::function<void(const std::string& reason)> stop;                                   // shutdown
  std::shared_ptr<const crypto::SigningKey> receipt_signer;  // signs each stored payload's receipt
  // Peer appraisals are CPU-bound (one signature check or more per peer): with `run_off_io`
  // they run on its workers, in parallel, and the vote is handed to `send` from the io thread
  // (`post_to_io`). It must run work on threads other than the io thread (the bus's
  // verification pool). Unset: appraised inline and the vote is handle()'s reply.
  std::function<void(std::function<void()> work)> run_off_io;
  std::function<void(std::function<void()> work)> post_to_io;
  std::function<void(net::Message reply)> send;
  // Signs the EAR attached to every "peer.appraisal" audit entry (the site's audit key,
  // host/ear); unset: the entries carry none.
  std::shared_ptr<const crypto::SigningKey> ear_signer = nullptr;
};

struct AppraisalWorkers;  // site_push_handler.cpp

class SitePushHandler {
 public:
  explicit SitePushHandler(SitePushContext context);
  // Waits for appraisals still running on workers: they use the attestor and this handler's
  // context, which the owner destroys next. Call it on the io thread, or with the io_context
  // stopped: the votes handed back check that the handler is alive on that thread.
  ~SitePushHandler();
  SitePushHandler(const SitePushHandler&) = delete;
  SitePushHandler& operator=(const SitePushHandler&) = delete;
  // The reply to send for `push` (corr set), or none: shutdown, or a vote that `send` will
  // carry once the workers have appraised every peer.
  std::optional<net::Message> handle(const net::Message& push);

 private:
  using Outcome = Result<std::optional<net::Message>>;
  struct Rule {
    std::string_view type;
    std::function<Outcome(SitePushHandler&, const net::Message&)> run;  // schema, then handler
  };
  template <class Request, class Handler>
  static Rule rule(std::string_view type, Result<Request> (*parse)(const net::Message&), Handler handle);

  Outcome on_contribute(const ContributeRequest& r);
  Outcome on_challenge(const Challenge& c);
  Outcome on_peer_verify(PeerVerifyRequest&& r);
  struct PeerAppraisals;  // one peer_verify's requests and appraisals (site_push_handler.cpp)
  net::Message vote_of(PeerAppraisals& batch);  // notes every appraisal, then the vote
  Outcome on_deploy(const DeployRequest& r);
  Outcome on_shutdown(const ShutdownRequest& r);
  Result<Receipt> sign_stored_receipt(const std::string& job_id, const std::string& payload_sha256);
  Result<Bytes> job_nonce_for(const std::string& job_id, const Contributions& given);

  struct OwnContribution {
    Bytes value;
    std::int64_t at = 0;  // when we drew it: our challenge time for every peer of this job
  };
  static constexpr std::size_t kRememberedJobs = 256;

  SitePushContext ctx_;
  std::string push_id_;  // of the push being handled: the corr of a vote sent later
  std::shared_ptr<AppraisalWorkers> workers_;  // batches not yet handed back (~SitePushHandler)
  std::set<std::string> appraising_;           // jobs whose peers are being appraised (io thread)
  std::shared_ptr<char> alive_ = std::make_shared<char>();  // results posted back check it
  std::map<std::string, OwnContribution> contributions_;  // job id -> ours
  std::deque<std::string> contribution_order_;
  // job id -> the ephemeral X25519 key pair bound into our evidence for that job (binding v2).
  // Memory only; wiped once the payload is opened, when the job is forgotten, or replaced by
  // a newer challenge of the same job.
  std::map<std::string, crypto::hpke::X25519KeyPair> job_keys_;
  // job id -> evidence_digest() of the bundle we answered that job's challenge with, which
  // our receipt names (replaced with the key by a newer challenge of the same job).
  std::map<std::string, std::string> job_evidence_;
  // job id -> the ack we sent for its stored payload (with its receipt), kept for the last
  // kRememberedJobs jobs: a deploy repeated because our ack was lost, or refused by the
  // server, is answered with the same ack, since the job key that opened it is gone.
  std::map<std::string, nlohmann::json> acks_;
  std::deque<std::string> ack_order_;
  void remember_ack(const std::string& job_id, nlohmann::json ack);
  void forget_job(const std::string& job_id);
};

}  // namespace cchost::job
