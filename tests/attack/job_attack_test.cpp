// A malformed or missing answer can no longer freeze a job (issue 9, defect 1). site-2 is the
// attacker: it answers one job message of the protocol with something its schema refuses (or
// not at all). Every job must still reach a terminal state, site-2 excluded with a reason that
// names the field, and the honest site-1 deployed.
#include <gtest/gtest.h>

#include "attack_cluster.hpp"

namespace cchost::attack_test {
namespace {

const std::vector<std::string> kPair = {"site-1", "site-2"};

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(AttackJob, MalformedVoteExcludesTheVoterAndTheJobEnds) {
  AttackCluster c("vote");
  ASSERT_NO_FATAL_FAILURE(c.start());
  c.site2->set_behaviour([](WireSite& me, const net::Message& m) -> std::optional<net::Message> {
    if (m.type != "peer_verify") return me.honest(m);
    return me.reply(m, "vote", {{"job_id", m.body.value("job_id", "")},
                                {"votes", {{"server", {{"accept", "yes"}, {"failed", nlohmann::json::array()}}}}}});
  });
  auto job = c.run_job("job-vote", kPair, 1);
  ASSERT_FALSE(job.empty());
  EXPECT_EQ(job.value("state", ""), "deployed") << job.dump(2);
  EXPECT_EQ(sites_of(job), std::vector<std::string>{"site-1"}) << job.dump(2);
  EXPECT_EQ(stage_of(job, "site-2"), "peer-vote") << job.dump(2);
  EXPECT_TRUE(contains(reason_of(job, "site-2"), "vote.votes.server.accept must be a boolean")) << job.dump(2);
  // The server still serves and decides the next job normally.
  c.site2->set_behaviour([](WireSite& me, const net::Message& m) { return me.honest(m); });
  auto next = c.run_job("job-after", kPair, 2);
  EXPECT_EQ(next.value("state", ""), "deployed") << next.dump(2);
  EXPECT_EQ(sites_of(next), kPair) << next.dump(2);
}

struct MalformedCase {
  const char* label;
  const char* push;                         // the push site-2 answers badly
  std::function<net::Message(WireSite&, const net::Message&)> answer;
  const char* stage;                        // where site-2 must be excluded
  const char* reason;                       // part of the reason
};

net::Message with(WireSite& me, const net::Message& m, const std::function<void(nlohmann::json&)>& edit,
                  const char* type = nullptr) {
  auto honest = *me.honest(m);
  edit(honest.body);
  if (type) honest.type = type;
  return honest;
}

TEST(AttackJob, MalformedMessagesOfEveryJobTypeExcludeTheSenderWithTheField) {
  AttackCluster c("malformed");
  ASSERT_NO_FATAL_FAILURE(c.start());
  const std::vector<MalformedCase> cases = {
      {"contribution not a string", "contribute",
       [](WireSite& me, const net::Message& m) { return with(me, m, [](auto& b) { b["contribution"] = 5; }); },
       "contribution", "contribution.contribution must be a string"},
      {"contribution too short", "contribute",
       [](WireSite& me, const net::Message& m) { return with(me, m, [](auto& b) { b["contribution"] = "abcd"; }); },
       "contribution", "contribution.contribution must be 32 bytes of hex"},
      {"contribution with an unknown key", "contribute",
       [](WireSite& me, const net::Message& m) { return with(me, m, [](auto& b) { b["extra"] = true; }); },
       "contribution", "contribution.extra is not a field of this message"},
      {"evidence bundle not an object", "challenge",
       [](WireSite& me, const net::Message& m) { return with(me, m, [](auto& b) { b["bundle"] = "x"; }); },
       "attestation", "evidence.bundle must be an object"},
      {"evidence answered with a vote", "challenge",
       [](WireSite& me, const net::Message& m) { return with(me, m, [](auto&) {}, "vote"); }, "attestation",
       "expected a 'evidence' message, got 'vote'"},
      {"votes an array", "peer_verify",
       [](WireSite& me, const net::Message& m) { return with(me, m, [](auto& b) { b["votes"] = nlohmann::json::array(); }); },
       "peer-vote", "vote.votes must be an object"},
      {"failed holds a number", "peer_verify",
       [](WireSite& me, const net::Message& m) {
         return with(me, m, [](auto& b) { b["votes"]["server"]["failed"] = nlohmann::json::array({1}); });
       },
       "peer-vote", "vote.votes.server.failed[0] must be a string"},
      {"vote for another job", "peer_verify",
       [](WireSite& me, const net::Message& m) { return with(me, m, [](auto& b) { b["job_id"] = "other-job"; }); },
       "peer-vote", "a vote for another job"},
      {"vote on someone never asked about", "peer_verify",
       [](WireSite& me, const net::Message& m) {
         return with(me, m, [](auto& b) { b["votes"]["site-9"] = {{"accept", true}, {"failed", nlohmann::json::array()}}; });
       },
       "peer-vote", "names 'site-9', which it was not asked about"},
      {"ack without payload_sha256", "deploy",
       [](WireSite& me, const net::Message& m) { return with(me, m, [](auto& b) { b.erase("payload_sha256"); }); },
       "delivery", "delivery: malformed ack (ack.payload_sha256 is missing)"},
      {"ack.stored a number", "deploy",
       [](WireSite& me, const net::Message& m) { return with(me, m, [](auto& b) { b["stored"] = 1; }); }, "delivery",
       "ack.stored must be a string"},
  };
  int n = 0;
  for (const auto& tc : cases) {
    SCOPED_TRACE(tc.label);
    c.site2->set_behaviour([&tc](WireSite& me, const net::Message& m) -> std::optional<net::Message> {
      if (m.type != tc.push) return me.honest(m);
      return tc.answer(me, m);
    });
    const std::string id = "job-malformed-" + std::to_string(++n);
    auto job = c.run_job(id, kPair, 1);
    ASSERT_FALSE(job.empty());
    EXPECT_EQ(job.value("state", ""), "deployed") << job.dump(2);
    EXPECT_EQ(sites_of(job), std::vector<std::string>{"site-1"}) << job.dump(2);
    EXPECT_EQ(stage_of(job, "site-2"), tc.stage) << job.dump(2);
    EXPECT_TRUE(contains(reason_of(job, "site-2"), tc.reason)) << job.dump(2);
  }
}

TEST(AttackJob, AVoteNeverSentEndsAtThePhaseDeadline) {
  AttackCluster c("novote");
  ASSERT_NO_FATAL_FAILURE(c.start());
  c.site2->set_behaviour([](WireSite& me, const net::Message& m) -> std::optional<net::Message> {
    if (m.type == "peer_verify") return std::nullopt;  // silence
    return me.honest(m);
  });
  auto job = c.run_job("job-silent", kPair, 1);
  ASSERT_FALSE(job.empty());
  EXPECT_EQ(job.value("state", ""), "deployed") << job.dump(2);
  EXPECT_EQ(sites_of(job), std::vector<std::string>{"site-1"}) << job.dump(2);
  EXPECT_EQ(stage_of(job, "site-2"), "peer-vote") << job.dump(2);
  const std::string why = reason_of(job, "site-2");
  EXPECT_TRUE(contains(why, "no reply from site-2 to peer_verify") || contains(why, "deadline")) << job.dump(2);
  EXPECT_EQ(c.site2->pushes_of("peer_verify"), 1u);
}

}  // namespace
}  // namespace cchost::attack_test
