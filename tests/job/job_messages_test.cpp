// The job messages' schemas (host/job/src/job_messages.hpp) and the job nonce: what a
// handler can meet is typed and checked, and every refusal names the field.
#include <gtest/gtest.h>

#include "cchost/crypto/random.hpp"
#include "cchost/job/job_nonce.hpp"
#include "job_messages.hpp"

namespace cchost::job {
namespace {

net::Message msg(const std::string& type, nlohmann::json body) { return net::make_message(type, "site-1", std::move(body)); }

TEST(JobMessages, VoteSchemaNamesTheField) {
  auto ok = parse_vote(msg("vote", {{"job_id", "j"}, {"votes", {{"server", {{"accept", true}, {"failed", {"x"}}}}}}}));
  ASSERT_TRUE(ok) << ok.message();
  EXPECT_TRUE(ok->votes.at("server").accept);
  EXPECT_EQ(ok->votes.at("server").failed, std::vector<std::string>{"x"});
  const std::vector<std::pair<nlohmann::json, std::string>> bad = {
      {{{"job_id", "j"}, {"votes", {{"server", {{"accept", "yes"}, {"failed", nlohmann::json::array()}}}}}},
       "vote.votes.server.accept must be a boolean, got string"},
      {{{"job_id", "j"}, {"votes", {{"server", {{"accept", true}}}}}}, "vote.votes.server.failed is missing"},
      {{{"job_id", "j"}, {"votes", {{"server", {{"accept", true}, {"failed", nlohmann::json::array()}, {"x", 1}}}}}},
       "vote.votes.server.x is not a field of this message"},
      {{{"votes", nlohmann::json::object()}}, "vote.job_id is missing"},
      {{{"job_id", "j"}, {"votes", 3}}, "vote.votes must be an object, got number"},
  };
  for (const auto& [body, why] : bad) {
    auto r = parse_vote(msg("vote", body));
    ASSERT_FALSE(r) << body.dump();
    EXPECT_EQ(r.message(), why) << body.dump();
  }
  auto wrong_type = parse_vote(msg("ack", {}));
  ASSERT_FALSE(wrong_type);
  EXPECT_EQ(wrong_type.message(), "expected a 'vote' message, got 'ack'");
}

// The admin's requests are schema-checked too: a mistyped field is named, not an exception
// ("internal error handling status") from deep inside the handler.
TEST(JobMessages, AdminRequestsNameTheField) {
  auto all = parse_status_request(msg("status", nlohmann::json::object()));
  ASSERT_TRUE(all) << all.message();
  EXPECT_EQ(all->job_id, "");
  auto one = parse_status_request(msg("status", {{"job_id", "j"}}));
  ASSERT_TRUE(one) << one.message();
  EXPECT_EQ(one->job_id, "j");
  EXPECT_EQ(parse_status_request(msg("status", {{"job_id", 5}})).message(), "status.job_id must be a string, got number");
  EXPECT_EQ(parse_status_request(msg("status", {{"jobid", "j"}})).message(), "status.jobid is not a field of this message");
  EXPECT_EQ(parse_submit(msg("submit", {{"spec_toml", 1}})).message(), "submit.spec_toml must be a string, got number");
  EXPECT_EQ(parse_submit(msg("submit", nlohmann::json::object())).message(), "submit.spec_toml is missing");
  auto two = msg("submit", {{"spec_toml", "id = \"j\""}});
  two.blobs = {Bytes{1}, Bytes{2}};
  EXPECT_EQ(parse_submit(two).message(), "submit: a job carries at most one payload");
  EXPECT_TRUE(parse_submit(msg("submit", {{"spec_toml", "id = \"j\""}})));
}

// Heartbeats are schema-checked before the server reads them: the interval that drives
// liveness must be an integer in range, and nothing else rides along.
TEST(JobMessages, HeartbeatSchemaNamesTheField) {
  auto bare = parse_heartbeat(msg("heartbeat", nlohmann::json::object()));
  ASSERT_TRUE(bare) << bare.message();
  EXPECT_FALSE(bare->interval);
  EXPECT_FALSE(bare->audit_head);
  auto beat = parse_heartbeat(msg("heartbeat", {{"interval_ms", 500}, {"audit_head", {{"seq", 1}}}}));
  ASSERT_TRUE(beat) << beat.message();
  EXPECT_EQ(beat->interval, std::chrono::milliseconds(500));
  EXPECT_EQ((*beat->audit_head)["seq"], 1);
  EXPECT_EQ(parse_heartbeat(msg("heartbeat", {{"interval_ms", "500"}})).message(),
            "heartbeat.interval_ms must be an integer, got string");
  EXPECT_EQ(parse_heartbeat(msg("heartbeat", {{"interval_ms", 1}})).message(),
            "heartbeat.interval_ms must be in 50..3600000, got 1");
  EXPECT_EQ(parse_heartbeat(msg("heartbeat", {{"audit_head", "x"}})).message(),
            "heartbeat.audit_head must be an object, got string");
  EXPECT_EQ(parse_heartbeat(msg("heartbeat", {{"load", 3}})).message(), "heartbeat.load is not a field of this message");
}

TEST(JobMessages, AdminOperationsNameTheField) {
  auto abort = parse_abort(msg("abort", {{"job_id", "j1"}, {"reason", "maintenance"}}));
  ASSERT_TRUE(abort) << abort.message();
  EXPECT_EQ(abort->job_id, "j1");
  EXPECT_EQ(abort->reason, "maintenance");
  EXPECT_EQ(parse_abort(msg("abort", nlohmann::json::object())).message(), "abort.job_id is missing");
  EXPECT_EQ(parse_abort(msg("abort", {{"job_id", "j1"}, {"reason", std::string(300, 'x')}})).message(),
            "abort.reason is longer than 256 characters");
  EXPECT_TRUE(parse_admin_shutdown(msg("server.shutdown", nlohmann::json::object())));
  EXPECT_EQ(parse_admin_shutdown(msg("server.shutdown", {{"now", true}})).message(),
            "server.shutdown.now is not a field of this message");
}

// What an attacker's second look tried on the vote: an unknown top-level field, and votes
// that are not objects; each is named.
TEST(JobMessages, VoteWithExtraOrMistypedFieldsIsRefused) {
  EXPECT_EQ(parse_vote(msg("vote", {{"job_id", "j"}, {"votes", nlohmann::json::object()}, {"also", true}})).message(),
            "vote.also is not a field of this message");
  EXPECT_EQ(parse_vote(msg("vote", {{"job_id", "j"}, {"votes", {{"server", true}}}})).message(),
            "vote.votes.server must be an object, got boolean");
  auto blob = msg("vote", {{"job_id", "j"}, {"votes", nlohmann::json::object()}});
  blob.blobs = {Bytes{1}};
  EXPECT_EQ(parse_vote(blob).message(), "vote: expected 0 binary frame(s), got 1");
}

TEST(JobMessages, AckNeedsTheDigest) {
  auto r = parse_deploy_ack(msg("ack", {{"job_id", "j"}, {"stored", "jobs/j/payload"}}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.message(), "ack.payload_sha256 is missing");
  // Without its receipt an ack is malformed: no site counts as deployed on its word alone.
  r = parse_deploy_ack(msg("ack", {{"job_id", "j"}, {"stored", "s"}, {"payload_sha256", std::string(64, 'A')}}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.message(), "ack.receipt is missing");
  const nlohmann::json receipt = {{"schema", "cchost.receipt/v1"}, {"job_id", "j"}, {"site", "site-1"},
                                  {"payload_sha256", std::string(64, 'a')}, {"evidence_sha256", std::string(64, 'b')},
                                  {"stored_at", 1767000000}, {"key", std::string(64, 'c')}, {"sig", std::string(128, 'd')}};
  r = parse_deploy_ack(
      msg("ack", {{"job_id", "j"}, {"stored", "s"}, {"payload_sha256", std::string(64, 'A')}, {"receipt", receipt}}));
  ASSERT_TRUE(r) << r.message();
  EXPECT_EQ(r->payload_sha256, std::string(64, 'a'));  // normalised to lowercase
  EXPECT_EQ(r->receipt.evidence_sha256, std::string(64, 'b'));
  auto bad = receipt;
  bad["sig"] = std::string(127, 'd');
  r = parse_deploy_ack(msg("ack", {{"job_id", "j"}, {"stored", "s"}, {"payload_sha256", std::string(64, 'a')}, {"receipt", bad}}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.message(), "ack.receipt.sig must be 128 lowercase hex characters");
}

// Key release: a deploy carries the HPKE enc and the sealed payload, never the plaintext.
TEST(JobMessages, DeployCarriesEncAndASealedPayload) {
  const nlohmann::json body = {{"job_id", "j"}, {"payload_sha256", std::string(64, 'b')}, {"enc", std::string(64, 'c')}};
  auto ok = msg("deploy", body);
  ok.blobs = {Bytes(16 + 3, 7)};
  auto r = parse_deploy(ok);
  ASSERT_TRUE(r) << r.message();
  EXPECT_EQ(r->enc, Bytes(32, 0xcc));
  EXPECT_EQ(r->ciphertext.size(), 19u);
  auto no_enc = msg("deploy", {{"job_id", "j"}, {"payload_sha256", std::string(64, 'b')}});
  no_enc.blobs = {Bytes(20)};
  EXPECT_EQ(parse_deploy(no_enc).message(), "deploy.enc is missing");
  auto short_enc = msg("deploy", {{"job_id", "j"}, {"payload_sha256", std::string(64, 'b')}, {"enc", "00"}});
  short_enc.blobs = {Bytes(20)};
  EXPECT_EQ(parse_deploy(short_enc).message(), "deploy.enc must be 32 bytes of hex");
  auto tagless = msg("deploy", body);
  tagless.blobs = {Bytes(15)};
  EXPECT_EQ(parse_deploy(tagless).message(), "deploy: the sealed payload is 15 bytes, shorter than its 16-byte tag");
  auto none = msg("deploy", body);
  EXPECT_EQ(parse_deploy(none).message(), "deploy: expected 1 binary frame(s), got 0");
}

TEST(JobNonce, CommitsToJobAndEveryContribution) {
  Contributions c = {{"server", crypto::random_bytes(32)}, {"site-1", crypto::random_bytes(32)}};
  auto n = compute_job_nonce("job", c);
  ASSERT_TRUE(n);
  EXPECT_EQ(n->size(), 32u);
  EXPECT_EQ(*compute_job_nonce("job", c), *n);  // deterministic
  EXPECT_NE(*compute_job_nonce("job2", c), *n);
  auto changed = c;
  changed["site-1"][0] ^= 1;
  EXPECT_NE(*compute_job_nonce("job", changed), *n);
  auto renamed = Contributions{{"server", c["server"]}, {"site-2", c["site-1"]}};
  EXPECT_NE(*compute_job_nonce("job", renamed), *n);
  EXPECT_FALSE(compute_job_nonce("job", {{"server", Bytes(31)}}));
  EXPECT_FALSE(compute_job_nonce("job", {}));
}

}  // namespace
}  // namespace cchost::job
