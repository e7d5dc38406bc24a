// Issue 9, defect 2: 57 sites each declining the two other members of its group of three kept
// the server's io thread inside the trust-set search for 370 s. Here 64 real SiteRuntimes (real
// CURVE sockets, the real snp_authorizer.so with simulated evidence, real policies) vote in
// that pattern; the server must decide within a second of starting the search, say how it
// found the set, and answer `status` while the search is pending on its worker.
#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <optional>
#include <thread>

#include "cchost/crypto/signing_key.hpp"
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
using Clock = std::chrono::steady_clock;

constexpr int kSites = 64;

std::string site_name(int i) { return "site-" + std::string(i < 10 ? "0" : "") + std::to_string(i); }
int group_of(const std::string& name) { return std::stoi(name.substr(5)) / 3; }

// A site whose own policy, beyond the real one, declines the other members of its group: the
// vote pattern of the report. The inner attestor does the real appraisal first.
class GroupDecliningAttestor : public attest::Attestor {
 public:
  GroupDecliningAttestor(attest::Attestor& inner, std::string self) : inner_(inner), self_(std::move(self)) {}
  Result<attest::EvidenceBundle> produce(ByteView nonce, ByteView job_key = {}) override {
    return inner_.produce(nonce, job_key);
  }
  attest::Appraisal appraise(const attest::AppraisalRequest& request) override {
    auto appraisal = inner_.appraise(request);
    if (request.peer_role == "site" && request.expected_name != self_ &&
        group_of(request.expected_name) == group_of(self_)) {
      appraisal.accept = false;
      appraisal.failed_rules.push_back("ops.same-group");
    }
    return appraisal;
  }
  attest::FailurePolicy failure_policy() const override { return inner_.failure_policy(); }

 private:
  attest::Attestor& inner_;
  std::string self_;
};

struct Participant {
  std::string name;
  net::CurveKeyPair keys;
  std::unique_ptr<attest::PluginAttestor> real;
  std::unique_ptr<attest::Attestor> voting;
  std::optional<job::StateStore> store;
  std::unique_ptr<attest::NonceRegistry> nonces;
};

Participant make_participant(const AuthorizerTemplate& t, const std::string& name, const fs::path& policy,
                             const fs::path& workspace) {
  Participant p;
  p.name = name;
  p.keys = net::generate_curve_keypair();
  auto raw = job::z85_key_bytes(p.keys.public_z85);
  EXPECT_TRUE(raw) << raw.message();
  auto attestor = make_attestor(t, name, *raw, policy);
  EXPECT_TRUE(attestor) << attestor.message();
  p.real = std::move(*attestor);
  if (name != "server") p.voting = std::make_unique<GroupDecliningAttestor>(*p.real, name);
  auto store = job::StateStore::open(workspace);
  EXPECT_TRUE(store) << store.message();
  p.store.emplace(std::move(*store));
  auto nonces = attest::NonceRegistry::open({});
  EXPECT_TRUE(nonces) << nonces.message();
  p.nonces = std::move(*nonces);
  return p;
}

// What the server publishes, for the test thread to wait on.
struct Events {
  std::mutex mu;
  std::condition_variable cv;
  int registered = 0;
  int votes = 0;
  std::optional<nlohmann::json> decided;
  Clock::time_point decided_at;

  void on(const std::string& name, const nlohmann::json& payload) {
    std::lock_guard<std::mutex> lock(mu);
    if (name == "client.register.after" && payload.value("accept", false)) ++registered;
    if (name == "job.deploy.peer_verify") ++votes;
    if (name == "job.decided") {
      decided = payload;
      decided_at = Clock::now();
    }
    cv.notify_all();
  }
  template <class Pred>
  bool wait(Pred pred, std::chrono::seconds limit) {
    std::unique_lock<std::mutex> lock(mu);
    return cv.wait_for(lock, limit, [&] { return pred(*this); });
  }
};

// run_off_io that holds the work until the test lets it go.
struct HeldWork {
  std::mutex mu;
  std::condition_variable cv;
  std::optional<std::function<void()>> work;
  void hold(std::function<void()> w) {
    std::lock_guard<std::mutex> lock(mu);
    work = std::move(w);
    cv.notify_all();
  }
  std::optional<std::function<void()>> take(std::chrono::seconds limit) {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait_for(lock, limit, [&] { return work.has_value(); });
    auto out = std::move(work);
    work.reset();
    return out;
  }
};

TEST(OpsMutualTrust, GroupsOfThreeAtSixtyFourSitesDecideFastOffTheIoThread) {
  RuntimeHarness h("ops-mutual");
  ProjectSpec spec;
  spec.server_policy = lenient_policy("mutual");
  spec.sites = {{"site-00", lenient_policy("mutual"), false}};
  auto provisioned = h.provision(spec);
  ASSERT_EQ(provisioned.exit_code, 0) << provisioned.output;
  auto k = kit::load_kit(h.kit("site-00"));
  ASSERT_TRUE(k) << k.message();
  auto t = make_authorizer_template(*k);
  ASSERT_TRUE(t) << t.message();
  const fs::path policy = h.dir() / "mutual.toml";
  {
    std::ofstream(policy) << lenient_policy("mutual");
  }

  auto server = make_participant(*t, "server", policy, h.dir() / "cluster" / "server");
  std::vector<Participant> sites;
  for (int i = 0; i < kSites; ++i)
    sites.push_back(make_participant(*t, site_name(i), policy, h.dir() / "cluster" / site_name(i)));
  ASSERT_FALSE(::testing::Test::HasFailure());
  const auto admin = net::generate_curve_keypair();
  const std::string endpoint = "tcp://127.0.0.1:" + std::to_string(pick_free_port());

  Events events;
  HeldWork held;
  boost::asio::io_context server_io;
  job::ServerRuntimeConfig sc;
  sc.net.bind_endpoint = endpoint;
  sc.net.keys = server.keys;
  for (const auto& s : sites) sc.net.allow_list[s.keys.public_z85] = net::Peer{s.name, net::Role::site};
  sc.net.allow_list[admin.public_z85] = net::Peer{"admin", net::Role::admin};
  std::map<std::string, std::shared_ptr<const crypto::SigningKey>> receipt_signers;
  for (const auto& s : sites) {
    auto key = crypto::SigningKey::generate();
    ASSERT_TRUE(key) << key.message();
    receipt_signers[s.name] = std::make_shared<const crypto::SigningKey>(std::move(*key));
    sc.receipt_keys.emplace(s.name, receipt_signers[s.name]->public_key());
  }
  sc.request_timeout = std::chrono::seconds(120);
  sc.reattest_interval = std::chrono::milliseconds(0);
  sc.publish = [&](const std::string& e, const nlohmann::json& p) { events.on(e, p); };
  sc.run_off_io = [&](std::function<void()> work) { held.hold(std::move(work)); };
  auto server_rt = job::ServerRuntime::create(server_io, std::move(sc), *server.real, *server.store, *server.nonces, {});
  ASSERT_TRUE(server_rt) << server_rt.message();
  auto server_work = boost::asio::make_work_guard(server_io);
  std::thread server_thread([&] { server_io.run(); });

  // Sites on four loops (peer_verify is 64 appraisals per site).
  constexpr int kLoops = 4;
  std::vector<std::unique_ptr<boost::asio::io_context>> loops;
  for (int i = 0; i < kLoops; ++i) loops.push_back(std::make_unique<boost::asio::io_context>());
  std::vector<std::unique_ptr<job::SiteRuntime>> site_rts;
  for (std::size_t i = 0; i < sites.size(); ++i) {
    auto& s = sites[i];
    job::SiteRuntimeConfig c;
    c.name = s.name;
    c.net.endpoint = endpoint;
    c.net.server_public_z85 = server.keys.public_z85;
    c.net.keys = s.keys;
    c.request_timeout = std::chrono::seconds(120);
    c.heartbeat_interval = std::chrono::seconds(2);
    c.reattest_interval = std::chrono::milliseconds(0);
    c.receipt_signer = receipt_signers[s.name];
    auto created = job::SiteRuntime::create(*loops[i % kLoops], std::move(c), *s.voting, *s.store, *s.nonces, {});
    ASSERT_TRUE(created) << created.message();
    site_rts.push_back(std::move(*created));
  }
  std::vector<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> guards;
  std::vector<std::thread> site_threads;
  for (auto& loop : loops) {
    guards.push_back(boost::asio::make_work_guard(*loop));
    site_threads.emplace_back([&loop] { loop->run(); });
  }
  std::optional<std::thread> worker;
  bool finished = false;
  auto finish = [&] {
    if (finished) return;
    finished = true;
    if (worker) worker->join();
    for (auto& loop : loops) loop->stop();
    for (auto& th : site_threads) th.join();
    server_io.stop();
    server_thread.join();
    site_rts.clear();
    server_rt->reset();
  };
  struct AtExit {
    std::function<void()> run;
    ~AtExit() { run(); }
  } stop_everything{finish};  // an ASSERT below must not leave threads running

  ASSERT_TRUE(events.wait([](Events& e) { return e.registered >= kSites; }, std::chrono::seconds(600)))
      << "registered " << events.registered;
  std::string deploy_map;
  for (const auto& s : sites) deploy_map += (deploy_map.empty() ? "\"" : ", \"") + s.name + "\"";
  const std::string job_toml = "id = \"groups\"\ndeploy_map = [" + deploy_map + "]\nmin_sites = 1\nretries = 0\n";
  auto submitted = ops_test::ask_as_admin(endpoint, server.keys.public_z85, admin, net::make_message("submit", "admin", {{"spec_toml", job_toml}}));
  ASSERT_TRUE(submitted) << submitted.message();
  ASSERT_EQ(submitted->type, "submitted") << submitted->body.dump();

  // Every vote is in and the search is pending on the worker: the io thread still serves.
  auto work = held.take(std::chrono::seconds(600));
  ASSERT_TRUE(work.has_value()) << "the trust-set search never started (votes: " << events.votes << ")";
  EXPECT_EQ(events.votes, kSites);
  auto status = ops_test::ask_as_admin(endpoint, server.keys.public_z85, admin, net::make_message("status", "admin", {{"job_id", "groups"}}));
  ASSERT_TRUE(status) << status.message();
  ASSERT_EQ(status->type, "status.report") << status->body.dump();
  EXPECT_EQ(status->body["jobs"][0].value("state", ""), "verifying");

  const auto released = Clock::now();
  worker.emplace(std::move(*work));
  ASSERT_TRUE(events.wait([](Events& e) { return e.decided.has_value(); }, std::chrono::seconds(120)))
      << "no decision within 120 s of starting the search";
  const auto decide_ms = std::chrono::duration_cast<std::chrono::milliseconds>(events.decided_at - released).count();
  const nlohmann::json decision = *events.decided;
  finish();

  std::cout << "ops: trust-set decision for " << kSites << " sites in groups of three: " << decide_ms << " ms, "
            << decision.value("trust_set", "?") << "\n";
  EXPECT_LT(decide_ms, 1000) << "generous bound (issue 9: decides within a second)";
  EXPECT_EQ(decision.value("state", ""), "deployed") << decision.dump(2);
  EXPECT_EQ(decision.value("trust_set", ""), "exact") << decision.dump(2);
  // One site of each of the 21 groups of three, and site-63 alone.
  EXPECT_EQ(decision.value("sites", nlohmann::json::array()).size(), 22u) << decision.dump(2);
  const auto excluded = decision.value("excluded", nlohmann::json::object());
  EXPECT_EQ(excluded.size(), 42u);
  ASSERT_TRUE(excluded.contains("site-01")) << decision.dump(2);
  EXPECT_EQ(excluded["site-01"].value("stage", ""), "peer-trust");
}

}  // namespace
}  // namespace cchost::runtime_test
