// Signed receipts (issue 13, part 4): the server counts a site deployed only on a receipt
// signed by that site's kit key, for this job, this payload and the evidence the server
// accepted from it. site-2 is the attacker: it acknowledges with a forged receipt, with one
// signed by another key, with one of another job, or with none. Each is refused with its own
// reason and the site excluded at the delivery deadline; the honest site-1's receipt is in the
// server's audit log, and `cchost audit receipts` re-verifies it offline and fails once a
// byte of it changes.
#include <gtest/gtest.h>

#include <fstream>

#include "attack_cluster.hpp"
#include "cchost/audit/audit_log.hpp"
#include "cchost/crypto/encoding.hpp"
#include "cchost/crypto/hash.hpp"
#include "cchost/job/receipt.hpp"

namespace cchost::attack_test {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kPair = {"site-1", "site-2"};

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// site-2 answers the deploy honestly, then `edit` changes the receipt in its ack.
WireSite::Behaviour editing_receipt(std::function<void(WireSite&, const net::Message&, nlohmann::json&)> edit) {
  return [edit](WireSite& me, const net::Message& m) -> std::optional<net::Message> {
    auto answer = me.honest(m);
    if (m.type == "deploy" && answer && answer->type == "ack") edit(me, m, answer->body["receipt"]);
    return answer;
  };
}

struct Case {
  const char* what;
  WireSite::Behaviour behaviour;
  const char* reason;  // part of site-2's exclusion reason
};

TEST(AttackReceipts, ForgedForeignOrReusedReceiptsAreRefusedAndTheSiteIsNotDeployed) {
  AttackCluster c("receipt");
  ASSERT_NO_FATAL_FAILURE(c.start());
  // A receipt site-2 legitimately signed in an earlier job, to be replayed.
  auto first = c.run_job("job-honest", kPair, 2);
  ASSERT_EQ(first.value("state", ""), "deployed") << first.dump(2);
  const std::string honest_payload = crypto::hex_encode(crypto::sha256(as_bytes(std::string("attack payload"))));
  auto old_receipt = c.site2->receipt_for("job-honest", honest_payload);
  ASSERT_TRUE(old_receipt) << old_receipt.message();
  const nlohmann::json replayed = job::receipt_to_json(*old_receipt);
  auto other_key = crypto::SigningKey::generate();
  ASSERT_TRUE(other_key);
  auto foreign = std::make_shared<crypto::SigningKey>(std::move(*other_key));

  const std::vector<Case> cases = {
      {"a field changed after signing (forged)",
       editing_receipt([](WireSite&, const net::Message&, nlohmann::json& r) { r["stored_at"] = r["stored_at"].get<std::int64_t>() + 1; }),
       "signature does not verify with site-2's receipt key"},
      {"signed by a key that is not site-2's",
       editing_receipt([foreign](WireSite& me, const net::Message& m, nlohmann::json& r) {
         auto signed_by_other = me.receipt_for(m.body.value("job_id", ""), r.value("payload_sha256", ""), foreign.get());
         r = job::receipt_to_json(*signed_by_other);
       }),
       "not site-2's receipt key"},
      {"replayed from another job",
       editing_receipt([replayed](WireSite&, const net::Message&, nlohmann::json& r) { r = replayed; }),
       "the receipt is for job 'job-honest'"},
      {"naming evidence it did not present",
       editing_receipt([](WireSite& me, const net::Message& m, nlohmann::json& r) {
         auto signed_receipt = me.receipt_for(m.body.value("job_id", ""), r.value("payload_sha256", ""));
         signed_receipt->evidence_sha256 = std::string(64, 'e');
         (void)job::sign_receipt(*signed_receipt, me.receipt_key());
         r = job::receipt_to_json(*signed_receipt);
       }),
       "the receipt names evidence eeeeeeeeeeeeeeee"},
      {"no receipt at all",
       editing_receipt([](WireSite&, const net::Message&, nlohmann::json& r) { r = nullptr; }),
       "malformed ack (ack.receipt must be an object"},
  };
  int n = 0;
  for (const auto& k : cases) {
    SCOPED_TRACE(k.what);
    c.site2->set_behaviour(k.behaviour);
    const std::string id = "job-r" + std::to_string(++n);
    auto job = c.run_job(id, kPair, 1);
    ASSERT_FALSE(job.empty());
    EXPECT_EQ(job.value("state", ""), "deployed") << job.dump(2);
    EXPECT_EQ(sites_of(job), std::vector<std::string>{"site-1"}) << job.dump(2);
    EXPECT_EQ(stage_of(job, "site-2"), "delivery") << job.dump(2);
    EXPECT_TRUE(contains(reason_of(job, "site-2"), k.reason)) << job.dump(2);
  }
  // The audit log holds a job.deployed entry, with its receipt, for the honest deliveries only.
  const std::string audit = c.audit();
  EXPECT_TRUE(contains(audit, "\"receipt\":{")) << audit;
  EXPECT_TRUE(contains(audit, "receipt refused")) << "job.deploy_failed lacks the reason";

  // Offline: every receipt in the server's log verifies with the sites' keys from its kit.
  const auto log = c.h.workspace("server") / "audit.log";
  // The root pin comes from $CCHOST_ROOT_FINGERPRINT, which the harness sets from ccprovision's output.
  auto args = [&](std::vector<std::string> extra) {
    // --live: the server is still running, so its log ends after its last signed head.
    std::vector<std::string> a = {"audit", "receipts", log.string(), "--kit", c.h.kit("server").string(), "--live"};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  };
  auto all = c.h.cchost(args({}));
  EXPECT_EQ(all.exit_code, 0) << all.output;
  EXPECT_TRUE(contains(all.output, "job job-honest site-2: receipt verified")) << all.output;
  EXPECT_TRUE(contains(all.output, "job job-r1 site-1: receipt verified")) << all.output;
  EXPECT_FALSE(contains(all.output, "job-r1 site-2")) << "a refused receipt was recorded: " << all.output;
  auto one = c.h.cchost(args({"--job", "job-honest", "--json"}));
  EXPECT_EQ(one.exit_code, 0) << one.output;
  auto report = nlohmann::json::parse(one.output, nullptr, false);
  ASSERT_TRUE(report.is_object()) << one.output;
  EXPECT_EQ(report.value("verified", 0), 2) << one.output;
  auto none = c.h.cchost(args({"--job", "job-nothing"}));
  EXPECT_EQ(none.exit_code, 1) << none.output;

  // One byte of one receipt's signature changed in the log: that receipt fails (and the chain).
  std::string text = runtime_test::read_text(log);
  const std::string intact_log = text;
  const auto at = text.find("\"sig\":\"", text.find("\"receipt\":{"));
  ASSERT_NE(at, std::string::npos);
  char& byte = text[at + 7];
  byte = byte == '0' ? '1' : '0';
  std::ofstream(log, std::ios::binary | std::ios::trunc) << text;
  auto tampered = c.h.cchost(args({}));
  EXPECT_EQ(tampered.exit_code, 1) << tampered.output;
  EXPECT_TRUE(contains(tampered.output, "REFUSED: the receipt's signature does not verify")) << tampered.output;
  EXPECT_TRUE(contains(tampered.output, "the log is broken")) << tampered.output;

  // A lying server: a copy of the intact log, extended with entries signed by the server's
  // own audit key, so chain and heads verify. Each lie is refused for its own reason.
  const fs::path forged = c.h.workspace("server") / "forged-audit.log";
  {
    std::ofstream(forged, std::ios::binary | std::ios::trunc) << intact_log;
    fs::permissions(forged, fs::perms::owner_read | fs::perms::owner_write);
    auto key = crypto::SigningKey::from_pem(runtime_test::read_text(c.h.kit("server") / "keys" / "audit.key"));
    ASSERT_TRUE(key) << key.message();
    auto writer = audit::AuditLog::open(forged, {}, audit::AuditSigning(std::make_shared<crypto::SigningKey>(std::move(*key)), 1));
    ASSERT_TRUE(writer) << writer.message();
    const nlohmann::json digests = {{"site-1", std::string(64, 'a')}, {"site-2", std::string(64, 'b')}};
    // 1. A job counted deployed on site-2 with no receipt at all.
    ASSERT_TRUE((*writer)->append("job.decided", {{"id", "job-lie"}, {"state", "delivering"}, {"payload_sha256", honest_payload},
                                                  {"decided_at", 1}, {"delivery", {{"site-2", nlohmann::json::object()}}},
                                                  {"evidence_sha256", digests}}));
    ASSERT_TRUE((*writer)->append("job.delivered", {{"id", "job-lie"}, {"state", "deployed"}, {"sites", {"site-2"}}}));
    // 2. job-honest decided again (another submission, another payload): site-2's genuine
    // receipt of the first submission, replayed after it, names the other payload.
    ASSERT_TRUE((*writer)->append("job.decided", {{"id", "job-honest"}, {"state", "delivering"},
                                                  {"payload_sha256", std::string(64, 'c')}, {"decided_at", 1},
                                                  {"delivery", {{"site-2", nlohmann::json::object()}}}, {"evidence_sha256", digests}}));
    ASSERT_TRUE((*writer)->append("job.deployed", {{"job", "job-honest"}, {"site", "site-2"}, {"receipt", replayed}}));
    // 3. An entry whose fields have the wrong types.
    ASSERT_TRUE((*writer)->append("job.deployed", {{"job", 7}, {"site", nullptr}}));
    ASSERT_TRUE((*writer)->seal());
  }
  auto lies = c.h.cchost({"audit", "receipts", forged.string(), "--kit", c.h.kit("server").string()});
  EXPECT_EQ(lies.exit_code, 1) << lies.output;
  EXPECT_TRUE(contains(lies.output, "log intact")) << "the forged entries are signed by the server's key: " << lies.output;
  EXPECT_TRUE(contains(lies.output, "job job-lie site-2: REFUSED: job.delivered counts it deployed, but no verified receipt"))
      << lies.output;
  EXPECT_TRUE(contains(lies.output, "job job-honest site-2: REFUSED: the receipt names payload")) << lies.output;
  EXPECT_TRUE(contains(lies.output, "REFUSED: deployed without a receipt")) << lies.output;
}

}  // namespace
}  // namespace cchost::attack_test
