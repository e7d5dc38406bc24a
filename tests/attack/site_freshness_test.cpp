// Freshness is the relying party's (issue 9, defect 6), seen from a site: the test plays the
// server (a real CURVE ROUTER with the server kit's keys and allow-list) against site-1 as a
// real `cchost run` process. The site contributes to the job nonce, refuses to sign a nonce
// that does not commit to its contribution, and declines any peer_verify bundle, the server's
// included, that is not bound to the nonce it recomputes itself (stale or relayed evidence);
// a malformed push is answered with an error naming the field.
#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <condition_variable>
#include <mutex>
#include <sys/stat.h>

#include <fstream>
#include <thread>

#include "cchost/attest/binding.hpp"
#include "cchost/attest/bundle.hpp"
#include "cchost/crypto/encoding.hpp"
#include "cchost/crypto/hash.hpp"
#include "cchost/crypto/random.hpp"
#include "cchost/job/identity_key.hpp"
#include "cchost/job/job_nonce.hpp"
#include "cchost/job/receipt.hpp"
#include "cchost/kit/kit.hpp"
#include "cchost/net/server.hpp"
#include "in_process_site.hpp"
#include "payload_seal.hpp"
#include "runtime_harness.hpp"

namespace cchost::attack_test {
namespace {

using runtime_test::RuntimeHarness;

// The server end, played by the test: pushes a message and waits for the reply to it.
class FakeServer {
 public:
  ~FakeServer() {
    if (work_) work_.reset();
    io_.stop();
    if (thread_.joinable()) thread_.join();
    server_.reset();
  }

  Status start(const kit::Kit& k, int port) {
    net::ServerConfig config;
    config.bind_endpoint = "tcp://127.0.0.1:" + std::to_string(port);
    config.keys = {k.curve_public, k.curve_secret.reveal()};
    config.name = k.participant.name;
    config.limits.max_frames = 4096;
    for (const auto& [name, peer] : k.participants)
      config.allow_list[peer.public_key] = net::Peer{name, peer.role == kit::Role::Admin ? net::Role::admin : net::Role::site};
    auto created = net::Server::create(io_, config);
    if (!created) return created.error();
    server_ = std::move(*created);
    server_->on_message([this](const net::Delivery& d) {
      std::lock_guard lock(mu_);
      if (d.message.corr.empty())
        heard_from_.insert(d.peer.name);  // register, heartbeat...: the route is known now
      else
        replies_[d.message.corr] = d.message;
      cv_.notify_all();
    });
    work_.emplace(boost::asio::make_work_guard(io_));
    thread_ = std::thread([this] { io_.run(); });
    return {};
  }

  bool wait_heard_from(const std::string& site, std::chrono::seconds limit) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, limit, [&] { return heard_from_.count(site) > 0; });
  }

  std::optional<net::Message> push(const std::string& site, net::Message m,
                                   std::chrono::seconds limit = std::chrono::seconds(20)) {
    const std::string id = m.id;
    server_->push(site, std::move(m));
    std::unique_lock lock(mu_);
    if (!cv_.wait_for(lock, limit, [&] { return replies_.count(id) > 0; })) return std::nullopt;
    return replies_[id];
  }

 private:
  boost::asio::io_context io_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::unique_ptr<net::Server> server_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::set<std::string> heard_from_;
  std::map<std::string, net::Message> replies_;
};

struct SiteUnderTest {
  RuntimeHarness h{"sitefresh"};
  FakeServer server;
  std::unique_ptr<attest::PluginAttestor> server_attestor;

  void start() {
    runtime_test::ProjectSpec spec;
    spec.server_policy = runtime_test::lenient_policy();
    spec.sites = {{"site-1", runtime_test::lenient_policy(), false}};
    auto provisioned = h.provision(spec);
    ASSERT_EQ(provisioned.exit_code, 0) << provisioned.output;
    auto k = kit::load_kit(h.kit("server"));
    ASSERT_TRUE(k) << k.message();
    auto t = runtime_test::make_authorizer_template(*k);
    ASSERT_TRUE(t) << t.message();
    auto key = job::z85_key_bytes(k->curve_public);
    ASSERT_TRUE(key);
    auto attestor = runtime_test::make_attestor(*t, "server", *key, k->policy_path);
    ASSERT_TRUE(attestor) << attestor.message();
    server_attestor = std::move(*attestor);
    auto st = server.start(*k, h.port());
    ASSERT_TRUE(st) << st.message();
    ASSERT_TRUE(h.start("site-1"));
    ASSERT_TRUE(server.wait_heard_from("site-1", std::chrono::seconds(60))) << h.read_log("site-1");
  }

  // Round 1: site-1's contribution to `job`.
  Bytes contribution(const std::string& job) {
    auto reply = server.push("site-1", net::make_message("contribute", "server", {{"job_id", job}}));
    EXPECT_TRUE(reply) << h.read_log("site-1");
    if (!reply) return {};
    EXPECT_EQ(reply->type, "contribution") << reply->body.dump();
    auto c = crypto::hex_decode(reply->body.value("contribution", std::string()));
    EXPECT_TRUE(c && c->size() == job::kContributionSize) << reply->body.dump();
    return c ? *c : Bytes{};
  }

  std::optional<net::Message> peer_verify(const std::string& job, const job::Contributions& contributions,
                                          const attest::EvidenceBundle& bundle) {
    nlohmann::json cj = nlohmann::json::object();
    for (const auto& [name, c] : contributions) cj[name] = crypto::hex_encode(c);
    auto m = net::make_message("peer_verify", "server",
                               {{"job_id", job}, {"contributions", cj}, {"bundles", {attest::bundle_header(bundle)}}});
    m.blobs = attest::bundle_blobs(bundle);
    return server.push("site-1", std::move(m));
  }
};

nlohmann::json vote_on(const std::optional<net::Message>& reply, const std::string& peer) {
  if (!reply || reply->type != "vote") return nlohmann::json();
  return reply->body["votes"].value(peer, nlohmann::json());
}

TEST(AttackSiteFreshness, PeerEvidenceMustBeBoundToTheNonceTheSiteRecomputes) {
  SiteUnderTest s;
  ASSERT_NO_FATAL_FAILURE(s.start());

  // Control: the server's bundle bound to the job nonce committing to site-1's contribution.
  job::Contributions contributions = {{"server", crypto::random_bytes(32)}, {"site-1", s.contribution("job-a")}};
  auto nonce = job::compute_job_nonce("job-a", contributions);
  ASSERT_TRUE(nonce);
  auto fresh = s.server_attestor->produce(*nonce);
  ASSERT_TRUE(fresh);
  auto reply = s.peer_verify("job-a", contributions, *fresh);
  ASSERT_TRUE(reply) << s.h.read_log("site-1");
  EXPECT_EQ(vote_on(reply, "server").value("accept", false), true) << reply->body.dump();

  // Stale or relayed: a genuine bundle bound to another nonce (e.g. an earlier job's, or one
  // the server drew itself). v1 sites took the nonce from the bundle and accepted it.
  contributions = {{"server", crypto::random_bytes(32)}, {"site-1", s.contribution("job-b")}};
  auto stale = s.server_attestor->produce(crypto::random_bytes(32));
  ASSERT_TRUE(stale);
  reply = s.peer_verify("job-b", contributions, *stale);
  ASSERT_TRUE(reply) << s.h.read_log("site-1");
  ASSERT_EQ(reply->type, "vote") << reply->body.dump();
  EXPECT_EQ(vote_on(reply, "server").value("accept", true), false) << "stale evidence accepted: " << reply->body.dump();
  EXPECT_NE(vote_on(reply, "server").dump().find("binding.nonce"), std::string::npos) << reply->body.dump();

  // The bundle relayed from job-a (fresh then) into job-b is declined the same way.
  reply = s.peer_verify("job-b", contributions, *fresh);
  ASSERT_TRUE(reply);
  EXPECT_EQ(vote_on(reply, "server").value("accept", true), false) << "relayed evidence accepted: " << reply->body.dump();

  // Contributions without site-1's own: no freshness for it, so it does not vote at all.
  job::Contributions forged = {{"server", crypto::random_bytes(32)}, {"site-1", crypto::random_bytes(32)}};
  auto forged_nonce = job::compute_job_nonce("job-b", forged);
  auto forged_bundle = s.server_attestor->produce(*forged_nonce);
  reply = s.peer_verify("job-b", forged, *forged_bundle);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->type, "error") << reply->body.dump();
  EXPECT_NE(reply->body.value("reason", "").find("do not hold this site's own"), std::string::npos) << reply->body.dump();
}

TEST(AttackSiteFreshness, SiteSignsOnlyAJobNonceCommittingToItsContribution) {
  SiteUnderTest s;
  ASSERT_NO_FATAL_FAILURE(s.start());
  job::Contributions contributions = {{"server", crypto::random_bytes(32)}, {"site-1", s.contribution("job-c")}};
  nlohmann::json cj = {{"server", crypto::hex_encode(contributions["server"])},
                       {"site-1", crypto::hex_encode(contributions["site-1"])}};
  // A nonce of the server's choosing is refused...
  auto reply = s.server.push("site-1", net::make_message("challenge", "server",
                                                          {{"purpose", "job"},
                                                           {"job_id", "job-c"},
                                                           {"nonce", crypto::hex_encode(crypto::random_bytes(32))},
                                                           {"contributions", cj}}));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->type, "error") << reply->body.dump();
  // ...the job nonce is signed.
  auto nonce = job::compute_job_nonce("job-c", contributions);
  reply = s.server.push("site-1", net::make_message("challenge", "server",
                                                     {{"purpose", "job"},
                                                      {"job_id", "job-c"},
                                                      {"nonce", crypto::hex_encode(*nonce)},
                                                      {"contributions", cj}}));
  ASSERT_TRUE(reply);
  ASSERT_EQ(reply->type, "evidence") << reply->body.dump();
  EXPECT_EQ(reply->body["bundle"].value("nonce", ""), crypto::hex_encode(*nonce));
}

TEST(AttackSiteFreshness, MalformedPushesAreRefusedNamingTheField) {
  SiteUnderTest s;
  ASSERT_NO_FATAL_FAILURE(s.start());
  struct Case {
    const char* type;
    nlohmann::json body;
    std::vector<Bytes> blobs;
    const char* reason;
  };
  const Bytes payload = {1, 2, 3};
  const std::vector<Case> cases = {
      {"contribute", {{"job_id", 5}}, {}, "contribute.job_id must be a string"},
      {"contribute", {{"job_id", "../x"}}, {}, "contribute.job_id is not a valid job id"},
      {"challenge", {{"purpose", "job"}, {"job_id", "j"}, {"nonce", "00"}}, {}, "challenge.nonce must be 32 bytes of hex"},
      {"challenge", {{"purpose", "other"}, {"nonce", std::string(64, '0')}}, {}, "challenge.purpose must be"},
      {"peer_verify", {{"job_id", "j"}, {"contributions", {{"site-1", std::string(64, '0')}}}, {"bundles", "x"}}, {},
       "peer_verify.bundles must be an array"},
      {"deploy", {{"job_id", "j"}}, {payload}, "deploy.payload_sha256 is missing"},
      {"deploy", {{"job_id", "j"}, {"payload_sha256", std::string(64, 'b')}}, {payload}, "deploy.enc is missing"},
      {"deploy", {{"job_id", "j"}, {"payload_sha256", std::string(64, 'b')}, {"enc", std::string(62, '0')}}, {Bytes(16)},
       "deploy.enc must be 32 bytes of hex"},
      {"deploy", {{"job_id", "j"}, {"payload_sha256", std::string(64, 'b')}, {"enc", std::string(64, '0')}}, {payload},
       "shorter than its 16-byte tag"},
      {"deploy", {{"job_id", "j"}, {"payload_sha256", std::string(64, 'b')}, {"enc", std::string(64, '0')}}, {Bytes(20)},
       "no job key for job 'j'"},
      {"shutdown", {{"reason", 7}}, {}, "shutdown.reason must be a string"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.type) + " " + c.body.dump());
    auto m = net::make_message(c.type, "server", c.body);
    m.blobs = c.blobs;
    auto reply = s.server.push("site-1", std::move(m));
    ASSERT_TRUE(reply) << s.h.read_log("site-1");
    EXPECT_EQ(reply->type, "error") << reply->body.dump();
    EXPECT_NE(reply->body.value("reason", "").find(c.reason), std::string::npos) << reply->body.dump();
  }
  EXPECT_FALSE(std::filesystem::exists(s.h.workspace("site-1") / "jobs" / "j" / "payload"))
      << "a payload with the wrong digest was stored";
  EXPECT_TRUE(s.h.running("site-1")) << "a malformed shutdown stopped the site";
}


// Key release (issue 13, parts 1 and 2) against a real site process: its job evidence binds a
// fresh job key (binding v2), a key swapped into the bundle fails binding.job_key, and a payload
// sealed to that key opens only for this site and this job, once; the plaintext lands in the
// workspace with mode 0600.
struct JobEvidence {
  attest::EvidenceBundle bundle;
  Bytes nonce;
};

JobEvidence job_evidence(SiteUnderTest& s, const std::string& job) {
  job::Contributions contributions = {{"server", crypto::random_bytes(32)}, {"site-1", s.contribution(job)}};
  auto nonce = job::compute_job_nonce(job, contributions);
  EXPECT_TRUE(nonce);
  nlohmann::json cj = nlohmann::json::object();
  for (const auto& [name, c] : contributions) cj[name] = crypto::hex_encode(c);
  auto reply = s.server.push("site-1", net::make_message("challenge", "server",
                                                          {{"purpose", "job"}, {"job_id", job},
                                                           {"nonce", crypto::hex_encode(*nonce)}, {"contributions", cj}}));
  EXPECT_TRUE(reply) << s.h.read_log("site-1");
  if (!reply) return {};
  EXPECT_EQ(reply->type, "evidence") << reply->body.dump();
  auto bundle = attest::bundle_from_wire(reply->body["bundle"], reply->blobs);
  EXPECT_TRUE(bundle) << bundle.message();
  if (!bundle) return {};
  return {std::move(*bundle), *nonce};
}

attest::Appraisal appraise_job_evidence(SiteUnderTest& s, const attest::EvidenceBundle& bundle, const Bytes& nonce) {
  attest::AppraisalRequest req;
  req.bundle = &bundle;
  req.expected_nonce = nonce;
  req.expected_name = "site-1";
  req.peer_role = "site";
  req.require_job_key = true;
  return s.server_attestor->appraise(req);
}

bool has(const std::vector<std::string>& v, const std::string& x) { return std::find(v.begin(), v.end(), x) != v.end(); }

std::optional<net::Message> deploy(SiteUnderTest& s, const std::string& job_id, const crypto::hpke::Sealed& sealed,
                                   const Bytes& payload) {
  auto m = net::make_message("deploy", "server",
                             {{"job_id", job_id},
                              {"payload_sha256", crypto::hex_encode(crypto::sha256(payload))},
                              {"enc", crypto::hex_encode(sealed.enc)}});
  m.blobs = {sealed.ciphertext};
  return s.server.push("site-1", std::move(m));
}

TEST(AttackKeyRelease, JobEvidenceBindsAJobKeyAndASwappedKeyFailsBindingJobKey) {
  SiteUnderTest s;
  ASSERT_NO_FATAL_FAILURE(s.start());
  auto ev = job_evidence(s, "job-k");
  ASSERT_EQ(ev.bundle.binding_version, 2);
  ASSERT_EQ(ev.bundle.job_key.size(), 32u);
  auto genuine = appraise_job_evidence(s, ev.bundle, ev.nonce);
  EXPECT_TRUE(genuine.accept) << genuine.detail.dump();

  // A man in the middle swaps in his own key so that the payload would be sealed to him.
  auto swapped = ev.bundle;
  swapped.job_key = crypto::hpke::X25519KeyPair::generate()->public_key();
  auto appraisal = appraise_job_evidence(s, swapped, ev.nonce);
  EXPECT_FALSE(appraisal.accept);
  EXPECT_TRUE(has(appraisal.failed_rules, "binding.job_key")) << appraisal.detail.dump();

  // Downgraded to v1 (no key): the job evidence no longer verifies, and no key is there to seal to.
  auto v1 = ev.bundle;
  v1.binding_version = 1;
  v1.job_key.clear();
  appraisal = appraise_job_evidence(s, v1, ev.nonce);
  EXPECT_FALSE(appraisal.accept);
  EXPECT_TRUE(has(appraisal.failed_rules, "binding.job_key")) << appraisal.detail.dump();
}

TEST(AttackKeyRelease, SealedPayloadOpensOnlyForThisSiteAndJobOnceAndIsStored0600) {
  SiteUnderTest s;
  ASSERT_NO_FATAL_FAILURE(s.start());
  auto a = job_evidence(s, "job-a");
  auto b = job_evidence(s, "job-b");
  ASSERT_EQ(a.bundle.job_key.size(), 32u);
  ASSERT_EQ(b.bundle.job_key.size(), 32u);
  ASSERT_NE(a.bundle.job_key, b.bundle.job_key) << "each job gets its own key";
  const Bytes payload = crypto::random_bytes(4096);

  struct Case {
    const char* what;
    std::string sealed_for_job, sealed_for_site;
    const Bytes* key;
    std::string sent_as_job;
  };
  const std::vector<Case> refused = {
      {"sealed for site-2 (copied from another site)", "job-a", "site-2", &a.bundle.job_key, "job-a"},
      {"sealed for job-b, replayed into job-a", "job-b", "site-1", &b.bundle.job_key, "job-a"},
      {"job-a's ciphertext sent as job-b", "job-a", "site-1", &a.bundle.job_key, "job-b"},
      {"sealed to job-b's key, labelled job-a", "job-a", "site-1", &b.bundle.job_key, "job-a"},
  };
  for (const auto& c : refused) {
    SCOPED_TRACE(c.what);
    auto sealed = job::seal_payload(*c.key, c.sealed_for_job, c.sealed_for_site, payload);
    ASSERT_TRUE(sealed) << sealed.message();
    auto reply = deploy(s, c.sent_as_job, *sealed, payload);
    ASSERT_TRUE(reply) << s.h.read_log("site-1");
    EXPECT_EQ(reply->type, "error") << reply->body.dump();
    EXPECT_NE(reply->body.value("reason", "").find("cannot open the sealed payload"), std::string::npos) << reply->body.dump();
  }
  EXPECT_FALSE(std::filesystem::exists(s.h.workspace("site-1") / "jobs" / "job-a" / "payload"));

  auto sealed = job::seal_payload(a.bundle.job_key, "job-a", "site-1", payload);
  ASSERT_TRUE(sealed);
  auto reply = deploy(s, "job-a", *sealed, payload);
  ASSERT_TRUE(reply) << s.h.read_log("site-1");
  ASSERT_EQ(reply->type, "ack") << reply->body.dump();
  EXPECT_EQ(reply->body.value("payload_sha256", ""), crypto::hex_encode(crypto::sha256(payload)));
  // The ack carries the site's receipt: signed with its kit's receipt key, for this job, this
  // payload and the very evidence it answered job-a's challenge with (not job-b's).
  ASSERT_TRUE(reply->body.contains("receipt")) << reply->body.dump();
  auto receipt = job::receipt_from_json(reply->body["receipt"], "ack.receipt");
  ASSERT_TRUE(receipt) << receipt.message();
  auto site_kit = kit::load_kit(s.h.kit("site-1"));
  ASSERT_TRUE(site_kit) << site_kit.message();
  auto receipt_key = crypto::PublicKey::from_pem(site_kit->receipt_public_pem);
  ASSERT_TRUE(receipt_key) << receipt_key.message();
  EXPECT_TRUE(job::verify_receipt_signature(*receipt, *receipt_key));
  EXPECT_EQ(receipt->job_id, "job-a");
  EXPECT_EQ(receipt->site, "site-1");
  EXPECT_EQ(receipt->payload_sha256, crypto::hex_encode(crypto::sha256(payload)));
  EXPECT_EQ(receipt->evidence_sha256, job::evidence_digest(a.bundle));
  EXPECT_NE(receipt->evidence_sha256, job::evidence_digest(b.bundle));
  const auto stored = s.h.workspace("site-1") / "jobs" / "job-a" / "payload";
  std::ifstream in(stored, std::ios::binary);
  const Bytes on_disk((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(crypto::sha256(on_disk), crypto::sha256(payload));
  struct stat st{};
  ASSERT_EQ(::stat(stored.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  // The job key was wiped once the payload was opened. The same deploy again (the server's
  // retry when our ack was lost) is answered with the very same ack and receipt, without
  // opening anything; another payload for the job is refused.
  const auto first_ack = reply->body;
  reply = deploy(s, "job-a", *sealed, payload);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->type, "ack") << reply->body.dump();
  EXPECT_EQ(reply->body, first_ack);
  Bytes other = payload;
  other[0] ^= 1;
  reply = deploy(s, "job-a", *sealed, other);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->type, "error") << reply->body.dump();
  EXPECT_NE(reply->body.value("reason", "").find("already stored a payload with another SHA-256"), std::string::npos)
      << reply->body.dump();
}

}  // namespace
}  // namespace cchost::attack_test
