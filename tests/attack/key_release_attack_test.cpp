// Key release end to end (issue 13, part 2): a real `cchost run` server and site-1, site-2 and
// site-3 played over the wire. site-3 passes attestation (so it bound a job key) but declines
// the server in its vote, so it is excluded: the wire record shows it never received a deploy
// at all. The accepted sites hold the exact payload; site-2's ciphertext, copied to site-3 or
// replayed into another job, does not open.
#include <gtest/gtest.h>

#include <fstream>

#include "attack_cluster.hpp"
#include "cchost/crypto/encoding.hpp"
#include "cchost/crypto/hash.hpp"

namespace cchost::attack_test {
namespace {

WireSite::Behaviour declining_the_server() {
  return [](WireSite& me, const net::Message& m) -> std::optional<net::Message> {
    auto answer = me.honest(m);
    if (m.type == "peer_verify" && answer) answer->body["votes"]["server"] = {{"accept", false}, {"failed", {"test.declines"}}};
    return answer;
  };
}

Bytes read_all(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return Bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

TEST(AttackKeyRelease, ExcludedSiteReceivesNoCiphertextAndCopiesDoNotOpen) {
  AttackCluster c("keyrel");
  ASSERT_NO_FATAL_FAILURE(c.start(/*register_site3=*/true));
  c.site3->set_behaviour(declining_the_server());
  const std::string payload = "the model weights, released only to attested sites";
  auto job = c.run_job("job-kr", {"site-1", "site-2", "site-3"}, 2, payload);
  ASSERT_FALSE(job.empty());
  ASSERT_EQ(job.value("state", ""), "deployed") << job.dump(2);
  EXPECT_EQ(sites_of(job), (std::vector<std::string>{"site-1", "site-2"})) << job.dump(2);
  EXPECT_EQ(stage_of(job, "site-3"), "peer-vote") << job.dump(2);

  // On the wire: site-3 answered the job challenge (it holds a job key) but got no deploy.
  EXPECT_EQ(c.site3->pushes_of("deploy"), 0u);
  EXPECT_TRUE(c.site3->deploys().empty());
  EXPECT_GE(c.site3->pushes_of("challenge"), 1u);
  // The job record keeps the keys the payload was sealed to: the final set's only.
  const auto keys = job.value("job_keys", nlohmann::json::object());
  EXPECT_TRUE(keys.contains("site-1") && keys.contains("site-2")) << job.dump(2);
  EXPECT_FALSE(keys.contains("site-3")) << job.dump(2);

  // The accepted sites hold the exact payload.
  const Bytes want = crypto::sha256(as_bytes(payload));
  EXPECT_EQ(crypto::sha256(c.site2->opened_payload("job-kr")), want);
  EXPECT_EQ(crypto::sha256(read_all(c.h.workspace("site-1") / "jobs" / "job-kr" / "payload")), want);

  // What site-2 received is ciphertext, and it opens for site-2 only.
  auto deploys = c.site2->deploys();
  ASSERT_FALSE(deploys.empty());
  const auto& received = deploys.back();
  ASSERT_EQ(received.blobs.size(), 1u);
  EXPECT_EQ(std::string(received.blobs[0].begin(), received.blobs[0].end()).find(payload), std::string::npos)
      << "the payload travelled in the clear";
  EXPECT_FALSE(c.site3->open_as("job-kr", received)) << "site-2's ciphertext opened for site-3";

  // Replayed into another job: site-2 binds a new key for job-kr2; job-kr's ciphertext does not open with it.
  auto second = c.run_job("job-kr2", {"site-1", "site-2"}, 2, payload);
  ASSERT_EQ(second.value("state", ""), "deployed") << second.dump(2);
  EXPECT_FALSE(c.site2->open_as("job-kr2", received)) << "job-kr's ciphertext opened in job-kr2";
  EXPECT_TRUE(c.site2->open_as("job-kr2", c.site2->deploys().back())) << "job-kr2's own ciphertext does not open";
}

}  // namespace
}  // namespace cchost::attack_test
