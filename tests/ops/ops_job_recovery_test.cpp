// A job is decided exactly once and always ends, whatever happens between its steps:
// - a kill -9 between the audit entry of a decision (fsync'd first) and job.json: the restarted
//   server adopts the decision the log holds instead of deciding again (a second job.decided
//   was seen in the fault suite);
// - a step that throws (here the server's own attestor, while the job's peer round is built)
//   ends the job "failed" with the reason, and the server goes on serving.
// An in-process ServerRuntime and SiteRuntime over real CURVE sockets, with the real
// snp_authorizer.so (sim backend) from a provisioned kit; the crashed workspace is written the
// way the server leaves it: audit.log (real AuditLog) one step ahead of job.json.
#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <atomic>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <thread>

#include "cchost/crypto/signing_key.hpp"
#include "cchost/audit/audit_log.hpp"
#include "cchost/crypto/encoding.hpp"
#include "cchost/crypto/hpke.hpp"
#include "cchost/crypto/hash.hpp"
#include "cchost/job/identity_key.hpp"
#include "cchost/job/server_runtime.hpp"
#include "cchost/job/site_runtime.hpp"
#include "cchost/kit/kit.hpp"
#include "cchost/net/client.hpp"
#include "in_process_site.hpp"
#include "ops_support.hpp"
#include "runtime_harness.hpp"

namespace cchost::runtime_test {
namespace {

namespace job = cchost::job;
namespace net = cchost::net;
using ops_test::audit_entries;

// The server's own attestor, made to throw once armed: a plugin or attestor failure that
// surfaces as an exception in the middle of a job step.
class ThrowingAttestor : public attest::Attestor {
 public:
  explicit ThrowingAttestor(attest::Attestor& inner) : inner_(inner) {}
  Result<attest::EvidenceBundle> produce(ByteView nonce, ByteView job_key = {}) override {
    if (armed) throw std::runtime_error("test: the attestor threw");
    return inner_.produce(nonce, job_key);
  }
  attest::Appraisal appraise(const attest::AppraisalRequest& r) override { return inner_.appraise(r); }
  attest::FailurePolicy failure_policy() const override { return inner_.failure_policy(); }
  std::atomic<bool> armed{false};

 private:
  attest::Attestor& inner_;
};

struct Node {
  std::string name;
  net::CurveKeyPair keys;
  std::unique_ptr<attest::PluginAttestor> attestor;
  std::optional<job::StateStore> store;
  std::unique_ptr<attest::NonceRegistry> nonces;
};

// A server (optionally with an armed-able attestor), site-1 and an admin key, each on a thread.
class Rig {
 public:
  explicit Rig(const std::string& label) : h_(label) {}
  ~Rig() { stop(); }

  // Provisions (for the plugin and its simulated collateral) and builds the participants.
  void prepare() {
    ProjectSpec spec;
    spec.server_policy = lenient_policy();
    spec.sites = {{"site-1", lenient_policy(), false}};
    auto provisioned = h_.provision(spec);
    ASSERT_EQ(provisioned.exit_code, 0) << provisioned.output;
    auto k = kit::load_kit(h_.kit("site-1"));
    ASSERT_TRUE(k) << k.message();
    auto t = make_authorizer_template(*k);
    ASSERT_TRUE(t) << t.message();
    template_ = *t;
    policy_ = h_.dir() / "lenient.toml";
    std::ofstream(policy_) << lenient_policy();
    server = node("server");
    site = node("site-1");
    admin = net::generate_curve_keypair();
    endpoint = "tcp://127.0.0.1:" + std::to_string(pick_free_port());
  }

  fs::path audit_path() const { return server.store->audit_log_path(); }

  // site-1's receipt key: the same across server restarts, as a kit's is.
  std::shared_ptr<const crypto::SigningKey> receipt_signer =
      std::make_shared<const crypto::SigningKey>(*crypto::SigningKey::generate());

  void start_server(attest::Attestor& attestor) {
    auto log = audit::AuditLog::open(audit_path(), {.repair_torn_tail = true});
    ASSERT_TRUE(log) << log.message();
    audit_ = std::move(*log);
    job::ServerRuntimeConfig sc;
    sc.net.bind_endpoint = endpoint;
    sc.net.keys = server.keys;
    sc.net.allow_list[site.keys.public_z85] = net::Peer{"site-1", net::Role::site};
    sc.net.allow_list[admin.public_z85] = net::Peer{"admin", net::Role::admin};
    sc.receipt_keys.emplace("site-1", receipt_signer->public_key());
    sc.request_timeout = std::chrono::seconds(2);
    sc.reattest_interval = std::chrono::milliseconds(0);
    sc.publish = [this](const std::string& e, const nlohmann::json& p) {
      if (e == "client.register.after" && p.value("accept", false)) registered = true;
    };
    auto sink = [this](const std::string& type, const nlohmann::json& fields) -> Status {
      auto appended = audit_->append(type, fields);
      if (!appended) return appended.error();
      return {};
    };
    auto rt = job::ServerRuntime::create(server_io_, std::move(sc), attestor, *server.store, *server.nonces, sink);
    ASSERT_TRUE(rt) << rt.message();
    server_rt_ = std::move(*rt);
    server_work_.emplace(boost::asio::make_work_guard(server_io_));
    server_thread_ = std::thread([this] { server_io_.run(); });
  }

  void start_site() {
    job::SiteRuntimeConfig c;
    c.name = "site-1";
    c.net.endpoint = endpoint;
    c.net.server_public_z85 = server.keys.public_z85;
    c.net.keys = site.keys;
    c.request_timeout = std::chrono::seconds(5);
    c.heartbeat_interval = std::chrono::milliseconds(500);
    c.reattest_interval = std::chrono::milliseconds(0);
    c.receipt_signer = receipt_signer;
    auto rt = job::SiteRuntime::create(site_io_, std::move(c), *site.attestor, *site.store, *site.nonces, {});
    ASSERT_TRUE(rt) << rt.message();
    site_rt_ = std::move(*rt);
    site_work_.emplace(boost::asio::make_work_guard(site_io_));
    site_thread_ = std::thread([this] { site_io_.run(); });
  }

  Result<net::Message> admin_ask(net::Message request) {
    return ops_test::ask_as_admin(endpoint, server.keys.public_z85, admin, std::move(request));
  }

  // job.json once its state is terminal; nullopt after `guard` (a hang guard, not a timing check).
  std::optional<nlohmann::json> wait_terminal(const std::string& id, std::chrono::seconds guard = std::chrono::seconds(60)) {
    const auto until = std::chrono::steady_clock::now() + guard;
    while (std::chrono::steady_clock::now() < until) {
      if (auto j = server.store->load_job(id); j) {
        const auto state = j->value("state", "");
        if (state == "deployed" || state == "failed") return *j;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return std::nullopt;
  }

  bool wait_registered(std::chrono::seconds guard = std::chrono::seconds(60)) {
    const auto until = std::chrono::steady_clock::now() + guard;
    while (!registered && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    return registered;
  }

  void stop() {
    if (site_thread_.joinable()) {
      site_io_.stop();
      site_thread_.join();
    }
    if (server_thread_.joinable()) {
      server_io_.stop();
      server_thread_.join();
    }
    site_rt_.reset();
    server_rt_.reset();
  }

  Node server, site;
  net::CurveKeyPair admin;
  std::string endpoint;
  std::atomic<bool> registered{false};

 private:
  Node node(const std::string& name) {
    Node n;
    n.name = name;
    n.keys = net::generate_curve_keypair();
    auto raw = job::z85_key_bytes(n.keys.public_z85);
    EXPECT_TRUE(raw) << raw.message();
    auto attestor = make_attestor(template_, name, *raw, policy_);
    EXPECT_TRUE(attestor) << attestor.message();
    if (attestor) n.attestor = std::move(*attestor);
    auto store = job::StateStore::open(h_.dir() / "ws" / name);
    EXPECT_TRUE(store) << store.message();
    if (store) n.store.emplace(std::move(*store));
    auto nonces = attest::NonceRegistry::open({});
    EXPECT_TRUE(nonces) << nonces.message();
    if (nonces) n.nonces = std::move(*nonces);
    return n;
  }

  RuntimeHarness h_;
  AuthorizerTemplate template_;
  fs::path policy_;
  std::unique_ptr<audit::AuditLog> audit_;
  boost::asio::io_context server_io_, site_io_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> server_work_, site_work_;
  std::unique_ptr<job::ServerRuntime> server_rt_;
  std::unique_ptr<job::SiteRuntime> site_rt_;
  std::thread server_thread_, site_thread_;
};

constexpr const char* kJob = "job-crashed";
const std::string kPayload = "payload decided before the crash";

// job.json as the server saved it while verifying (attempt 1).
nlohmann::json verifying_record() {
  return {{"id", kJob},
          {"spec", {{"deploy_map", {"site-1"}}, {"min_sites", 1}, {"retries", 0}, {"resources", nlohmann::json::object()}}},
          {"state", "verifying"},
          {"attempts", 1},
          {"reason", ""},
          {"submitted_at", 1764000000},
          {"decided_at", 0},
          {"payload_sha256", crypto::hex_encode(crypto::sha256(as_bytes(kPayload)))},
          {"sites", nlohmann::json::array()},
          {"delivery", nlohmann::json::object()},
          {"excluded", nlohmann::json::object()},
          {"trust_set", ""}};
}

// The workspace a kill -9 leaves right after the decision's audit entry was fsync'd and before
// job.json was saved: the log holds `decision`, job.json still says "verifying".
void write_crashed_workspace(Rig& rig, const nlohmann::json& decision) {
  auto& store = *rig.server.store;
  ASSERT_TRUE(store.store_payload(kJob, as_bytes(kPayload)));
  ASSERT_TRUE(store.save_job(kJob, verifying_record()));
  auto log = audit::AuditLog::open(rig.audit_path());
  ASSERT_TRUE(log) << log.message();
  ASSERT_TRUE((*log)->append("job.submitted", {{"job", kJob}, {"by", "admin"}}));
  ASSERT_TRUE((*log)->append("job.decided", decision));
}

TEST(OpsJobRecovery, DecidedFailureInTheAuditLogIsAdoptedNotDecidedAgain) {
  Rig rig("recover-failed");
  ASSERT_NO_FATAL_FAILURE(rig.prepare());
  auto decision = verifying_record();
  decision["state"] = "failed";
  decision["reason"] = "min_sites not met: 0 site(s) passed attestation, job needs 1";
  decision["decided_at"] = 1764000005;
  ASSERT_NO_FATAL_FAILURE(write_crashed_workspace(rig, decision));

  ASSERT_NO_FATAL_FAILURE(rig.start_server(*rig.server.attestor));
  auto done = rig.wait_terminal(kJob);
  rig.stop();
  ASSERT_TRUE(done) << "the recovered job never ended";
  EXPECT_EQ(done->value("state", ""), "failed") << done->dump(2);
  EXPECT_EQ(done->value("reason", ""), decision["reason"]) << "not the recorded decision: " << done->dump(2);
  EXPECT_EQ(audit_entries(rig.audit_path(), "job.decided").size(), 1u) << "the job was decided twice";
  const auto recovered = audit_entries(rig.audit_path(), "job.recovered");
  ASSERT_EQ(recovered.size(), 1u);
  EXPECT_EQ(recovered[0].value("from", ""), "job.decided");
}

// Key release (PROTOCOL.md): the payload goes only sealed to the job key the site bound into
// its evidence for this job, which lives in that site process's memory. A delivery the log
// records is resumed, not decided again, but a site that holds no key for the job (here: it
// never answered this job's challenge) gets nothing it can open: delivery ends "failed".
TEST(OpsJobRecovery, DecidedDeliveryInTheAuditLogIsResumedNotDecidedAgain) {
  Rig rig("recover-delivering");
  ASSERT_NO_FATAL_FAILURE(rig.prepare());
  auto decision = verifying_record();
  decision["state"] = "delivering";
  decision["decided_at"] = 1764000005;
  decision["sites"] = {"site-1"};
  decision["delivery"] = {{"site-1", {{"state", "pending"}, {"reason", ""}, {"tries", 0}}}};
  decision["job_keys"] = {{"site-1", crypto::hex_encode(crypto::hpke::X25519KeyPair::generate()->public_key())}};
  ASSERT_NO_FATAL_FAILURE(write_crashed_workspace(rig, decision));

  ASSERT_NO_FATAL_FAILURE(rig.start_server(*rig.server.attestor));
  ASSERT_NO_FATAL_FAILURE(rig.start_site());
  auto done = rig.wait_terminal(kJob);
  rig.stop();
  ASSERT_TRUE(done) << "the recovered job never ended";
  EXPECT_EQ(done->value("attempts", 0), 1) << "a new attempt was started: " << done->dump(2);
  EXPECT_EQ(audit_entries(rig.audit_path(), "job.decided").size(), 1u) << "the job was decided twice";
  EXPECT_EQ(audit_entries(rig.audit_path(), "job.delivered").size(), 1u);
  EXPECT_GE(audit_entries(rig.audit_path(), "job.deploy_failed").size(), 1u) << "delivery was not resumed";
  EXPECT_EQ(done->value("state", ""), "failed") << done->dump(2);
  EXPECT_TRUE(audit_entries(rig.audit_path(), "job.deployed").empty()) << "a site without its job key was deployed";
  EXPECT_NE(done->dump().find("no job key for job"), std::string::npos) << done->dump(2);
}

TEST(OpsJobRecovery, AStepThatThrowsEndsTheJobFailedAndTheServerKeepsServing) {
  Rig rig("throwing-step");
  ASSERT_NO_FATAL_FAILURE(rig.prepare());
  ThrowingAttestor throwing(*rig.server.attestor);
  ASSERT_NO_FATAL_FAILURE(rig.start_server(throwing));
  ASSERT_NO_FATAL_FAILURE(rig.start_site());
  ASSERT_TRUE(rig.wait_registered()) << "site-1 never registered";
  // From now on the server's evidence for the peer round throws inside the job step.
  throwing.armed = true;
  const std::string spec = "id = \"job-throws\"\ndeploy_map = [\"site-1\"]\nmin_sites = 1\nretries = 0\n";
  auto submitted = rig.admin_ask(net::make_message("submit", "admin", {{"spec_toml", spec}}));
  ASSERT_TRUE(submitted) << submitted.message();
  ASSERT_EQ(submitted->type, "submitted") << submitted->body.dump();
  auto done = rig.wait_terminal("job-throws");
  ASSERT_TRUE(done) << "the job was left behind by the throwing step";
  EXPECT_EQ(done->value("state", ""), "failed") << done->dump(2);
  const auto reason = done->value("reason", "");
  EXPECT_EQ(reason.rfind("internal error in ", 0), 0u) << reason;
  EXPECT_NE(reason.find("test: the attestor threw"), std::string::npos) << reason;
  // The server still answers, and the job was decided once.
  auto status = rig.admin_ask(net::make_message("status", "admin", {{"job_id", "job-throws"}}));
  ASSERT_TRUE(status) << status.message();
  ASSERT_EQ(status->type, "status.report") << status->body.dump();
  EXPECT_EQ(status->body["jobs"][0].value("state", ""), "failed");
  rig.stop();
  EXPECT_EQ(audit_entries(rig.audit_path(), "job.decided").size(), 1u);
}

}  // namespace
}  // namespace cchost::runtime_test
