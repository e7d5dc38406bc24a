// A site's peer appraisals on workers (issue 16, goal 2): the vote that comes back from them is
// the one an inline appraisal gives, in the bundles' order, to the push it answers; the
// appraisals really run at once; and a handler destroyed while they run waits for them, and
// sends nothing afterwards.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>

#include "cchost/crypto/encoding.hpp"
#include "cchost/ear/ear_token.hpp"
#include "site_push_handler.hpp"

namespace cchost::job {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// Accepts peers whose name ends in an even digit. `concurrent_goal` > 1: each appraisal waits
// (up to 5 s) until that many are inside at once, which only parallel callers can reach.
class FakeAttestor : public Attestor {
 public:
  int concurrent_goal = 1;
  std::atomic<int> inside{0}, most_inside{0}, calls{0};
  std::mutex mutex;
  std::condition_variable changed;
  bool hold = false;  // appraisals wait while set

  Result<attest::EvidenceBundle> produce(ByteView, ByteView) override { return make_error("not a prover"); }
  FailurePolicy failure_policy() const override { return {}; }
  Appraisal appraise(const AppraisalRequest& request) override {
    ++calls;
    const int now = ++inside;
    for (int seen = most_inside.load(); now > seen && !most_inside.compare_exchange_weak(seen, now);) {
    }
    {
      std::unique_lock lock(mutex);
      changed.notify_all();
      changed.wait_for(lock, 5s, [&] { return most_inside.load() >= concurrent_goal && !hold; });
    }
    --inside;
    Appraisal a;
    a.accept = (request.expected_name.back() - '0') % 2 == 0;
    if (!a.accept) a.failed_rules = {"fake.odd"};
    return a;
  }
  void release() {
    std::lock_guard lock(mutex);
    hold = false;
    changed.notify_all();
  }
};

struct Harness {
  fs::path dir = fs::temp_directory_path() / ("cchost-peer-appraisal-" + std::to_string(::getpid()) + "-" +
                                               std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
  FakeAttestor attestor;
  std::optional<StateStore> store;
  boost::asio::io_context io;
  boost::asio::thread_pool pool{2};
  std::mutex sent_mutex;
  std::vector<net::Message> sent;
  std::vector<std::string> notes;
  std::vector<nlohmann::json> note_fields;  // each note's fields, in order
  std::unique_ptr<SitePushHandler> handler;

  explicit Harness(bool workers, std::shared_ptr<const crypto::SigningKey> ear_signer = nullptr) {
    auto opened = StateStore::open(dir);
    EXPECT_TRUE(opened) << opened.message();
    store.emplace(std::move(*opened));
    SitePushContext ctx{"site-0", "server", std::nullopt, attestor, *store,
                        [this](const std::string& type, const nlohmann::json& fields) {
                          notes.push_back(type + ":" + fields.value("peer", std::string()));
                          note_fields.push_back(fields);
                        },
                        [](const std::string&, const nlohmann::json&) {}, [](const std::string&) {}, nullptr, {}, {}, {}};
    ctx.ear_signer = std::move(ear_signer);
    if (workers) {
      ctx.run_off_io = [this](std::function<void()> work) { boost::asio::post(pool, std::move(work)); };
      ctx.post_to_io = [this](std::function<void()> work) { boost::asio::post(io, std::move(work)); };
      ctx.send = [this](net::Message m) {
        std::lock_guard lock(sent_mutex);
        sent.push_back(std::move(m));
      };
    }
    handler = std::make_unique<SitePushHandler>(std::move(ctx));
  }
  ~Harness() {
    pool.join();
    handler.reset();
    std::error_code ec;
    fs::remove_all(dir, ec);
  }

  // Runs the io thread until a vote has been sent (hang guard: 20 s).
  void run_until_sent() {
    for (auto deadline = std::chrono::steady_clock::now() + 20s; std::chrono::steady_clock::now() < deadline;) {
      io.restart();
      io.run_for(10ms);
      std::lock_guard lock(sent_mutex);
      if (!sent.empty()) return;
    }
  }

  // contribute, then a peer_verify of `peers` bundles (site-1..site-N) bound to the job nonce.
  net::Message peer_verify(int peers) {
    auto contribute = net::make_message("contribute", "server", {{"job_id", "job-1"}});
    auto contribution = handler->handle(contribute);
    EXPECT_TRUE(contribution && contribution->type == "contribution");
    const std::string ours = contribution->body.value("contribution", std::string());
    nlohmann::json contributions = {{"site-0", ours}};
    nlohmann::json headers = nlohmann::json::array();
    auto m = net::make_message("peer_verify", "server", {});
    for (int i = 1; i <= peers; ++i) {
      attest::EvidenceBundle b;
      b.name = "site-" + std::to_string(i);
      b.identity_key = Bytes(32, static_cast<std::uint8_t>(i));
      b.nonce = Bytes(32, 0);
      b.issued_at = 1;
      b.tokens.push_back({"x-acme", Bytes{1, 2, 3}});
      headers.push_back(attest::bundle_header(b));
      for (auto& blob : attest::bundle_blobs(b)) m.blobs.push_back(std::move(blob));
    }
    m.body = {{"job_id", "job-1"}, {"contributions", contributions}, {"bundles", headers}};
    return m;
  }
};

void expect_votes(const net::Message& vote, const std::string& corr, int peers) {
  EXPECT_EQ(vote.type, "vote");
  EXPECT_EQ(vote.corr, corr);
  EXPECT_EQ(vote.body.value("job_id", std::string()), "job-1");
  const auto& votes = vote.body["votes"];
  ASSERT_EQ(votes.size(), static_cast<std::size_t>(peers)) << vote.body.dump();
  for (int i = 1; i <= peers; ++i) {
    const auto& v = votes["site-" + std::to_string(i)];
    EXPECT_EQ(v["accept"], i % 2 == 0) << i;
    EXPECT_EQ(v["failed"].empty(), i % 2 == 0) << i;
  }
}

TEST(SitePeerAppraisal, InlineVoteIsTheReply) {
  Harness h(false);
  auto push = h.peer_verify(6);
  auto reply = h.handler->handle(push);
  ASSERT_TRUE(reply);
  expect_votes(*reply, push.id, 6);
  EXPECT_EQ(h.attestor.most_inside.load(), 1);
}

TEST(SitePeerAppraisal, WorkersAppraiseAtOnceAndTheVoteComesBackInOrder) {
  Harness h(true);
  h.attestor.concurrent_goal = 2;
  auto push = h.peer_verify(8);
  EXPECT_FALSE(h.handler->handle(push)) << "the vote is sent later, from the io thread";
  h.run_until_sent();
  std::lock_guard lock(h.sent_mutex);
  ASSERT_EQ(h.sent.size(), 1u);
  expect_votes(h.sent[0], push.id, 8);
  EXPECT_EQ(h.attestor.calls.load(), 8);
  EXPECT_GE(h.attestor.most_inside.load(), 2) << "two workers appraised at the same time";
  // The audit notes follow the bundles' order, then the vote.
  ASSERT_EQ(h.notes.size(), 9u);
  for (int i = 1; i <= 8; ++i) EXPECT_EQ(h.notes[i - 1], "peer.appraisal:site-" + std::to_string(i));
  EXPECT_EQ(h.notes[8], "vote:");
}

// With the site's audit key, every peer.appraisal entry carries the EAR of that appraisal
// (host/ear), signed with it; without one, none.
TEST(SitePeerAppraisal, EachAppraisalEntryCarriesItsSignedEar) {
  auto key = std::make_shared<const crypto::SigningKey>(*crypto::SigningKey::generate());
  Harness h(false, key);
  auto reply = h.handler->handle(h.peer_verify(2));
  ASSERT_TRUE(reply);
  ASSERT_EQ(h.note_fields.size(), 3u);
  for (int i = 1; i <= 2; ++i) {
    const auto& fields = h.note_fields[static_cast<std::size_t>(i - 1)];
    ASSERT_TRUE(fields.contains("ear")) << fields.dump();
    auto ear = ear::verify_ear(fields["ear"].get<std::string>(), key->public_key());
    ASSERT_TRUE(ear) << ear.message();
    const auto& submod = ear->claims["submods"]["site-" + std::to_string(i)];
    EXPECT_EQ(submod["ear.status"], i % 2 == 0 ? "affirming" : "contraindicated") << submod.dump();
    EXPECT_TRUE(ear->claims.contains("eat_nonce")) << "the job nonce the bundles answer";
  }
  EXPECT_FALSE(h.note_fields[2].contains("ear")) << "the vote itself is not an appraisal";

  Harness without(false);
  ASSERT_TRUE(without.handler->handle(without.peer_verify(1)));
  ASSERT_FALSE(without.note_fields.empty());
  EXPECT_FALSE(without.note_fields[0].contains("ear"));
  EXPECT_FALSE(without.note_fields[0].contains("ear_error"));
}

// A duplicated peer is refused before any worker is asked.
TEST(SitePeerAppraisal, TwoBundlesOfOnePeerAreRefusedAtOnce) {
  Harness h(true);
  auto push = h.peer_verify(2);
  push.body["bundles"][1] = push.body["bundles"][0];
  auto reply = h.handler->handle(push);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->type, net::kErrorType);
  EXPECT_NE(reply->body.dump().find("two bundles of 'site-1'"), std::string::npos) << reply->body.dump();
  EXPECT_EQ(h.attestor.calls.load(), 0);
}

// A job's peers are appraised once at a time: while its batch runs, the same peer_verify again
// (a replay, or a server queueing batch after batch) is refused; once voted, the job may be
// asked again.
TEST(SitePeerAppraisal, ASecondPeerVerifyOfAJobBeingAppraisedIsRefused) {
  Harness h(true);
  h.attestor.hold = true;
  auto push = h.peer_verify(2);
  EXPECT_FALSE(h.handler->handle(push));
  auto again = h.handler->handle(push);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->type, net::kErrorType);
  EXPECT_NE(again->body.dump().find("already being appraised"), std::string::npos) << again->body.dump();
  h.attestor.release();
  h.run_until_sent();
  {
    std::lock_guard lock(h.sent_mutex);
    ASSERT_EQ(h.sent.size(), 1u);
  }
  EXPECT_FALSE(h.handler->handle(push)) << "voted: the job may be appraised again";
}

TEST(SitePeerAppraisal, DestroyedWhileAppraisingWaitsAndSendsNothing) {
  Harness h(true);
  h.attestor.hold = true;
  auto push = h.peer_verify(4);
  EXPECT_FALSE(h.handler->handle(push));
  {
    std::unique_lock lock(h.attestor.mutex);
    ASSERT_TRUE(h.attestor.changed.wait_for(lock, 5s, [&] { return h.attestor.inside.load() > 0; }));
  }
  std::atomic<bool> destroyed{false};
  std::thread destroyer([&] {
    h.handler.reset();
    destroyed = true;
  });
  std::this_thread::sleep_for(200ms);
  EXPECT_FALSE(destroyed.load()) << "the handler must outlive the appraisals that use its attestor";
  h.attestor.release();
  destroyer.join();
  EXPECT_TRUE(destroyed.load());
  h.io.restart();
  h.io.run_for(100ms);  // the vote posted back finds the handler gone
  std::lock_guard lock(h.sent_mutex);
  EXPECT_TRUE(h.sent.empty());
}

}  // namespace
}  // namespace cchost::job
