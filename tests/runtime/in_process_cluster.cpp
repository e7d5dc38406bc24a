#include "in_process_cluster.hpp"

#include <sys/resource.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include "cchost/crypto/signing_key.hpp"
#include "cchost/audit/audit_log.hpp"
#include "cchost/job/identity_key.hpp"
#include "cchost/job/server_runtime.hpp"
#include "cchost/job/site_runtime.hpp"
#include "cchost/net/client.hpp"
#include "cchost/net/curve_keys.hpp"
#include "runtime_harness.hpp"

namespace cchost::runtime_test {
namespace {

namespace job = cchost::job;
namespace net = cchost::net;
using Clock = std::chrono::steady_clock;

double process_cpu_s() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

// Counts events the server publishes, and lets the main thread wait for a count.
struct EventCounter {
  std::mutex mu;
  std::condition_variable cv;
  int accepted_registrations = 0;
  int rejected_registrations = 0;
  std::optional<nlohmann::json> decided;

  void on_event(const std::string& name, const nlohmann::json& payload) {
    std::lock_guard<std::mutex> lock(mu);
    if (name == "client.register.after") (payload.value("accept", false) ? accepted_registrations : rejected_registrations)++;
    if (name == "job.decided") decided = payload;
    cv.notify_all();
  }
  template <class Pred>
  bool wait(Pred pred, std::chrono::seconds limit) {
    std::unique_lock<std::mutex> lock(mu);
    return cv.wait_for(lock, limit, [&] { return pred(*this); });
  }
};

struct Participant {
  std::string name;
  net::CurveKeyPair keys;
  std::unique_ptr<cchost::attest::PluginAttestor> attestor;
  std::unique_ptr<TimedAttestor> timed;
  std::optional<job::StateStore> store;
  std::unique_ptr<cchost::attest::NonceRegistry> nonces;
};

cchost::Result<Participant> make_participant(const AuthorizerTemplate& t, const std::string& name,
                                             const fs::path& policy, const fs::path& workspace) {
  Participant p;
  p.name = name;
  p.keys = net::generate_curve_keypair();
  auto raw = job::z85_key_bytes(p.keys.public_z85);
  if (!raw) return raw.error();
  auto attestor = make_attestor(t, name, *raw, policy);
  if (!attestor) return attestor.error();
  p.attestor = std::move(*attestor);
  p.timed = std::make_unique<TimedAttestor>(*p.attestor);
  auto store = job::StateStore::open(workspace);
  if (!store) return store.error();
  p.store.emplace(std::move(*store));
  auto nonces = cchost::attest::NonceRegistry::open({});
  if (!nonces) return nonces.error();
  p.nonces = std::move(*nonces);
  return p;
}

}  // namespace

cchost::Result<DeploymentRun> run_in_process_deployment(int n, const AuthorizerTemplate& t, const fs::path& policy,
                                                       const fs::path& root, int jobs, unsigned workers) {
  DeploymentRun row;
  row.n = n;
  const int port = pick_free_port();
  const fs::path dir = root / ("n" + std::to_string(n));
  auto server = make_participant(t, "server", policy, dir / "server");
  if (!server) return server.error();
  std::vector<Participant> sites;
  for (int i = 1; i <= n; ++i) {
    auto s = make_participant(t, "site-" + std::to_string(i), policy, dir / ("site-" + std::to_string(i)));
    if (!s) return s.error();
    sites.push_back(std::move(*s));
  }
  const auto admin = net::generate_curve_keypair();
  auto audit = cchost::audit::AuditLog::open(server->store->audit_log_path(), {});
  if (!audit) return audit.error();
  auto audit_sink = [&](const std::string& type, const nlohmann::json& fields) -> cchost::Status {
    auto appended = (*audit)->append(type, fields);
    if (!appended) return appended.error();
    return {};
  };

  EventCounter events;
  boost::asio::io_context server_io, sites_io;
  job::ServerRuntimeConfig sc;
  sc.net.bind_endpoint = "tcp://127.0.0.1:" + std::to_string(port);
  sc.net.keys = server->keys;
  for (const auto& s : sites) sc.net.allow_list[s.keys.public_z85] = net::Peer{s.name, net::Role::site};
  sc.net.allow_list[admin.public_z85] = net::Peer{"admin", net::Role::admin};
  // Each site signs its payload receipts with a key of its own; the server checks them.
  std::map<std::string, std::shared_ptr<const crypto::SigningKey>> receipt_signers;
  for (const auto& s : sites) {
    auto key = crypto::SigningKey::generate();
    if (!key) return key.error();
    receipt_signers[s.name] = std::make_shared<const crypto::SigningKey>(std::move(*key));
    sc.receipt_keys.emplace(s.name, receipt_signers[s.name]->public_key());
  }
  sc.request_timeout = std::chrono::seconds(120);
  sc.reattest_interval = std::chrono::milliseconds(0);
  sc.publish = [&](const std::string& e, const nlohmann::json& p) { events.on_event(e, p); };
  auto server_rt = job::ServerRuntime::create(server_io, std::move(sc), *server->timed, *server->store, *server->nonces,
                                              audit_sink);
  if (!server_rt) return server_rt.error();
  auto server_work = boost::asio::make_work_guard(server_io);
  std::thread server_thread([&] { server_io.run(); });

  // The sites' verification pool, shared as in one process (cchost run: the bus's pool).
  std::optional<boost::asio::thread_pool> pool;
  if (workers) pool.emplace(workers);
  TimedAttestor::appraise_cpu_ns = 0;
  TimedAttestor::appraise_calls = 0;
  const auto register_start = Clock::now();
  std::vector<std::unique_ptr<job::SiteRuntime>> site_rts;
  for (auto& s : sites) {
    job::SiteRuntimeConfig c;
    c.name = s.name;
    c.net.endpoint = "tcp://127.0.0.1:" + std::to_string(port);
    c.net.server_public_z85 = server->keys.public_z85;
    c.net.keys = s.keys;
    c.request_timeout = std::chrono::seconds(120);
    c.heartbeat_interval = std::chrono::seconds(2);
    c.reattest_interval = std::chrono::milliseconds(0);
    c.receipt_signer = receipt_signers[s.name];
    if (workers) c.run_off_io = [&pool](std::function<void()> work) { boost::asio::post(*pool, std::move(work)); };
    auto created = job::SiteRuntime::create(sites_io, std::move(c), *s.timed, *s.store, *s.nonces, {});
    if (!created) return created.error();
    site_rts.push_back(std::move(*created));
  }
  auto sites_work = boost::asio::make_work_guard(sites_io);
  std::thread sites_thread([&] { sites_io.run(); });

  auto finish = [&] {
    if (pool) pool->join();  // the pending appraisals use the attestors, which outlive this
    sites_io.stop();
    sites_thread.join();
    server_io.stop();
    server_thread.join();
    site_rts.clear();
    server_rt->reset();
  };
  if (!events.wait([&](EventCounter& e) { return e.accepted_registrations + e.rejected_registrations >= n; },
                   std::chrono::seconds(600))) {
    finish();
    return cchost::make_error("registration did not finish for N=" + std::to_string(n));
  }
  row.register_ms = ms_since(register_start);

  // The admin submits a job for every site; latency runs until the server decides.
  boost::asio::io_context admin_io;
  net::ClientConfig ac;
  ac.endpoint = "tcp://127.0.0.1:" + std::to_string(port);
  ac.server_public_z85 = server->keys.public_z85;
  ac.keys = admin;
  ac.name = "admin";
  auto admin_client = net::Client::create(admin_io, ac);
  if (!admin_client) {
    finish();
    return admin_client.error();
  }
  std::string deploy_map;
  for (const auto& s : sites) deploy_map += (deploy_map.empty() ? "\"" : ", \"") + s.name + "\"";
  // Each job is submitted only when the one before has been decided, and measured alone.
  for (int j = 1; j <= jobs; ++j) {
    const std::string job_id = "bench-job-" + std::to_string(j);
    const std::string spec = "id = \"" + job_id + "\"\ndeploy_map = [" + deploy_map + "]\nmin_sites = " +
                             std::to_string(n) + "\nretries = 0\n";
    auto submit = net::make_message("submit", "admin", {{"spec_toml", spec}});
    submit.blobs.push_back(cchost::Bytes(4096, 0x5a));
    JobRun job;
    const auto appraise_before = TimedAttestor::appraise_cpu_ns.load();
    const auto calls_before = TimedAttestor::appraise_calls.load();
    const double cpu_before = process_cpu_s();
    const auto deploy_start = Clock::now();
    std::optional<cchost::Result<net::Message>> submitted;
    (*admin_client)->request(std::move(submit), std::chrono::seconds(60), [&](cchost::Result<net::Message> r) {
      submitted.emplace(std::move(r));
      admin_io.stop();
    });
    admin_io.restart();
    admin_io.run();
    const bool decided = events.wait(
        [&](EventCounter& e) { return e.decided.has_value() && e.decided->value("id", std::string()) == job_id; },
        std::chrono::seconds(600));
    job.deploy_ms = ms_since(deploy_start);
    job.process_cpu_ms = (process_cpu_s() - cpu_before) * 1000.0;
    job.appraise_cpu_ms = static_cast<double>(TimedAttestor::appraise_cpu_ns.load() - appraise_before) / 1e6;
    job.appraisals = TimedAttestor::appraise_calls.load() - calls_before;
    if (!submitted || !*submitted || (*submitted)->type != "submitted") {
      admin_client->reset();
      finish();
      return cchost::make_error("submit of " + job_id + " failed for N=" + std::to_string(n));
    }
    if (!decided) {
      admin_client->reset();
      finish();
      return cchost::make_error("no decision on " + job_id + " for N=" + std::to_string(n));
    }
    {
      std::lock_guard<std::mutex> lock(events.mu);
      job.state = events.decided->value("state", "?");
      job.deployed_sites = events.decided->value("sites", nlohmann::json::array()).size();
      job.decision = *events.decided;
    }
    row.jobs.push_back(std::move(job));
  }
  admin_client->reset();
  finish();
  row.rejected_registrations = events.rejected_registrations;
  return row;
}

}  // namespace cchost::runtime_test
