// Re-attestation (PROTOCOL.md): every reattest_interval ±20% the server challenges each
// registered site; a site that fails or does not answer is quarantined (excluded from new
// deployments), or, with the policy's on_failure = "shutdown", told to shut down.
#include <spdlog/spdlog.h>

#include <random>

#include "cchost/crypto/encoding.hpp"
#include "appraisal_ear.hpp"
#include "server_impl.hpp"
#include "cchost/metrics/families.hpp"

namespace cchost::job {

void ServerRuntime::Impl::schedule_reattest() {
  if (config.reattest_interval.count() <= 0) return;
  // Jitter spreads challenges so that sites provisioned together are not challenged together.
  std::uniform_real_distribution<double> jitter(0.8, 1.2);
  const auto delay = std::chrono::milliseconds(
      static_cast<std::int64_t>(static_cast<double>(config.reattest_interval.count()) * jitter(rng)));
  reattest_timer.expires_after(delay);
  reattest_timer.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    reattest_all();
    schedule_reattest();
  });
}

void ServerRuntime::Impl::reattest_all() {
  for (auto& [site_name, rec] : sites) {
    if (!rec.registered || rec.quarantined || !rec.connected_this_session) continue;
    const std::string site = site_name;
    auto nonce = nonces.issue(site);
    if (!nonce) continue;
    auto msg = net::make_message("challenge", config.name, {{"purpose", "reattest"}, {"nonce", crypto::hex_encode(*nonce)}});
    push_request(site, std::move(msg), [this, site, issued = *nonce](Result<net::Message> reply) {
      if (!reply) {
        quarantine(site, "no answer to re-attestation: " + reply.message(), {});
        return;
      }
      auto evidence = parse_evidence(*reply);
      if (!evidence) {
        quarantine(site, "bad re-attestation bundle: " + evidence.message(), {});
        return;
      }
      const auto& bundle = evidence->bundle;
      // Only this challenge's nonce answers it: another outstanding nonce of the same site
      // (a half-finished registration's) is not fresh for this challenge.
      if (bundle.nonce != issued) {
        quarantine(site, "the re-attestation bundle answers another challenge", {"binding.nonce"});
        return;
      }
      if (auto st = nonces.consume(bundle.nonce, site); !st) {
        quarantine(site, st.message(), {"binding.nonce"});
        return;
      }
      auto appraisal = appraise_site(bundle, site);
      auto& rec = sites[site];
      rec.last_attested_at = now();
      rec.last_accept = appraisal.accept;
      rec.last_failed = appraisal.failed_rules;
      nlohmann::json fields = {{"site", site}, {"accept", appraisal.accept}, {"failed", appraisal.failed_rules}};
      attach_ear(fields, config.ear_signer, site, appraisal, bundle.nonce);
      audit_note("reattestation", fields);
      if (!appraisal.accept)
        quarantine(site, "re-attestation rejected by the server's policy", appraisal.failed_rules);
      else
        save_registry();
    });
  }
}

void ServerRuntime::Impl::quarantine(const std::string& site, const std::string& reason,
                                     const std::vector<std::string>& failed) {
  auto& rec = sites[site];
  const bool shutdown = attestor.failure_policy().on_failure == "shutdown";
  rec.quarantined = true;
  rec.quarantine_reason = reason;
  rec.last_accept = false;
  rec.last_failed = failed;
  audit_note("quarantine", {{"site", site}, {"reason", reason}, {"failed", failed}, {"action", shutdown ? "shutdown" : "exclude"}});
  save_registry();
  publish("participant.quarantined", {{"site", site}, {"reason", reason}, {"failed", failed}});
  metrics::Registry::process().add(metrics::kQuarantines, {});
  spdlog::warn("server: quarantined {}: {}", site, reason);
  if (shutdown) {
    auto msg = net::make_message("shutdown", config.name, {{"reason", reason}, {"failed", failed}});
    server->push(site, std::move(msg));
  }
}

}  // namespace cchost::job
