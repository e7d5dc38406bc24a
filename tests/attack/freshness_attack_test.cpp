// Freshness is the relying party's (issue 9, defect 6), seen from the server: a job challenge
// is answered only by evidence bound to this job's nonce (not by another nonce the server
// issued to the same site), evidence age is the server's to measure (issued_at = 1 is a lie,
// not "fresh"), and one site's register flood cannot evict another site's outstanding nonce
// (defect 7).
#include <gtest/gtest.h>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>

#include "attack_cluster.hpp"
#include "cchost/attest/binding.hpp"
#include "cchost/attest/bundle.hpp"
#include "cchost/crypto/encoding.hpp"
#include "cchost/crypto/random.hpp"

namespace cchost::attack_test {
namespace {

const std::vector<std::string> kPair = {"site-1", "site-2"};

bool has(const std::vector<std::string>& v, const std::string& x) { return std::find(v.begin(), v.end(), x) != v.end(); }

net::Message evidence_for(WireSite& me, const net::Message& push, const Bytes& nonce, std::int64_t issued_at = 0) {
  auto bundle = me.attestor().produce(nonce);
  EXPECT_TRUE(bundle) << bundle.message();
  if (issued_at) bundle->issued_at = issued_at;  // the header's issued_at is signed by nothing
  auto m = me.reply(push, "evidence", {{"bundle", attest::bundle_header(*bundle)}});
  m.blobs = attest::bundle_blobs(*bundle);
  return m;
}

TEST(AttackFreshness, AnotherOutstandingNonceDoesNotAnswerAJobChallenge) {
  AttackCluster c("othernonce");
  ASSERT_NO_FATAL_FAILURE(c.start());
  // A registration begun and never finished leaves a nonce the server issued to site-2.
  auto challenge = c.site2->ask(net::make_message(
      "register", "site-2", {{"client_nonce", crypto::hex_encode(crypto::random_bytes(attest::kNonceSize))}}));
  ASSERT_TRUE(challenge && challenge->type == "register.challenge") << (challenge ? challenge->body.dump() : challenge.message());
  auto outstanding = crypto::hex_decode(challenge->body.value("server_nonce", std::string()));
  ASSERT_TRUE(outstanding && outstanding->size() == attest::kNonceSize);
  c.site2->set_behaviour([n = *outstanding](WireSite& me, const net::Message& m) -> std::optional<net::Message> {
    if (m.type == "challenge") return evidence_for(me, m, n);
    return me.honest(m);
  });
  auto job = c.run_job("job-other-nonce", kPair, 1);
  ASSERT_FALSE(job.empty());
  EXPECT_EQ(job.value("state", ""), "deployed") << job.dump(2);
  EXPECT_EQ(sites_of(job), std::vector<std::string>{"site-1"}) << "evidence for another nonce was accepted: " << job.dump(2);
  EXPECT_EQ(stage_of(job, "site-2"), "attestation") << job.dump(2);
  EXPECT_TRUE(has(failed_of(job, "site-2"), "binding.nonce")) << job.dump(2);
}

TEST(AttackFreshness, RegistrationIsAnsweredOnlyByItsOwnServerNonce) {
  AttackCluster c("regnonce");
  ASSERT_NO_FATAL_FAILURE(c.start(false, {"--reattest-seconds", "1"}));
  // site-2 leaves the server's re-attestation challenge unanswered: that nonce, issued to
  // site-2 by the same registry, stays outstanding.
  struct Caught {
    std::mutex mu;
    std::condition_variable cv;
    std::optional<Bytes> nonce;
  };
  auto caught = std::make_shared<Caught>();
  c.site2->set_behaviour([caught](WireSite& me, const net::Message& m) -> std::optional<net::Message> {
    if (m.type != "challenge" || m.body.value("purpose", "") != "reattest") return me.honest(m);
    std::lock_guard<std::mutex> lock(caught->mu);
    if (!caught->nonce) {
      auto nonce = crypto::hex_decode(m.body.value("nonce", std::string()));
      caught->nonce = nonce ? *nonce : Bytes{};
    }
    caught->cv.notify_all();
    return std::nullopt;
  });
  Bytes reattest_nonce;
  {
    std::unique_lock<std::mutex> lock(caught->mu);
    ASSERT_TRUE(caught->cv.wait_for(lock, std::chrono::seconds(60), [&] { return caught->nonce.has_value(); }))
        << "no re-attestation challenge reached site-2\n" << c.h.log_tails();
    reattest_nonce = *caught->nonce;
  }
  ASSERT_EQ(reattest_nonce.size(), attest::kNonceSize);
  // A new registration; site-2 answers it with the re-attestation nonce instead of the
  // server_nonce this registration was given.
  auto challenge = c.site2->ask(net::make_message(
      "register", "site-2", {{"client_nonce", crypto::hex_encode(crypto::random_bytes(attest::kNonceSize))}}));
  ASSERT_TRUE(challenge && challenge->type == "register.challenge") << (challenge ? challenge->body.dump() : challenge.message());
  ASSERT_NE(challenge->body.value("server_nonce", ""), crypto::hex_encode(reattest_nonce));
  auto bundle = c.site2->attestor().produce(reattest_nonce);
  ASSERT_TRUE(bundle) << bundle.message();
  auto m = net::make_message("register.evidence", "site-2", {{"bundle", attest::bundle_header(*bundle)}});
  m.blobs = attest::bundle_blobs(*bundle);
  auto result = c.site2->ask(std::move(m));
  ASSERT_TRUE(result) << result.message();
  ASSERT_EQ(result->type, "register.result") << result->body.dump();
  EXPECT_FALSE(result->body.value("accepted", true))
      << "a re-attestation nonce answered a registration: " << result->body.dump();
  EXPECT_TRUE(has(result->body.value("failed", std::vector<std::string>{}), "binding.nonce")) << result->body.dump();
  // Answered with its own server_nonce, a registration still succeeds.
  auto again = c.site2->register_now();
  ASSERT_TRUE(again) << again.message();
  EXPECT_TRUE(*again) << c.h.log_tails();
}

TEST(AttackFreshness, IssuedAtOneIsNotFresh) {
  AttackCluster c("issuedat");
  ASSERT_NO_FATAL_FAILURE(c.start());
  c.site2->set_behaviour([](WireSite& me, const net::Message& m) -> std::optional<net::Message> {
    if (m.type != "challenge") return me.honest(m);
    auto nonce = crypto::hex_decode(m.body.value("nonce", std::string()));
    return evidence_for(me, m, *nonce, /*issued_at=*/1);
  });
  auto job = c.run_job("job-issued-at", kPair, 1);
  ASSERT_FALSE(job.empty());
  EXPECT_EQ(sites_of(job), std::vector<std::string>{"site-1"}) << "issued_at = 1 passed: " << job.dump(2);
  EXPECT_EQ(stage_of(job, "site-2"), "attestation") << job.dump(2);
  EXPECT_TRUE(has(failed_of(job, "site-2"), "bundle.issued_at")) << job.dump(2);
}

TEST(AttackFreshness, RegisterFloodDoesNotEvictAnotherSitesNonce) {
  AttackCluster c("flood");
  ASSERT_NO_FATAL_FAILURE(c.start());
  // site-2 starts a registration: its server nonce is outstanding.
  auto challenge = c.site2->ask(net::make_message(
      "register", "site-2", {{"client_nonce", crypto::hex_encode(crypto::random_bytes(attest::kNonceSize))}}));
  ASSERT_TRUE(challenge && challenge->type == "register.challenge") << c.h.log_tails();
  auto server_nonce = crypto::hex_decode(challenge->body.value("server_nonce", std::string()));
  ASSERT_TRUE(server_nonce);
  // site-3 floods: more registers than the server's whole nonce registry holds (4096).
  const std::size_t replies = c.site3->flood_register(4200, std::chrono::seconds(240));
  EXPECT_EQ(replies, 4200u) << "the flood was not fully answered";
  // site-2 finishes its registration with the nonce it was given before the flood.
  auto bundle = c.site2->attestor().produce(*server_nonce);
  ASSERT_TRUE(bundle);
  auto m = net::make_message("register.evidence", "site-2", {{"bundle", attest::bundle_header(*bundle)}});
  m.blobs = attest::bundle_blobs(*bundle);
  auto result = c.site2->ask(std::move(m));
  ASSERT_TRUE(result) << result.message();
  EXPECT_TRUE(result->body.value("accepted", false)) << "site-3's flood evicted site-2's nonce: " << result->body.dump();
  // And site-2's next job completes.
  auto job = c.run_job("job-after-flood", kPair, 2);
  EXPECT_EQ(job.value("state", ""), "deployed") << job.dump(2);
  EXPECT_EQ(sites_of(job), kPair) << job.dump(2);
}

}  // namespace
}  // namespace cchost::attack_test
