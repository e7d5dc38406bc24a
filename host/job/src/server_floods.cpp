// Flood control on the server (issue 9, defect 7): per-peer rate limits with back-off on the
// requests that cost evidence, nonces and fsyncs; refusals that matter (wrong role, spoofed
// sender, rate limit) in the audit log, rate-limited; a site rejected again and again for the
// same reasons is recorded once per interval with a count, not once per attempt.
#include <spdlog/spdlog.h>

#include <set>

#include "cchost/metrics/families.hpp"
#include "server_impl.hpp"

namespace cchost::job {
namespace {

std::pair<std::string, std::string> split_key(const std::string& key) {
  const auto bar = key.find('|');  // participant names never contain '|'
  if (bar == std::string::npos) return {key, ""};
  return {key.substr(0, bar), key.substr(bar + 1)};
}

}  // namespace

void ServerRuntime::Impl::audit_refusal_summary(const net::Throttle::Summary& s) {
  const auto [peer, kind] = split_key(s.key);
  spdlog::warn("server: refused {} more message(s) from {} ({}) in the last {}; latest: {}", s.suppressed, peer, kind,
               net::interval_text(s.interval), s.last_detail);
  audit_note("refused", {{"peer", peer}, {"kind", kind}, {"count", s.suppressed}, {"latest", s.last_detail},
                         {"over_s", s.interval.count() / 1000}});
}

void ServerRuntime::Impl::note_refusal(const std::string& peer, const std::string& kind, const std::string& detail,
                                       bool log) {
  metrics::Registry::process().add(metrics::kMessagesRefused, {{"reason", kind}});
  if (!refusal_audit.report(peer + "|" + kind, detail)) return;  // counted; summarised later
  if (log) spdlog::warn("server: refused {} ({}): {}", peer, kind, detail);
  audit_note("refused", {{"peer", peer}, {"kind", kind}, {"detail", detail}});
}

std::optional<std::string> ServerRuntime::Impl::rate_limited(const net::Delivery& d) {
  // What a peer can make the server do that costs evidence, a nonce (fsync'd) or an audit entry.
  // register.abort writes an audit entry (fsync'd) each time.
  static const std::set<std::string> limited = {"register", "register.evidence", "register.abort", "server.attest"};
  const auto& type = d.message.type;
  if (!limited.count(type)) return std::nullopt;
  const auto decision = request_limiter.check(d.peer.name + "|" + type, net::FloodClock::now());
  if (decision.allowed) return std::nullopt;
  const std::string reason = "rate limited: too many " + type + " requests from " + d.peer.name + "; retry in " +
                             net::interval_text(std::chrono::ceil<std::chrono::seconds>(decision.retry_after));
  note_refusal(d.peer.name, "rate-limit", reason);
  return reason;
}

bool ServerRuntime::Impl::record_rejection_now(const std::string& site, const nlohmann::json& failed) {
  return rejection_audit.report(site + "|" + failed.dump());
}

void ServerRuntime::Impl::audit_rejection_summary(const net::Throttle::Summary& s) {
  const auto [site, failed_text] = split_key(s.key);
  nlohmann::json failed = nlohmann::json::parse(failed_text, nullptr, false);
  if (failed.is_discarded()) failed = nlohmann::json::array();
  audit_note("registration.repeated", {{"site", site}, {"accept", false}, {"failed", failed}, {"count", s.suppressed},
                                       {"over_s", s.interval.count() / 1000}});
}

}  // namespace cchost::job
