// Job deployment on the server (PROTOCOL.md "Job deployment"): fresh evidence from every
// site, appraisal with the server's policy, peer verification by every site with its own
// policy, trust resolution (decline | mutual), scheduling, retries, payload delivery.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "cchost/crypto/encoding.hpp"
#include "cchost/crypto/random.hpp"
#include "cchost/job/scheduler.hpp"
#include "cchost/job/trust_set.hpp"
#include <boost/asio/post.hpp>
#include <set>

#include "cchost/attest/binding.hpp"
#include "server_impl.hpp"

namespace cchost::job {

nlohmann::json JobRun::to_json() const {
  nlohmann::json excl = nlohmann::json::object();
  for (const auto& [site, e] : excluded) excl[site] = {{"stage", e.stage}, {"reason", e.reason}, {"failed", e.failed}};
  return {{"id", spec.id},
          {"spec", {{"deploy_map", spec.deploy_map}, {"min_sites", spec.min_sites}, {"retries", spec.retries},
                    {"resources", spec.resources}}},
          {"state", state},
          {"attempts", attempts},
          {"reason", reason},
          {"submitted_at", submitted_at},
          {"decided_at", decided_at},
          {"sites", sites},
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
    job->sites = j.value("sites", std::vector<std::string>{});
    job->trust_set = j.value("trust_set", std::string());
    const nlohmann::json excluded = j.value("excluded", nlohmann::json::object());
    for (const auto& [site, e] : excluded.items())
      job->excluded[site] = {e.value("stage", std::string()), e.value("reason", std::string()),
                             e.value("failed", std::vector<std::string>{})};
    return job;
  } catch (const nlohmann::json::exception& e) {
    return make_error(std::string("job record: ") + e.what());
  }
}

void ServerRuntime::Impl::save_job(const JobRun& job) {
  if (auto st = store.save_job(job.spec.id, job.to_json()); !st) spdlog::error("server: {}", st.message());
}

net::Message ServerRuntime::Impl::handle_submit(const net::Delivery& d) {
  const std::string text = d.message.body.value("spec_toml", std::string());
  auto spec = parse_job_spec(text, "submitted-job.toml");
  if (!spec) return error_reply(spec.message());
  if (jobs.count(spec->id)) return error_reply("job '" + spec->id + "' already exists");
  if (d.message.blobs.size() > 1) return error_reply("a job carries at most one payload");
  auto job = std::make_shared<JobRun>();
  job->spec = *spec;
  job->submitted_at = now();
  const Bytes payload = d.message.blobs.empty() ? Bytes{} : d.message.blobs[0];
  if (auto st = store.store_payload(job->spec.id, payload); !st) return error_reply("cannot store payload");
  if (auto st = record("job.submitted", {{"job", job->spec.id}, {"by", d.peer.name}, {"spec", job->to_json()["spec"]},
                                         {"payload_sha256_size", payload.size()}});
      !st)
    return error_reply("server cannot record the job");
  jobs[job->spec.id] = job;
  save_job(*job);
  publish("job.submitted", {{"job", job->spec.id}, {"by", d.peer.name}});
  boost::asio::post(io, [this, job] { start_attempt(job); });
  return reply_to("submitted", {{"job_id", job->spec.id}});
}

void ServerRuntime::Impl::start_attempt(const std::shared_ptr<JobRun>& job) {
  job->attempts += 1;
  job->excluded.clear();
  job->verified.clear();
  job->votes.clear();
  job->dropped_mutual.clear();
  job->trust_set.clear();
  job->state = "verifying";
  spdlog::info("server: job {} attempt {}", job->spec.id, job->attempts);
  collect_evidence(job);
}

// Phase 1: a fresh bundle from every eligible site, bound to a nonce drawn for it now.
void ServerRuntime::Impl::collect_evidence(const std::shared_ptr<JobRun>& job) {
  std::vector<std::string> candidates;
  for (const auto& site : job->spec.deploy_map) {
    auto it = sites.find(site);
    if (it == sites.end() || !it->second.registered)
      job->excluded[site] = {"registration", "not registered", {}};
    else if (!it->second.connected_this_session)
      // Registered before a restart but silent since: this process has no route to it yet, so a
      // challenge would be dropped and the job would wait request_timeout for nothing.
      job->excluded[site] = {"registration", "not reconnected since the server started", {}};
    else if (it->second.quarantined)
      job->excluded[site] = {"quarantine", "quarantined: " + it->second.quarantine_reason, it->second.last_failed};
    else
      candidates.push_back(site);
  }
  if (candidates.empty()) {
    peer_phase(job);
    return;
  }
  job->outstanding = candidates.size();
  for (const auto& site : candidates) {
    auto nonce = nonces.issue(site);
    if (!nonce) {
      job->excluded[site] = {"attestation", nonce.message(), {}};
      if (--job->outstanding == 0) peer_phase(job);
      continue;
    }
    auto msg = net::make_message("challenge", config.name,
                                 {{"purpose", "job"}, {"job_id", job->spec.id}, {"nonce", crypto::hex_encode(*nonce)}});
    push_request(site, std::move(msg), [this, job, site](Result<net::Message> reply) {
      Appraisal appraisal;
      if (!reply) {
        job->excluded[site] = {"attestation", reply.message(), {}};
      } else if (auto bundle = bundle_from(*reply, "bundle"); !bundle) {
        job->excluded[site] = {"attestation", "bad bundle: " + bundle.message(), {}};
      } else if (auto st = nonces.consume(bundle->nonce, site); !st) {
        job->excluded[site] = {"attestation", st.message(), {"binding.nonce"}};
      } else {
        appraisal = appraise_site(*bundle, site);
        publish("job.deploy.verify", {{"job", job->spec.id}, {"site", site}, {"accept", appraisal.accept}});
        audit_note("job.verify", {{"job", job->spec.id}, {"site", site}, {"accept", appraisal.accept},
                              {"failed", appraisal.failed_rules}, {"detail", appraisal.detail}});
        auto& rec = sites[site];
        rec.last_attested_at = now();
        rec.last_accept = appraisal.accept;
        rec.last_failed = appraisal.failed_rules;
        if (appraisal.accept)
          job->verified[site] = std::move(*bundle);
        else
          job->excluded[site] = {"attestation", "rejected by the server's policy", appraisal.failed_rules};
      }
      if (--job->outstanding == 0) peer_phase(job);
    });
  }
}

// Phase 2: every verified site appraises every other verified site and the server.
void ServerRuntime::Impl::peer_phase(const std::shared_ptr<JobRun>& job) {
  if (static_cast<std::int64_t>(job->verified.size()) < job->spec.min_sites) {
    attempt_failed(job, "min_sites not met: " + std::to_string(job->verified.size()) +
                            " site(s) passed attestation, job needs " + std::to_string(job->spec.min_sites));
    return;
  }
  auto own = attestor.produce(crypto::random_bytes(attest::kNonceSize));
  if (!own) {
    attempt_failed(job, "server cannot produce evidence: " + own.message());
    return;
  }
  job->outstanding = job->verified.size();
  for (const auto& [site, unused] : job->verified) {
    nlohmann::json headers = nlohmann::json::array();
    std::vector<Bytes> blobs;
    auto add = [&](const attest::EvidenceBundle& b) {
      headers.push_back(attest::bundle_header(b));
      for (auto& blob : attest::bundle_blobs(b)) blobs.push_back(std::move(blob));
    };
    add(*own);
    for (const auto& [peer, bundle] : job->verified)
      if (peer != site) add(bundle);
    auto msg = net::make_message("peer_verify", config.name, {{"job_id", job->spec.id}, {"bundles", headers}});
    msg.blobs = std::move(blobs);
    const std::string voter = site;
    push_request(voter, std::move(msg), [this, job, voter](Result<net::Message> reply) {
      if (!reply) {
        job->excluded[voter] = {"peer-vote", reply.message(), {}};
      } else if (reply->type != "vote" || !reply->body.contains("votes") || !reply->body["votes"].is_object()) {
        job->excluded[voter] = {"peer-vote", "malformed vote", {}};
      } else {
        job->votes[voter] = reply->body["votes"];
        publish("job.deploy.peer_verify", {{"job", job->spec.id}, {"site", voter}, {"votes", reply->body["votes"]}});
        audit_note("job.vote", {{"job", job->spec.id}, {"site", voter}, {"votes", reply->body["votes"]}});
      }
      if (--job->outstanding == 0) decide(job);
    });
  }
}

namespace {

bool vote_accepts(const nlohmann::json& votes, const std::string& peer) {
  auto it = votes.find(peer);
  return it != votes.end() && it->is_object() && it->value("accept", false);
}

std::vector<std::string> vote_failed(const nlohmann::json& votes, const std::string& peer) {
  std::vector<std::string> out;
  auto it = votes.find(peer);
  if (it == votes.end() || !it->is_object()) return {"vote.missing"};
  for (const auto& f : it->value("failed", nlohmann::json::array()))
    if (f.is_string()) out.push_back(f.get<std::string>());
  return out;
}

}  // namespace

// Phase 3: resolve trust, then resources and min_sites.
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
  auto work = [this, job, attempt, voters = std::move(voters), accepts = std::move(accepts),
               limits = config.trust_set_limits, alive = std::weak_ptr<char>(alive)]() mutable {
    auto trusts = [&accepts](const std::string& a, const std::string& b) {
      auto it = accepts.find(a);
      return it != accepts.end() && it->second.count(b) != 0;
    };
    auto result = std::make_shared<TrustSetResult>(largest_mutual_trust_set(voters, trusts, limits));
    boost::asio::post(io, [this, job, attempt, result, alive] {
      if (alive.expired() || job->attempts != attempt || job->state != "verifying") return;
      apply_mutual_trust(job, *result);
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
  deploy(job);
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
      if (!ec) start_attempt(job);
    });
    return;
  }
  job->state = "failed";
  job->reason = reason;
  job->sites.clear();
  job->decided_at = now();
  audit_note("job.decided", job->to_json());
  save_job(*job);
  publish("job.decided", job->to_json());
}

// Phase 4: the decision is durable first, then the payload goes to the final set.
void ServerRuntime::Impl::deploy(const std::shared_ptr<JobRun>& job) {
  auto payload = read_file_limited(store.payload_path(job->spec.id), 64u << 20);
  if (!payload) {
    attempt_failed(job, "payload unavailable: " + payload.message());
    return;
  }
  job->state = "deployed";
  job->reason.clear();
  job->decided_at = now();
  if (auto st = record("job.decided", job->to_json()); !st) {
    job->state = "failed";
    job->reason = "cannot record the decision";
    save_job(*job);
    return;
  }
  save_job(*job);
  publish("job.decided", job->to_json());
  spdlog::info("server: job {} deployed to {} site(s)", job->spec.id, job->sites.size());
  for (const auto& site : job->sites) {
    auto msg = net::make_message("deploy", config.name, {{"job_id", job->spec.id}});
    msg.blobs.push_back(*payload);
    push_request(site, std::move(msg), [this, job, site](Result<net::Message> reply) {
      if (!reply || reply->type != "ack") {
        spdlog::error("server: job {}: {} did not store the payload: {}", job->spec.id, site,
                      reply ? reply->type : reply.message());
        audit_note("job.deploy_failed", {{"job", job->spec.id}, {"site", site}});
        return;
      }
      audit_note("job.deployed", {{"job", job->spec.id}, {"site", site}});
    });
  }
}

}  // namespace cchost::job
