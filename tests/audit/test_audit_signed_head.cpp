// Signed heads (issue 9, defect 5): a log cut after its last signed head, emptied, or with an
// entry rewritten and every `prev` recomputed is detected by a verifier holding the writer's
// audit key. With the chain alone (the parent commit) every one of these logs read "intact".
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "audit_test_support.hpp"
#include "cchost/audit/audit_log.hpp"
#include "cchost/audit/audit_verify.hpp"
#include "cchost/audit/received_heads.hpp"
#include "cchost/audit/signed_head.hpp"
#include "cchost/crypto/encoding.hpp"
#include "cchost/crypto/hash.hpp"

namespace cchost::audit {
namespace {

using testing::ScratchDir;
using testing::join_lines;
using testing::read_file;
using testing::split_lines;
using testing::write_file;


AuditVerifyOptions with_key(const crypto::SigningKey& key, bool live = false) {
  AuditVerifyOptions options;
  options.key = key.public_key();
  options.live = live;
  return options;
}

std::string sha256_hex(const std::string& line) { return crypto::hex_encode(crypto::sha256(as_bytes(line))); }

// What a writer of the file can do without the key: rewrite lines and recompute every prev
// (and seq) after them, so the chain checks out again.
std::string rechain(std::vector<std::string> lines) {
  std::string prev(kGenesisPrev);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    auto entry = nlohmann::json::parse(lines[i]);
    entry["seq"] = i + 1;
    entry["prev"] = prev;
    // Rebuild with the header first, as the writer does, so the line looks genuine.
    std::string line = "{\"seq\":" + std::to_string(i + 1) + ",\"time\":" + entry["time"].dump() +
                       ",\"type\":" + entry["type"].dump() + ",\"prev\":\"" + prev + "\"";
    for (const auto& [k, v] : entry.items()) {
      if (k == "seq" || k == "time" || k == "type" || k == "prev") continue;
      line += "," + nlohmann::json(k).dump() + ":" + v.dump();
    }
    line += "}";
    lines[i] = line;
    prev = sha256_hex(line);
  }
  return join_lines(lines);
}

class SignedHeads : public ::testing::Test {
 protected:
  void SetUp() override {
    key_ = testing::fresh_signing_key();
    path_ = dir_ / "audit.log";
    auto log = AuditLog::open(path_, {}, AuditSigning(key_, 3));
    ASSERT_TRUE(log.ok()) << log.message();
    ASSERT_TRUE((*log)->append("system.bootstrap", {{"name", "server"}}).ok());
    for (const char* site : {"site-1", "site-2", "site-3"}) ASSERT_TRUE((*log)->append("registration", {{"site", site}}).ok());
    ASSERT_TRUE((*log)->append("job.decided", {{"job", "j1"}, {"sites", {"site-1", "site-2"}}, {"excluded", {"site-3"}}}).ok());
    ASSERT_TRUE((*log)->append("system.end", {{"name", "server"}}).ok());
    ASSERT_TRUE((*log)->seal().ok());
    text_ = read_file(path_);
  }

  AuditVerifyReport verify_text(const std::string& text, bool live = false) {
    return verify_audit_bytes(text, with_key(*key_, live));
  }

  ScratchDir dir_;
  std::shared_ptr<const crypto::SigningKey> key_;
  std::filesystem::path path_;
  std::string text_;
};

TEST_F(SignedHeads, WriterSignsAtStartCheckpointsAndShutdown) {
  auto lines = split_lines(text_);
  std::vector<std::string> reasons;
  for (const auto& line : lines) {
    auto entry = nlohmann::json::parse(line);
    if (entry["type"] == kHeadEntryType) reasons.push_back(entry["reason"]);
  }
  // start (seq 1), checkpoint after every 3 entries since the last head, shutdown last.
  EXPECT_EQ(reasons, (std::vector<std::string>{"start", "checkpoint", "checkpoint", "shutdown"})) << text_;
  EXPECT_EQ(nlohmann::json::parse(lines.front())["covers_seq"], 0);
  EXPECT_EQ(nlohmann::json::parse(lines.front())["head"], std::string(kGenesisPrev));
  auto report = verify_text(text_);
  EXPECT_TRUE(report.intact()) << report.broken->reason;
  EXPECT_TRUE(report.signatures_checked);
  EXPECT_TRUE(report.sealed);
  EXPECT_EQ(report.signed_heads, 4u);
  EXPECT_EQ(report.last_signed_seq, report.entries);
}

TEST_F(SignedHeads, CuttingTheLastLinesIsDetected) {
  auto lines = split_lines(text_);
  for (std::size_t cut = 1; cut <= 3; ++cut) {
    std::vector<std::string> kept(lines.begin(), lines.end() - static_cast<std::ptrdiff_t>(cut));
    // The chain alone cannot see it (this is what the parent commit reported as intact) ...
    EXPECT_TRUE(verify_audit_bytes(join_lines(kept)).intact()) << cut;
    // ... the signed heads can: the log no longer ends with its shutdown head.
    auto report = verify_text(join_lines(kept));
    ASSERT_FALSE(report.intact()) << "cut " << cut;
    EXPECT_EQ(report.broken->kind, AuditBreakKind::Unsealed) << report.broken->reason;
    EXPECT_NE(report.broken->reason.find("cut after its last signed head"), std::string::npos) << report.broken->reason;
  }
}

TEST_F(SignedHeads, AnEmptiedLogIsDetected) {
  EXPECT_TRUE(verify_audit_bytes("").intact());
  auto report = verify_text("");
  ASSERT_FALSE(report.intact());
  EXPECT_EQ(report.broken->kind, AuditBreakKind::NoSignedHead);
  EXPECT_NE(report.broken->reason.find("emptied"), std::string::npos) << report.broken->reason;
}

TEST_F(SignedHeads, ARewrittenDecisionWithRecomputedPrevsIsDetected) {
  auto lines = split_lines(text_);
  std::size_t decided = 0;
  for (std::size_t i = 0; i < lines.size(); ++i)
    if (lines[i].find("\"job.decided\"") != std::string::npos) decided = i;
  ASSERT_NE(decided, 0u);
  const auto pos = lines[decided].find("\"excluded\":[\"site-3\"]");
  ASSERT_NE(pos, std::string::npos) << lines[decided];
  lines[decided].replace(pos, 21, "\"excluded\":[]");

  // 1. Every prev recomputed: the next signed head still names the old head.
  const std::string rechained = rechain(lines);
  auto report = verify_text(rechained);
  ASSERT_FALSE(report.intact());
  EXPECT_EQ(report.broken->kind, AuditBreakKind::BadHead) << report.broken->reason;
  EXPECT_NE(report.broken->reason.find("was rewritten"), std::string::npos) << report.broken->reason;

  // 2. The heads' `head` fields recomputed too: the chain alone verifies (the parent commit's
  // whole check), but the signatures no longer do.
  auto relines = split_lines(rechained);
  std::string prev(kGenesisPrev);
  for (auto& line : relines) {
    auto entry = nlohmann::json::parse(line);
    if (entry["type"] == kHeadEntryType) {
      const std::string old_head = entry["head"];
      line.replace(line.find("\"head\":\"" + old_head), 8 + old_head.size(), "\"head\":\"" + prev);
    }
    prev = sha256_hex(line);
  }
  const std::string fully = rechain(relines);
  EXPECT_TRUE(verify_audit_bytes(fully).intact());
  report = verify_text(fully);
  ASSERT_FALSE(report.intact());
  EXPECT_EQ(report.broken->kind, AuditBreakKind::BadHead);
  EXPECT_NE(report.broken->reason.find("signature does not verify"), std::string::npos) << report.broken->reason;

  // 3. Every signed head dropped and the rest renumbered: no signed head is left.
  std::vector<std::string> unsigned_lines;
  for (const auto& line : lines)
    if (nlohmann::json::parse(line)["type"] != kHeadEntryType) unsigned_lines.push_back(line);
  const std::string stripped = rechain(unsigned_lines);
  EXPECT_TRUE(verify_audit_bytes(stripped).intact());
  report = verify_text(stripped);
  ASSERT_FALSE(report.intact());
  EXPECT_EQ(report.broken->kind, AuditBreakKind::NoSignedHead);
}

TEST_F(SignedHeads, ARewrittenShutdownReasonIsDetected) {
  // Cut the log right after a checkpoint head and relabel it "shutdown": the reason is signed.
  auto lines = split_lines(text_);
  std::size_t checkpoint = 0;
  for (std::size_t i = 0; i < lines.size(); ++i)
    if (lines[i].find("\"reason\":\"checkpoint\"") != std::string::npos) checkpoint = i;
  std::vector<std::string> kept(lines.begin(), lines.begin() + static_cast<std::ptrdiff_t>(checkpoint) + 1);
  auto report = verify_text(join_lines(kept));
  ASSERT_FALSE(report.intact());
  EXPECT_EQ(report.broken->kind, AuditBreakKind::Unsealed);
  kept.back().replace(kept.back().find("\"reason\":\"checkpoint\""), 21, "\"reason\":\"shutdown\"");
  report = verify_text(join_lines(kept));
  ASSERT_FALSE(report.intact());
  EXPECT_EQ(report.broken->kind, AuditBreakKind::BadHead) << report.broken->reason;
}

TEST_F(SignedHeads, AnotherKeyIsRefusedAndTheChainAloneStillVerifies) {
  auto other = testing::fresh_signing_key();
  auto report = verify_audit_bytes(text_, with_key(*other));
  ASSERT_FALSE(report.intact());
  EXPECT_EQ(report.broken->kind, AuditBreakKind::BadHead);
  EXPECT_NE(report.broken->reason.find("not the expected audit key"), std::string::npos) << report.broken->reason;
  auto chain_only = verify_audit_bytes(text_);
  EXPECT_TRUE(chain_only.intact());
  EXPECT_FALSE(chain_only.signatures_checked);
}

TEST_F(SignedHeads, LiveLogMayHaveAnUnsignedTailOnlyWhenSaidSo) {
  auto log = AuditLog::open(path_, {}, AuditSigning(key_, 100));
  ASSERT_TRUE(log.ok()) << log.message();
  ASSERT_TRUE((*log)->append("registration", {{"site", "site-4"}}).ok());
  const std::string text = read_file(path_);
  EXPECT_EQ(verify_text(text).broken->kind, AuditBreakKind::Unsealed);
  auto live = verify_text(text, /*live=*/true);
  EXPECT_TRUE(live.intact()) << live.broken->reason;
  EXPECT_EQ(live.entries - live.last_signed_seq, 1u);
}

TEST_F(SignedHeads, ReopeningAnUnsealedLogRecordsTheUncleanEnd) {
  // A crash: the last shutdown head is gone (as if the writer was killed before sealing).
  auto lines = split_lines(text_);
  lines.pop_back();
  write_file(path_, join_lines(lines));
  {
    auto log = AuditLog::open(path_, {}, AuditSigning(key_));
    ASSERT_TRUE(log.ok()) << log.message();
    ASSERT_TRUE((*log)->seal().ok());
  }
  auto after = split_lines(read_file(path_));
  ASSERT_EQ(after.size(), lines.size() + 3);
  auto unclean = nlohmann::json::parse(after[lines.size()]);
  EXPECT_EQ(unclean["type"], kUncleanEndEntryType);
  EXPECT_EQ(unclean["last_seq"], lines.size());
  EXPECT_EQ(nlohmann::json::parse(after[lines.size() + 1])["reason"], "start");
  EXPECT_TRUE(verify_text(read_file(path_)).intact());
}

TEST_F(SignedHeads, ATornTailCutAtRestartIsRecordedAndSigned) {
  write_file(path_, text_ + "{\"seq\":99,\"ti");
  {
    auto log = AuditLog::open(path_, {.repair_torn_tail = true}, AuditSigning(key_));
    ASSERT_TRUE(log.ok()) << log.message();
    ASSERT_TRUE((*log)->seal().ok());
  }
  auto lines = split_lines(read_file(path_));
  const auto before = split_lines(text_).size();
  ASSERT_EQ(lines.size(), before + 3);  // the cut, a start head (the log was sealed), shutdown
  auto cut = nlohmann::json::parse(lines[before]);
  EXPECT_EQ(cut["type"], kTornTailEntryType);
  EXPECT_EQ(cut["cut_bytes"], 13);
  EXPECT_EQ(cut["at_byte"], text_.size());
  EXPECT_TRUE(verify_text(read_file(path_)).intact());
}

TEST_F(SignedHeads, CallersCannotForgeAHeadEntry) {
  auto log = AuditLog::open(path_, {}, AuditSigning(key_));
  ASSERT_TRUE(log.ok());
  auto forged = (*log)->append(kHeadEntryType, {{"reason", "shutdown"}});
  EXPECT_FALSE(forged.ok());
  auto unsigned_log = AuditLog::open(dir_ / "plain.log");
  ASSERT_TRUE(unsigned_log.ok());
  EXPECT_FALSE((*unsigned_log)->seal().ok());
}

// What a site sends in its heartbeats and the server keeps: a log cut below it is detected even
// while its writer runs (--live), where the log alone cannot tell.
TEST_F(SignedHeads, ALiveLogCutBelowAHeadSentOutEarlierIsDetected) {
  std::optional<SignedHead> sent;
  {
    auto log = AuditLog::open(path_, {}, AuditSigning(key_, 100));
    ASSERT_TRUE(log.ok()) << log.message();
    auto unchanged = (*log)->checkpoint();  // nothing new since the start head: no new entry
    ASSERT_TRUE(unchanged.ok()) << unchanged.message();
    EXPECT_EQ(unchanged->seq, (*log)->last_seq());
    EXPECT_EQ(unchanged->reason, "start");
    ASSERT_TRUE((*log)->append("job.decided", {{"job", "j2"}}).ok());
    auto head = (*log)->checkpoint();
    ASSERT_TRUE(head.ok()) << head.message();
    EXPECT_EQ(head->reason, "checkpoint");
    EXPECT_EQ(head->seq, (*log)->last_seq());
    EXPECT_TRUE(verify_signed_head(*head, key_->public_key()).ok());
    // Through the server's workspace file and back, as `--against` reads it.
    ASSERT_TRUE(keep_received_head(dir_ / "site-heads", "site-1", *head).ok());
    auto older = *unchanged;
    ASSERT_TRUE(keep_received_head(dir_ / "site-heads", "site-1", older).ok());  // reordered: ignored
    auto kept = read_received_head(dir_ / "site-heads" / "site-1.json");
    ASSERT_TRUE(kept.ok()) << kept.message();
    EXPECT_EQ(*kept, *head);
    struct stat st {};
    ASSERT_EQ(::stat((dir_ / "site-heads" / "site-1.json").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    sent = *kept;
    ASSERT_TRUE((*log)->append("registration", {{"site", "site-5"}}).ok());
  }
  auto options = with_key(*key_, /*live=*/true);
  options.against = {*sent};
  const std::string text = read_file(path_);
  EXPECT_TRUE(verify_audit_bytes(text, options).intact());

  // Cut back to before the head the server holds: the log alone (live) cannot tell ...
  auto lines = split_lines(text);
  std::vector<std::string> kept(lines.begin(), lines.begin() + static_cast<std::ptrdiff_t>(sent->seq) - 2);
  EXPECT_TRUE(verify_text(join_lines(kept), /*live=*/true).intact());
  // ... the head received earlier can.
  auto cut = verify_audit_bytes(join_lines(kept), options);
  ASSERT_FALSE(cut.intact());
  EXPECT_EQ(cut.broken->kind, AuditBreakKind::MissingHead) << cut.broken->reason;
  EXPECT_NE(cut.broken->reason.find("seq " + std::to_string(sent->seq)), std::string::npos) << cut.broken->reason;

  // A head that does not match the log at its seq: rewritten from there on.
  SignedHead other = *sent;
  other.sig = std::string(128, '0');
  options.against = {other};
  auto rewritten = verify_audit_bytes(text, options);
  ASSERT_FALSE(rewritten.intact());
  EXPECT_EQ(rewritten.broken->kind, AuditBreakKind::BadHead);
  EXPECT_NE(rewritten.broken->reason.find("--against"), std::string::npos) << rewritten.broken->reason;
}

TEST(SignedHeadJson, StrictShape) {
  SignedHead h{5, 4, std::string(64, 'a'), "checkpoint", std::string(64, 'b'), std::string(128, 'c')};
  auto back = signed_head_from_json(signed_head_to_json(h), "test");
  ASSERT_TRUE(back.ok()) << back.message();
  EXPECT_EQ(*back, h);
  auto extra = signed_head_to_json(h);
  extra["x"] = 1;
  EXPECT_FALSE(signed_head_from_json(extra, "test").ok());
  auto wrong_cover = signed_head_to_json(h);
  wrong_cover["covers_seq"] = 3;
  EXPECT_FALSE(signed_head_from_json(wrong_cover, "test").ok());
  auto bad_reason = signed_head_to_json(h);
  bad_reason["reason"] = "whenever";
  EXPECT_FALSE(signed_head_from_json(bad_reason, "test").ok());
  EXPECT_FALSE(signed_head_from_json(nlohmann::json("head"), "test").ok());
  EXPECT_FALSE(keep_received_head("/tmp", "../escape", h).ok());
}

}  // namespace
}  // namespace cchost::audit
