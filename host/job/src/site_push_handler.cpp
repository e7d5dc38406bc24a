#include "site_push_handler.hpp"

#include "appraisal_ear.hpp"

#include <spdlog/spdlog.h>

#include <openssl/crypto.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>

#include "cchost/crypto/encoding.hpp"
#include "cchost/crypto/hash.hpp"
#include "cchost/crypto/random.hpp"
#include "appraisal_ear.hpp"
#include "payload_seal.hpp"

namespace cchost::job {
namespace {

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

net::Message error_to(const std::string& site, const std::string& reason) {
  return net::make_message(net::kErrorType, site, {{"reason", reason}});
}

}  // namespace

// How many batches of peer appraisals have not been handed back yet (tasks queued or running,
// or the vote being posted): the handler's destructor waits for none.
struct AppraisalWorkers {
  std::mutex mutex;
  std::condition_variable idle;
  std::size_t tasks = 0;
};

namespace {

// Held by a batch's completion (which every task of the batch shares): the count drops once
// the last task is gone, whether the tasks ran or their pool dropped them unrun.
class WorkerTicket {
 public:
  explicit WorkerTicket(std::shared_ptr<AppraisalWorkers> w) : w_(std::move(w)) {
    std::lock_guard lock(w_->mutex);
    ++w_->tasks;
  }
  ~WorkerTicket() {
    std::lock_guard lock(w_->mutex);
    if (--w_->tasks == 0) w_->idle.notify_all();
  }
  WorkerTicket(const WorkerTicket&) = delete;
  WorkerTicket& operator=(const WorkerTicket&) = delete;

 private:
  std::shared_ptr<AppraisalWorkers> w_;
};

}  // namespace

SitePushHandler::SitePushHandler(SitePushContext context)
    : ctx_(std::move(context)), workers_(std::make_shared<AppraisalWorkers>()) {}

SitePushHandler::~SitePushHandler() {
  std::unique_lock lock(workers_->mutex);
  workers_->idle.wait(lock, [this] { return workers_->tasks == 0; });
}

template <class Request, class Handler>
SitePushHandler::Rule SitePushHandler::rule(std::string_view type, Result<Request> (*parse)(const net::Message&),
                                            Handler handle) {
  return {type, [parse, handle](SitePushHandler& self, const net::Message& m) -> Outcome {
            auto request = parse(m);
            if (!request) return request.error();
            return (self.*handle)(std::move(*request));
          }};
}

// Every message the server may push, with its schema and handler (all come from the server:
// the client talks to no one else).
std::optional<net::Message> SitePushHandler::handle(const net::Message& push) {
  static const std::vector<Rule> rules = {
      rule("contribute", &parse_contribute, &SitePushHandler::on_contribute),
      rule("challenge", &parse_challenge, &SitePushHandler::on_challenge),
      rule("peer_verify", &parse_peer_verify, &SitePushHandler::on_peer_verify),
      rule("deploy", &parse_deploy, &SitePushHandler::on_deploy),
      rule("shutdown", &parse_shutdown, &SitePushHandler::on_shutdown),
  };
  Outcome outcome = make_error("unknown push type '" + push.type + "'");
  push_id_ = push.id;
  auto it = std::find_if(rules.begin(), rules.end(), [&](const Rule& r) { return r.type == push.type; });
  if (it != rules.end()) {
    try {
      outcome = it->run(*this, push);
    } catch (const std::exception& e) {
      outcome = make_error(std::string("the site could not handle it: ") + e.what());
    }
  }
  std::optional<net::Message> reply;
  if (!outcome) {
    spdlog::warn("site {}: refused {} from the server: {}", ctx_.name, push.type, outcome.message());
    reply = error_to(ctx_.name, outcome.message());
  } else {
    reply = std::move(*outcome);
  }
  if (reply) reply->corr = push.id;
  return reply;
}

// Job round 1 (PROTOCOL.md v2): our random contribution to the job nonce, kept (with when we
// drew it) so that we can check later that what we sign and appraise commits to it.
SitePushHandler::Outcome SitePushHandler::on_contribute(const ContributeRequest& r) {
  if (!contributions_.count(r.job_id)) contribution_order_.push_back(r.job_id);
  contributions_[r.job_id] = {crypto::random_bytes(kContributionSize), unix_now()};
  while (contributions_.size() > kRememberedJobs && !contribution_order_.empty()) {
    forget_job(contribution_order_.front());
    contribution_order_.pop_front();
  }
  return std::optional<net::Message>(net::make_message(
      "contribution", ctx_.name,
      {{"job_id", r.job_id}, {"contribution", crypto::hex_encode(contributions_[r.job_id].value)}}));
}

// The job nonce, recomputed by us from the contributions, after checking that ours is in it.
Result<Bytes> SitePushHandler::job_nonce_for(const std::string& job_id, const Contributions& given) {
  auto own = contributions_.find(job_id);
  if (own == contributions_.end()) return make_error("this site contributed nothing to job '" + job_id + "'");
  auto ours = given.find(ctx_.name);
  if (ours == given.end() || ours->second != own->second.value)
    return make_error("the contributions of job '" + job_id + "' do not hold this site's own: evidence bound to them "
                      "would not be fresh for this site");
  return compute_job_nonce(job_id, given);
}

void SitePushHandler::forget_job(const std::string& job_id) {
  contributions_.erase(job_id);
  if (auto it = job_keys_.find(job_id); it != job_keys_.end()) {
    it->second.wipe();
    job_keys_.erase(it);
  }
  job_evidence_.erase(job_id);
}

SitePushHandler::Outcome SitePushHandler::on_challenge(const Challenge& c) {
  Bytes nonce;
  Bytes job_key;
  if (const auto* job = std::get_if<JobChallenge>(&c)) {
    // We sign only a job nonce that commits to our own contribution: no one can have us
    // produce evidence for a nonce of their choosing.
    auto expected = job_nonce_for(job->job_id, job->contributions);
    if (!expected) return expected.error();
    if (*expected != job->nonce) return make_error("the challenge's nonce is not the job nonce of its contributions");
    nonce = job->nonce;
    // Key release: a fresh key pair for this job, its public half bound into the evidence, so
    // that the payload can be sealed to whoever produced this very evidence and no one else.
    auto pair = crypto::hpke::X25519KeyPair::generate();
    if (!pair) return make_error("cannot draw a job key: " + pair.message());
    job_key = pair->public_key();
    if (auto old = job_keys_.find(job->job_id); old != job_keys_.end()) old->second.wipe();
    job_keys_[job->job_id] = std::move(*pair);
  } else {
    nonce = std::get<ReattestChallenge>(c).nonce;
  }
  auto own = ctx_.attestor.produce(nonce, job_key);
  if (!own) return make_error("cannot produce evidence: " + own.message());
  if (const auto* job = std::get_if<JobChallenge>(&c)) {
    job_evidence_[job->job_id] = evidence_digest(*own);
    acks_.erase(job->job_id);  // a new attempt: an ack of an earlier one answers nothing now
  }
  auto reply = net::make_message("evidence", ctx_.name, {{"bundle", attest::bundle_header(*own)}});
  reply.blobs = attest::bundle_blobs(*own);
  return std::optional<net::Message>(std::move(reply));
}

struct SitePushHandler::PeerAppraisals {
  std::string job_id;
  std::string corr;                              // the peer_verify's id
  std::vector<attest::EvidenceBundle> bundles;   // the requests point into these
  std::vector<AppraisalRequest> requests;
  std::vector<Appraisal> appraisals;             // one per request, each filled by its own task
};

// Appraise every peer (and the server) with this site's own policy, and vote. Every bundle
// must be bound to the job nonce we recompute ourselves (never the nonce a bundle names), and
// its age runs from our own contribution (never from the prover's issued_at).
SitePushHandler::Outcome SitePushHandler::on_peer_verify(PeerVerifyRequest&& r) {
  auto nonce = job_nonce_for(r.job_id, r.contributions);
  if (!nonce) return nonce.error();
  const std::int64_t challenged_at = contributions_[r.job_id].at;
  std::set<std::string> names;
  for (const auto& bundle : r.bundles)
    if (!names.insert(bundle.name).second) return make_error("peer_verify holds two bundles of '" + bundle.name + "'");
  auto batch = std::make_shared<PeerAppraisals>();
  batch->job_id = r.job_id;
  batch->corr = push_id_;
  batch->bundles = std::move(r.bundles);
  for (const auto& bundle : batch->bundles) {
    const bool is_server = bundle.name == ctx_.server_name;
    AppraisalRequest req;
    req.bundle = &bundle;
    req.expected_nonce = *nonce;
    req.expected_name = bundle.name;
    if (is_server) req.expected_identity_key = ctx_.server_key;
    req.peer_role = is_server ? "server" : "site";
    req.challenged_at = challenged_at;
    batch->requests.push_back(std::move(req));
  }
  batch->appraisals.resize(batch->requests.size());
  if (!ctx_.run_off_io || batch->requests.empty()) {
    for (std::size_t i = 0; i < batch->requests.size(); ++i)
      batch->appraisals[i] = ctx_.attestor.appraise(batch->requests[i]);
    return std::optional<net::Message>(vote_of(*batch));
  }
  // A job's peers are appraised once at a time: a second peer_verify of a job still being
  // appraised is refused, so no one can queue batch after batch (each up to 16 MiB).
  if (!appraising_.insert(batch->job_id).second)
    return make_error("peer_verify of job '" + batch->job_id + "' is already being appraised");
  // Until its appraisal fills it, a slot votes no and says why: a task the pool drops unrun
  // never counts as an acceptance.
  for (auto& a : batch->appraisals) {
    a.failed_rules = {"appraisal.not_run"};
    a.detail = {{"errors", {"this peer's appraisal never ran"}}};
  }
  // One task per peer on the workers. `done` is held by every task: when the last is gone
  // (it ran, threw or was dropped unrun), the vote goes back to the io thread, where the notes
  // are written in the bundles' order and the vote is sent. The ticket it holds makes
  // ~SitePushHandler wait until then.
  auto ticket = std::make_shared<WorkerTicket>(workers_);
  std::shared_ptr<void> done(nullptr, [this, batch, ticket, alive = std::weak_ptr<char>(alive_),
                                       post = ctx_.post_to_io](void*) {
    try {
      post([this, batch, alive] {
        if (alive.expired()) return;
        appraising_.erase(batch->job_id);
        ctx_.send(vote_of(*batch));
      });
    } catch (...) {
      spdlog::error("site: the vote on job {} could not be handed back to the io thread", batch->job_id);
    }
  });
  for (std::size_t i = 0; i < batch->requests.size(); ++i) {
    ctx_.run_off_io([this, batch, i, done]() {
      Appraisal appraisal;
      try {
        appraisal = ctx_.attestor.appraise(batch->requests[i]);
      } catch (const std::exception& e) {
        appraisal.failed_rules = {"appraisal.error"};
        appraisal.detail = {{"errors", {std::string("the appraisal threw: ") + e.what()}}};
      } catch (...) {
        appraisal.failed_rules = {"appraisal.error"};
        appraisal.detail = {{"errors", {"the appraisal threw"}}};
      }
      batch->appraisals[i] = std::move(appraisal);
    });
  }
  return std::optional<net::Message>();
}

net::Message SitePushHandler::vote_of(PeerAppraisals& batch) {
  nlohmann::json votes = nlohmann::json::object();
  for (std::size_t i = 0; i < batch.requests.size(); ++i) {
    const std::string& peer = batch.requests[i].expected_name;
    const Appraisal& appraisal = batch.appraisals[i];
    votes[peer] = {{"accept", appraisal.accept}, {"failed", appraisal.failed_rules}};
    nlohmann::json fields = {{"job", batch.job_id}, {"peer", peer}, {"accept", appraisal.accept},
                             {"failed", appraisal.failed_rules}, {"detail", appraisal.detail}};
    attach_ear(fields, ctx_.ear_signer, peer, appraisal, batch.requests[i].expected_nonce);
    ctx_.note("peer.appraisal", fields);
  }
  ctx_.note("vote", {{"job", batch.job_id}, {"votes", votes}});
  ctx_.publish("job.deploy.peer_verify", {{"job", batch.job_id}, {"votes", votes}});
  auto vote = net::make_message("vote", ctx_.name, {{"job_id", batch.job_id}, {"votes", votes}});
  vote.corr = batch.corr;
  return vote;
}

// The payload arrives sealed to the job key we bound into our evidence for this job; it is
// opened in memory, stored only if it is what the server says it is, and acknowledged by the
// digest of what was stored: the server counts a site deployed only on that digest.
SitePushHandler::Outcome SitePushHandler::on_deploy(const DeployRequest& r) {
  if (auto acked = acks_.find(r.job_id); acked != acks_.end()) {
    if (acked->second.value("payload_sha256", std::string()) != r.payload_sha256)
      return make_error("job '" + r.job_id + "' already stored a payload with another SHA-256");
    return std::optional<net::Message>(net::make_message("ack", ctx_.name, acked->second));
  }
  auto key = job_keys_.find(r.job_id);
  if (key == job_keys_.end())
    return make_error("no job key for job '" + r.job_id + "': this site bound none into evidence for it (or has "
                      "restarted since), so it cannot open the payload");
  auto opened = open_payload(key->second, r.job_id, ctx_.name, r.enc, r.ciphertext);
  // A ciphertext that does not open leaves the key in place: the server retries with a fresh one.
  if (!opened) return make_error("cannot open the sealed payload of job '" + r.job_id + "': " + opened.message());
  Bytes payload = std::move(*opened);
  const std::string digest = crypto::hex_encode(crypto::sha256(payload));
  auto wipe_payload = [&payload] { OPENSSL_cleanse(payload.data(), payload.size()); };
  if (digest != r.payload_sha256) {
    wipe_payload();
    return make_error("payload sha256 mismatch: received " + digest.substr(0, 16) + "…, the server announced " +
                      r.payload_sha256.substr(0, 16) + "…");
  }
  // The receipt is signed before the payload is stored: a site that cannot sign keeps
  // nothing, so there is never a stored payload the server does not count.
  auto receipt = sign_stored_receipt(r.job_id, digest);
  if (!receipt) {
    wipe_payload();
    return receipt.error();
  }
  if (auto st = ctx_.store.store_payload(r.job_id, payload); !st) {
    wipe_payload();
    return st.error();
  }
  ctx_.note("job.deployed", {{"job", r.job_id},
                             {"bytes", payload.size()},
                             {"payload_sha256", digest},
                             {"receipt", receipt_to_json(*receipt)}});
  spdlog::info("site {}: stored payload of job {} ({} bytes)", ctx_.name, r.job_id, payload.size());
  wipe_payload();
  forget_job(r.job_id);  // the job key is wiped: nothing sealed to it can be opened again
  nlohmann::json ack = {{"job_id", r.job_id},
                        {"stored", "jobs/" + r.job_id + "/payload"},
                        {"payload_sha256", digest},
                        {"receipt", receipt_to_json(*receipt)}};
  remember_ack(r.job_id, ack);
  return std::optional<net::Message>(net::make_message("ack", ctx_.name, std::move(ack)));
}

void SitePushHandler::remember_ack(const std::string& job_id, nlohmann::json ack) {
  if (acks_.emplace(job_id, std::move(ack)).second) ack_order_.push_back(job_id);
  while (ack_order_.size() > kRememberedJobs) {
    acks_.erase(ack_order_.front());
    ack_order_.pop_front();
  }
}

Result<Receipt> SitePushHandler::sign_stored_receipt(const std::string& job_id, const std::string& payload_sha256) {
  if (!ctx_.receipt_signer) return make_error("this site has no receipt key (keys/receipt.key): it cannot sign a receipt");
  auto evidence = job_evidence_.find(job_id);
  if (evidence == job_evidence_.end()) return make_error("this site presented no evidence for job '" + job_id + "'");
  Receipt receipt;
  receipt.job_id = job_id;
  receipt.site = ctx_.name;
  receipt.payload_sha256 = payload_sha256;
  receipt.evidence_sha256 = evidence->second;
  receipt.stored_at = unix_now();
  if (auto st = sign_receipt(receipt, *ctx_.receipt_signer); !st) return st.error();
  return receipt;
}

SitePushHandler::Outcome SitePushHandler::on_shutdown(const ShutdownRequest& r) {
  const std::string reason = r.reason.empty() ? "server request" : r.reason;
  ctx_.note("shutdown", {{"reason", reason}, {"failed", r.failed}});
  spdlog::warn("site {}: shutting down at the server's request: {}", ctx_.name, reason);
  ctx_.stop(reason);
  return std::optional<net::Message>();
}

}  // namespace cchost::job
