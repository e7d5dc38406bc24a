// Boots a participant: kit -> workspace (state, audit, nonces) -> plugins -> policy ->
// attestor -> bus -> transport runtime, then runs the event loop until SIGINT/SIGTERM or a
// policy-mandated shutdown. Any failure at boot stops the host with a clear message.
#include "run_participant.hpp"

#include <spdlog/spdlog.h>
#include <malloc.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <future>
#include <iostream>
#include <sstream>
#include <thread>

#include "cchost/attest/catalog.hpp"
#include "cchost/attest/nonce_registry.hpp"
#include "cchost/attest/plugin_attestor.hpp"
#include "cchost/attest/self_appraisal.hpp"
#include "cchost/audit/audit_log.hpp"
#include "cchost/audit/head_receiver.hpp"
#include "cchost/net/flood_control.hpp"
#include "cchost/bus/event_bus.hpp"
#include "cchost/crypto/signing_key.hpp"
#include "cchost/job/identity_key.hpp"
#include "cchost/job/server_runtime.hpp"
#include "cchost/job/site_runtime.hpp"
#include "cchost/job/state_store.hpp"
#include "cchost/kit/kit.hpp"
#include "cchost/kit/root_pin.hpp"
#include "cchost/metrics/http_endpoint.hpp"
#include "cchost/plugin/event_subscriber.hpp"
#include "cchost/plugin/loader.hpp"
#include "cchost/policy/loader.hpp"
#include "command_registry.hpp"
#include "kit_keys.hpp"
#include "kit_authorizers.hpp"
#include "service_notify.hpp"

namespace cchost::cli {
namespace fs = std::filesystem;

namespace {

int boot_failure(const std::string& what) {
  std::cerr << "cchost run: " << what << "\n";
  return kExitUsage;
}

Result<Bytes> z85_to_bytes(const std::string& z85) { return job::z85_key_bytes(z85); }

// /healthz: the event loop answers a posted no-op within 2 s (a wedged loop serves nothing,
// whatever else still runs); the body names the participant so a probe knows whom it reached.
metrics::Health loop_health(boost::asio::io_context& io, const std::string& name, const std::string& role) {
  auto answered = std::make_shared<std::promise<void>>();
  auto future = answered->get_future();
  boost::asio::post(io, [answered] { answered->set_value(); });
  const bool alive = future.wait_for(std::chrono::seconds(2)) == std::future_status::ready;
  return {alive, nlohmann::json{{"schema", "cchost.health/v1"},
                                {"status", alive ? "ok" : "unresponsive"},
                                {"participant", name},
                                {"role", role}}.dump()};
}

}  // namespace

// A participant runs for months and, in a job, briefly holds a message per peer (each
// encrypted by ZeroMQ into its own buffer as it is written). glibc raises its mmap threshold
// after such buffers are freed, so the next ones come from the heap and the process kept
// their peak resident for good (bench_processes: a server with 128 sites idled at 151 MiB).
// A fixed threshold returns every large buffer to the system when it is freed; fewer arenas
// keep the worker threads from each holding a heap of their own.
static void tune_allocator_for_a_long_running_process() {
#if defined(__GLIBC__)
  mallopt(M_MMAP_THRESHOLD, 256 * 1024);
  mallopt(M_ARENA_MAX, 4);
#endif
}

int run_participant(const RunOptions& options) {
  tune_allocator_for_a_long_running_process();
  kit::LoadOptions load_options;
  load_options.expected_root_fingerprint = options.root_fingerprint;
  auto loaded = kit::load_kit(options.kit_dir, load_options);
  if (!loaded) return boot_failure("refused kit " + options.kit_dir + ": " + loaded.message());
  const kit::Kit& k = *loaded;
  if (k.participant.role == kit::Role::Admin) return boot_failure("an admin kit cannot run a participant; use `cchost admin`");

  const fs::path workspace = fs::absolute(options.workspace.empty() ? fs::path(k.participant.name + "-workspace")
                                                                    : fs::path(options.workspace));
  // The pin is checked before anything else touches the workspace: a kit from another root
  // gets no audit entry, no nonce and no socket (README.md, "Trusting a kit").
  auto pinned = kit::pin_root_in_workspace(workspace, k.root_fingerprint);
  if (!pinned) return boot_failure("refused kit " + options.kit_dir + ": " + pinned.message());
  if (*pinned == kit::WorkspacePin::Recorded && !options.root_fingerprint) {
    std::cerr << "cchost run: no --root-fingerprint given; trusting root " << k.root_fingerprint
              << " on first use and pinning it in " << (workspace / kit::kWorkspaceRootPin).string()
              << " (compare it with the fingerprint ccprovision printed)\n";
  }
  auto store = job::StateStore::open(workspace);
  if (!store) return boot_failure(store.message());
  auto audit_signer = load_kit_signing_key(k.audit_key_path, "audit key");
  if (!audit_signer) return boot_failure(audit_signer.message());
  auto audit_log = audit::AuditLog::open(store->audit_log_path(), {.repair_torn_tail = true},
                                         audit::AuditSigning(std::move(*audit_signer)));
  if (!audit_log) return boot_failure("audit log: " + audit_log.message());
  attest::NonceRegistry::Options nonce_options;
  nonce_options.file = store->nonce_log_path();
  nonce_options.validity_seconds = static_cast<std::int64_t>(k.runtime.request_timeout_s) * 4 + 60;
  auto nonces = attest::NonceRegistry::open(nonce_options);
  if (!nonces) return boot_failure(nonces.message());

  auto loaded_authorizers = load_kit_authorizers(k);
  if (!loaded_authorizers) return boot_failure(loaded_authorizers.message());
  const auto& authorizers = loaded_authorizers->authorizers;
  // The policy's plugin sections compile from the kit's plugins' knob tables (data only).
  auto catalog = attest::catalog_of(authorizers);
  if (!catalog) return boot_failure("authorizer vocabulary: " + catalog.message());
  auto policy_load = policy::load_policy_file(k.policy_path.string(), *catalog);
  if (!policy_load.ok()) {
    std::string all;
    for (const auto& e : policy_load.errors) all += "\n  " + e.to_string();
    return boot_failure("policy " + k.policy_path.string() + " has errors:" + all);
  }
  auto identity = z85_to_bytes(k.curve_public);
  if (!identity) return boot_failure("kit public key: " + identity.message());

  attest::PluginAttestorConfig attestor_config;
  attestor_config.name = k.participant.name;
  attestor_config.identity_key = *identity;
  attestor_config.authorizers = authorizers;
  for (const auto& entry : k.authorizers)
    if (entry.verify_only) attestor_config.verify_only.push_back(entry.ns);
  attestor_config.policy = std::make_shared<const policy::Policy>(std::move(*policy_load.policy));
  attest::PluginAttestor attestor(std::move(attestor_config));

  boost::asio::io_context io;
  // Verification (peer appraisals, the trust-set search, plugin events) gets a worker per core.
  bus::EventBus bus(io, bus::BusOptions{std::max<std::size_t>(1, std::thread::hardware_concurrency())});
  auto log_events = bus.subscribe("*", -100, [](const bus::Event& e) {
    spdlog::debug("event {} #{} {}", e.name, e.sequence, e.payload.dump());
  }, "event-log");
  // Each plugin that subscribed (describe() "events") gets its events on the bus's pool, one
  // at a time; a slow or failing handler never holds up this io thread (plugin/event_subscriber.hpp).
  std::vector<std::unique_ptr<plugin::PluginEventSubscriber>> plugin_subscribers;
  for (const auto& authorizer : authorizers) {
    if (authorizer->info().events.empty()) continue;
    plugin_subscribers.push_back(std::make_unique<plugin::PluginEventSubscriber>(bus, authorizer));
  }
  auto publish = [&bus](const std::string& name, const nlohmann::json& payload) { bus.publish(name, payload); };
  auto run_on_bus = [&bus](std::function<void()> work) { (void)bus.run_verification(std::move(work)); };
  auto audit_sink = [&](const std::string& type, const nlohmann::json& fields) -> Status {
    auto appended = (*audit_log)->append(type, fields);
    if (!appended) return appended.error();
    return {};
  };

  int exit_code = kExitOk;
  ServiceNotifier service(io);
  std::unique_ptr<metrics::HttpEndpoint> monitoring;
  if (options.metrics_listen) {
    auto listen = metrics::parse_listen_address(*options.metrics_listen);
    if (!listen) return boot_failure(listen.message());
    listen->health = [&io, name = k.participant.name, role = std::string(kit::role_name(k.participant.role))] {
      return loop_health(io, name, role);
    };
    auto started = metrics::HttpEndpoint::start(std::move(*listen));
    if (!started) return boot_failure(started.message());
    monitoring = std::move(*started);
    std::cout << "cchost: metrics on " << monitoring->url() << " (/metrics, /healthz)" << std::endl;
  }
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& err, int) {
    if (!err) io.stop();
  });

  const auto timeout = std::chrono::milliseconds(k.runtime.request_timeout_s * 1000);
  const auto reattest =
      std::chrono::milliseconds((options.reattest_seconds ? *options.reattest_seconds : static_cast<int>(k.runtime.reattest_interval_s)) * 1000LL);
  const std::string endpoint = "tcp://" + k.server.host + ":" + std::to_string(k.server.port);

  std::unique_ptr<job::ServerRuntime> server;
  std::unique_ptr<audit::HeadReceiver> heads;
  net::Throttle head_warnings(net::Throttle::Options{.burst = 3, .interval = std::chrono::seconds(60)});
  std::unique_ptr<job::SiteRuntime> site;
  std::string serving;  // what the service manager's status line says once ready
  net::CurveKeyPair keys{k.curve_public, k.curve_secret.reveal()};
  if (k.participant.role == kit::Role::Server) {
    job::ServerRuntimeConfig config;
    config.name = k.participant.name;
    config.net.bind_endpoint = endpoint;
    config.net.keys = keys;
    for (const auto& [name, peer] : k.participants) {
      auto role = peer.role == kit::Role::Admin ? net::Role::admin : net::Role::site;
      config.net.allow_list[peer.public_key] = net::Peer{name, role};
    }
    config.request_timeout = timeout;
    config.reattest_interval = reattest;
    config.heartbeat_budget_per_s = static_cast<std::size_t>(options.heartbeat_budget);
    config.publish = publish;
    // The trust-set search is CPU-bound: the bus's verification pool runs it, not the io thread.
    config.run_off_io = run_on_bus;
    // Each site's latest signed audit head, kept so its log can be checked against it later:
    // only heads its own audit key (listed in this kit) signed, at most one a second per site.
    std::map<std::string, crypto::PublicKey> audit_keys;
    for (const auto& [name, peer] : k.participants) {
      if (peer.audit_public_pem.empty()) continue;
      auto key = crypto::PublicKey::from_pem(peer.audit_public_pem);
      if (!key) return boot_failure("server: participants.toml: audit_public of " + name + ": " + key.message());
      audit_keys.emplace(name, std::move(*key));
    }
    heads = std::make_unique<audit::HeadReceiver>(workspace / "site-heads", std::move(audit_keys),
                                                  std::chrono::seconds(1));
    config.on_audit_head = [&heads, &head_warnings](const std::string& site, const nlohmann::json& value) {
      auto outcome = heads->receive(site, value, audit::HeadReceiver::Clock::now());
      if (!outcome && head_warnings.admit(site, net::FloodClock::now(), outcome.message())) {
        spdlog::warn("server: {}", outcome.message());
      }
    };
    // `cchost admin shutdown`: the request is already audited and answered; stop as on SIGTERM.
    // A short grace period lets the accepted reply leave the socket before the io_context stops.
    config.on_shutdown_requested = [&io, &k](const std::string& admin) {
      std::cerr << "cchost: " << k.participant.name << " shutting down at the request of " << admin << "\n";
      auto grace = std::make_shared<boost::asio::steady_timer>(io, std::chrono::milliseconds(300));
      grace->async_wait([&io, grace](const boost::system::error_code&) { io.stop(); });
    };
    auto signer = server_revocation_signer(k);
    if (!signer) return boot_failure("server: " + signer.message());
    config.revocation_signer = std::move(*signer);
    // The same audit key signs the EAR of each appraisal of a site the server records (host/ear).
    config.ear_signer = config.revocation_signer;
    auto receipt_keys = server_receipt_keys(k);
    if (!receipt_keys) return boot_failure("server: " + receipt_keys.message());
    config.receipt_keys = std::move(*receipt_keys);
    auto created = job::ServerRuntime::create(io, std::move(config), attestor, *store, **nonces, audit_sink);
    if (!created) return boot_failure("server: " + created.message());
    server = std::move(*created);
    std::cout << "cchost: server " << k.participant.name << " listening on " << server->endpoint() << std::endl;
    serving = "server " + k.participant.name + " listening on " + server->endpoint();
  } else {
    job::SiteRuntimeConfig config;
    config.name = k.participant.name;
    config.server_name = k.server.name;
    config.net.endpoint = endpoint;
    config.net.server_public_z85 = k.server_public;
    config.net.keys = keys;
    config.resources = options.resources;
    config.request_timeout = timeout;
    config.heartbeat_interval = std::chrono::milliseconds(options.heartbeat_ms);
    config.reattest_interval = reattest;
    config.publish = publish;
    // Every heartbeat carries the log's latest signed head, signed afresh when entries came since.
    config.audit_head = [&audit_log]() -> nlohmann::json {
      auto head = (*audit_log)->checkpoint();
      return head ? audit::signed_head_to_json(*head) : nlohmann::json();
    };
    config.on_shutdown = [&](const std::string& reason) {
      std::cerr << "cchost: " << k.participant.name << " shutting down: " << reason << "\n";
      exit_code = kExitUnreachable;  // told to stop: docs/cli.md
      io.stop();
    };
    auto revocation_key = site_revocation_key(k);
    if (!revocation_key) return boot_failure("site: " + revocation_key.message());
    config.revocation_key = std::move(*revocation_key);
    auto receipt_signer = site_receipt_signer(k);
    if (!receipt_signer) return boot_failure("site: " + receipt_signer.message());
    config.receipt_signer = std::move(*receipt_signer);
    // The audit key also signs the EAR of each appraisal this site records (host/ear).
    auto ear_signer = load_kit_signing_key(k.audit_key_path, "audit key");
    if (!ear_signer) return boot_failure("site: " + ear_signer.message());
    config.ear_signer = std::move(*ear_signer);
    // A job's peer appraisals run on the bus's verification pool (one worker per core).
    config.run_off_io = run_on_bus;
    auto created = job::SiteRuntime::create(io, std::move(config), attestor, *store, **nonces, audit_sink);
    if (!created) return boot_failure("site: " + created.message());
    site = std::move(*created);
    std::cout << "cchost: site " << k.participant.name << " connecting to " << endpoint << std::endl;
    serving = "site " + k.participant.name + " connecting to " + endpoint;
  }
  (void)(*audit_log)->append("system.bootstrap", {{"name", k.participant.name}, {"role", std::string(kit::role_name(k.participant.role))}});
  // Attest, then activate: our own evidence, appraised with our own policy, before the loop
  // serves anything; plugins that gate hardware act on the attest.self_appraisal event.
  const auto self_appraisal = attest::appraise_self(
      attestor, {k.participant.name, *identity, std::string(kit::role_name(k.participant.role))},
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
  if (self_appraisal.accepted) spdlog::info("{}: {}", k.participant.name, attest::describe_self_appraisal(self_appraisal));
  else spdlog::warn("{}: {}", k.participant.name, attest::describe_self_appraisal(self_appraisal));
  if (auto recorded = attest::record_self_appraisal(self_appraisal, audit_sink, publish); !recorded) {
    std::cerr << "cchost: " << k.participant.name << ": " << recorded.message() << "\n";
    exit_code = kExitRejected;
    io.stop();  // io.run() below returns at once; the shutdown path still seals the log
  } else {
    service.ready(serving);
  }
  io.run();
  service.stopping("stopping: sealing the audit log");
  server.reset();
  site.reset();
  bus.shutdown();
  // Last, after the runtimes are gone: nothing may append after the shutdown head.
  (void)(*audit_log)->append("system.end", {{"name", k.participant.name}, {"exit_code", exit_code}});
  // The signed shutdown head is the log's last entry: without it a verifier cannot tell this
  // clean stop from a log whose tail was cut.
  if (auto sealed = (*audit_log)->seal(); !sealed) {
    std::cerr << "cchost: " << k.participant.name << ": " << sealed.message() << "\n";
    if (exit_code == kExitOk) exit_code = kExitRejected;
  }
  // Only now: stopping the endpoint waits for the requests its workers hold (a slow client
  // holds one for seconds), which must not delay the seal past the service manager's stop
  // timeout. Until then /healthz answers 503 (the loop has stopped; its posts never run).
  monitoring.reset();
  return exit_code;
}

}  // namespace cchost::cli
