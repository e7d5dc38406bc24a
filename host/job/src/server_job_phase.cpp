// The job state machine's guard rails (issue 9, defect 1): every phase of an attempt has a
// deadline, every reply is taken through a schema and a handler that cannot leave the job
// behind when it fails or throws, and a step that throws ends the job "failed" with the
// reason instead of freezing it in a non-terminal state until the server restarts.
#include <spdlog/spdlog.h>

#include "server_impl.hpp"
#include "cchost/metrics/families.hpp"

namespace cchost::job {

void JobRun::cancel_timers() {
  if (phase.deadline) phase.deadline->cancel();
  if (retry_timer) retry_timer->cancel();
  for (auto& [site, timer] : delivery_retry)
    if (timer) timer->cancel();
}

void ServerRuntime::Impl::begin_phase(const std::shared_ptr<JobRun>& job, const std::string& name,
                                      const std::vector<std::string>& sites, std::chrono::milliseconds deadline,
                                      std::function<void()> next) {
  if (job->phase.deadline) job->phase.deadline->cancel();
  job->phase.name = name;
  job->phase.seq = ++phase_counter;
  job->phase.awaiting = std::set<std::string>(sites.begin(), sites.end());
  job->phase.next = std::move(next);
  job->phase.deadline = std::make_unique<boost::asio::steady_timer>(io);
  job->phase.deadline->expires_after(deadline);
  const std::uint64_t seq = job->phase.seq;
  const double secs = std::chrono::duration<double>(deadline).count();
  job->phase.deadline->async_wait([this, job, seq, secs](const boost::system::error_code& ec) {
    if (ec || job->phase.seq != seq || job->terminal()) return;
    guarded(job, "phase deadline", [&] {
      const std::string why = "no answer in phase " + job->phase.name + " within its deadline of " +
                              std::to_string(secs).substr(0, 4) + "s";
      const auto late = job->phase.awaiting;
      for (const auto& site : late) {
        if (job->phase.name == "delivery") {
          auto& d = job->delivery[site];
          d.state = "failed";
          if (d.reason.empty()) d.reason = "delivery: no ack (" + why + ")";
        } else if (!job->excluded.count(site)) {
          job->excluded[site] = {job->phase.name, why, {}};
        }
        spdlog::warn("server: job {}: {}: {}", job->spec.id, site, why);
      }
      job->phase.awaiting.clear();
      auto next = std::move(job->phase.next);
      job->phase.seq = 0;
      if (next) next();
    });
  });
  if (job->phase.awaiting.empty()) {
    auto go = std::move(job->phase.next);
    job->phase.deadline->cancel();
    job->phase.seq = 0;
    guarded(job, "the step after phase " + name, [&] {
      if (go) go();
    });
  }
}

void ServerRuntime::Impl::ask_in_phase(const std::shared_ptr<JobRun>& job, const std::string& site, net::Message message,
                                       std::function<Status(const net::Message&)> on_reply) {
  const std::uint64_t seq = job->phase.seq;
  push_request(site, std::move(message), [this, job, seq, site, on_reply = std::move(on_reply)](Result<net::Message> reply) {
    // A reply for a phase that is over (its deadline passed, or a newer attempt began) is stale.
    if (job->phase.seq != seq || !job->phase.awaiting.count(site)) return;
    Status outcome;
    try {
      outcome = reply ? on_reply(*reply) : Status(reply.error());
    } catch (const std::exception& e) {
      outcome = make_error(std::string("the server could not handle the reply: ") + e.what());
    }
    if (!outcome && !job->excluded.count(site)) job->excluded[site] = {job->phase.name, outcome.message(), {}};
    settle(job, seq, site);
  });
}

void ServerRuntime::Impl::settle(const std::shared_ptr<JobRun>& job, std::uint64_t seq, const std::string& site) {
  if (job->phase.seq != seq || !job->phase.awaiting.erase(site) || !job->phase.awaiting.empty()) return;
  job->phase.deadline->cancel();
  job->phase.seq = 0;
  auto next = std::move(job->phase.next);
  guarded(job, "the step after phase " + job->phase.name, [&] {
    if (next) next();
  });
}

void ServerRuntime::Impl::guarded(const std::shared_ptr<JobRun>& job, const std::string& step,
                                  const std::function<void()>& fn) {
  try {
    fn();
  } catch (const std::exception& e) {
    spdlog::error("server: job {}: {} failed: {}", job->spec.id, step, e.what());
    if (!job->terminal()) conclude(job, "failed", "internal error in " + step + ": " + e.what());
  }
}

// The job's final state: durable (audit, then job.json) before anyone hears of it. A job that
// was delivering already has its job.decided entry; its outcome is job.delivered.
void ServerRuntime::Impl::conclude(const std::shared_ptr<JobRun>& job, const std::string& state, const std::string& reason) {
  const bool was_delivering = job->state == "delivering";
  job->cancel_timers();
  job->phase.seq = 0;
  job->phase.awaiting.clear();
  job->state = state;
  job->reason = reason;
  if (state == "failed" && !was_delivering) job->sites.clear();
  job->decided_at = now();
  if (auto st = record(was_delivering ? "job.delivered" : "job.decided", job->to_json()); !st)
    spdlog::error("server: job {}: the outcome is not in the audit log: {}", job->spec.id, st.message());
  save_job(*job);
  publish("job.decided", job->to_json());
  metrics::Registry::process().add(metrics::kJobsConcluded, {{"state", state}});
  spdlog::info("server: job {} {}{}", job->spec.id, state, reason.empty() ? "" : ": " + reason);
}

}  // namespace cchost::job
