// Payload delivery (PROTOCOL.md v2, "Delivery"): the decision is durable first (job.decided,
// state "delivering"), then every site of the final set gets the payload and must acknowledge
// it by its SHA-256. A try that gets no reply, an error, a malformed ack or another digest is
// repeated, with backoff, until the delivery deadline; a site that never acknowledges ends
// "failed" with the reason of its last try, and only acknowledged sites count as deployed
// (issue 9, defect 4).
#include <openssl/crypto.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "cchost/crypto/encoding.hpp"
#include "cchost/crypto/hash.hpp"
#include "payload_seal.hpp"
#include "server_impl.hpp"

namespace cchost::job {
namespace {

// Tries wait request_timeout for their reply; the deadline allows about three of those.
constexpr int kDeliveryDeadlineTimeouts = 3;

std::chrono::milliseconds delivery_backoff(int tries) {
  return std::chrono::milliseconds(std::min(2000, 250 << std::min(tries, 4)));
}

}  // namespace

void ServerRuntime::Impl::deliver(const std::shared_ptr<JobRun>& job) {
  std::vector<std::string> pending;
  if (job->state != "delivering") {
    // First entry (not a resume): record the decision before anything is sent.
    job->state = "delivering";
    job->reason.clear();
    job->decided_at = now();
    job->delivery.clear();
    for (const auto& site : job->sites) job->delivery[site] = SiteDelivery{};
    // Only the final set's keys are kept: nothing is ever sealed to an excluded site.
    std::erase_if(job->job_keys, [&](const auto& entry) { return !job->delivery.count(entry.first); });
    // Likewise the evidence digests: a receipt can only ever count for a site of the final set.
    std::erase_if(job->evidence, [&](const auto& entry) { return !job->delivery.count(entry.first); });
    if (auto st = record("job.decided", job->to_json()); !st) {
      conclude(job, "failed", "cannot record the decision");
      return;
    }
    save_job(*job);
  }
  for (auto& [site, d] : job->delivery) {
    if (d.state == "deployed") continue;
    d.state = "pending";
    pending.push_back(site);
  }
  spdlog::info("server: job {} decided; delivering to {} site(s)", job->spec.id, pending.size());
  begin_phase(job, "delivery", pending, config.request_timeout * kDeliveryDeadlineTimeouts,
              [this, job] { finish_delivery(job); });
  const std::uint64_t seq = job->phase.seq;
  for (const auto& site : pending) send_deploy(job, seq, site);
}

void ServerRuntime::Impl::send_deploy(const std::shared_ptr<JobRun>& job, std::uint64_t seq, const std::string& site) {
  if (job->phase.seq != seq || !job->phase.awaiting.count(site)) return;
  auto payload = read_file_limited(store.payload_path(job->spec.id), 64u << 20);
  if (!payload) {
    delivery_try_failed(job, seq, site, "delivery: payload unavailable: " + payload.message());
    return;
  }
  if (crypto::hex_encode(crypto::sha256(*payload)) != job->payload_sha256) {
    delivery_try_failed(job, seq, site, "delivery: the stored payload no longer matches its SHA-256");
    return;
  }
  // Key release: sealed to the key this site's accepted evidence bound for this job, with
  // the job id and the site's name in info and aad (payload_seal.hpp). Sealed afresh for
  // every try; no other site's key, and no plaintext, ever goes to this site.
  auto key = job->job_keys.find(site);
  if (key == job->job_keys.end()) {
    delivery_try_failed(job, seq, site, "delivery: no job key recorded for " + site + " (its evidence bound none)");
    return;
  }
  auto sealed = seal_payload(key->second, job->spec.id, site, *payload);
  OPENSSL_cleanse(payload->data(), payload->size());
  if (!sealed) {
    delivery_try_failed(job, seq, site, "delivery: cannot seal the payload: " + sealed.message());
    return;
  }
  job->delivery[site].tries += 1;
  auto msg = net::make_message("deploy", config.name,
                               {{"job_id", job->spec.id},
                                {"payload_sha256", job->payload_sha256},
                                {"enc", crypto::hex_encode(sealed->enc)}});
  msg.blobs.push_back(std::move(sealed->ciphertext));
  push_request(site, std::move(msg), [this, job, seq, site](Result<net::Message> reply) {
    if (job->phase.seq != seq || !job->phase.awaiting.count(site)) return;
    guarded(job, "deploy ack", [&] {
      if (!reply) return delivery_try_failed(job, seq, site, "delivery: no ack (" + reply.message() + ")");
      auto ack = parse_deploy_ack(*reply);
      if (!ack) return delivery_try_failed(job, seq, site, "delivery: malformed ack (" + ack.message() + ")");
      if (ack->job_id != job->spec.id)
        return delivery_try_failed(job, seq, site, "delivery: ack for another job '" + ack->job_id + "'");
      if (ack->payload_sha256 != job->payload_sha256)
        return delivery_try_failed(job, seq, site,
                                   "delivery: sha256 mismatch (acknowledged " + ack->payload_sha256.substr(0, 16) +
                                       "…, the payload is " + job->payload_sha256.substr(0, 16) + "…)");
      // The receipt: signed by this site's receipt key from our kit, for this job, this
      // payload and the very evidence we accepted from it. Without one that verifies, no
      // "deployed".
      if (auto checked = check_site_receipt(*job, site, ack->receipt); !checked)
        return delivery_try_failed(job, seq, site, "delivery: receipt refused (" + checked.message() + ")");
      auto& d = job->delivery[site];
      d.state = "deployed";
      d.reason.clear();
      // Durable before the site counts: the log is where `cchost audit receipts` finds it.
      if (auto st = record("job.deployed", {{"job", job->spec.id},
                                            {"site", site},
                                            {"payload_sha256", ack->payload_sha256},
                                            {"receipt", receipt_to_json(ack->receipt)}});
          !st) {
        d.state = "pending";
        return delivery_try_failed(job, seq, site, "delivery: cannot record the receipt: " + st.message());
      }
      save_job(*job);
      settle(job, seq, site);
    });
  });
}

Status ServerRuntime::Impl::check_site_receipt(const JobRun& job, const std::string& site, const Receipt& receipt) {
  auto key = config.receipt_keys.find(site);
  if (key == config.receipt_keys.end()) return make_error("the server's kit holds no receipt key for " + site);
  auto evidence = job.evidence.find(site);
  if (evidence == job.evidence.end()) return make_error("no accepted evidence of " + site + " is recorded for this job");
  ReceiptExpectation expected;
  expected.job_id = job.spec.id;
  expected.site = site;
  expected.payload_sha256 = job.payload_sha256;
  expected.evidence_sha256 = evidence->second;
  const std::int64_t skew = config.receipt_clock_skew.count();
  expected.not_before = job.decided_at - skew;
  expected.not_after = now() + skew;
  return check_receipt(receipt, key->second, expected);
}

void ServerRuntime::Impl::delivery_try_failed(const std::shared_ptr<JobRun>& job, std::uint64_t seq,
                                              const std::string& site, const std::string& reason) {
  auto& d = job->delivery[site];
  d.reason = reason;
  spdlog::warn("server: job {}: {} try {}: {}", job->spec.id, site, d.tries, reason);
  audit_note("job.deploy_failed", {{"job", job->spec.id}, {"site", site}, {"try", d.tries}, {"reason", reason}});
  // Tried again until the delivery deadline (the phase's timer) ends it.
  auto& timer = job->delivery_retry[site];
  timer = std::make_unique<boost::asio::steady_timer>(io);
  timer->expires_after(delivery_backoff(d.tries));
  timer->async_wait([this, job, seq, site](const boost::system::error_code& ec) {
    if (!ec) guarded(job, "deploy retry", [&] { send_deploy(job, seq, site); });
  });
}

void ServerRuntime::Impl::finish_delivery(const std::shared_ptr<JobRun>& job) {
  std::vector<std::string> deployed;
  for (const auto& [site, d] : job->delivery) {
    if (d.state == "deployed") {
      deployed.push_back(site);
      continue;
    }
    job->excluded[site] = {"delivery", d.reason.empty() ? "delivery: no ack" : d.reason, {}};
  }
  job->sites = deployed;
  if (static_cast<std::int64_t>(deployed.size()) >= job->spec.min_sites) {
    conclude(job, "deployed", "");
    return;
  }
  conclude(job, "failed", "delivery: " + std::to_string(deployed.size()) + " of " + std::to_string(job->delivery.size()) +
                              " site(s) acknowledged the payload, job needs " + std::to_string(job->spec.min_sites));
}

}  // namespace cchost::job
