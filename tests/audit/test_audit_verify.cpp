// verify_audit_log: every kind of damage is found, and the report names the exact line.
#include <gtest/gtest.h>

#include "audit_test_support.hpp"
#include "cchost/audit/audit_log.hpp"
#include "cchost/audit/audit_verify.hpp"
#include "cchost/crypto/encoding.hpp"
#include "cchost/crypto/hash.hpp"

namespace cchost::audit {
namespace {

using testing::join_lines;
using testing::read_file;
using testing::ScratchDir;
using testing::split_lines;
using testing::write_file;

std::string sha256_hex(const std::string& text) {
  return crypto::hex_encode(crypto::sha256(as_bytes(text)));
}

// A five-entry log written by AuditLog; each test damages a copy of its lines.
class AuditVerify : public ::testing::Test {
 protected:
  void SetUp() override {
    auto log = AuditLog::open(dir_ / "audit.log");
    ASSERT_TRUE(log.ok()) << log.message();
    for (const char* site : {"alpha", "beta", "gamma", "delta", "epsilon"}) {
      ASSERT_TRUE((*log)->append("registration", {{"site", site}, {"accepted", true}}).ok());
    }
    lines_ = split_lines(read_file(dir_ / "audit.log"));
    ASSERT_EQ(lines_.size(), 5u);
  }

  AuditVerifyReport verify_text(const std::string& text) {
    auto path = dir_ / "damaged.log";
    write_file(path, text);
    auto from_file = verify_audit_log(path);
    EXPECT_TRUE(from_file.ok()) << from_file.message();
    auto from_bytes = verify_audit_bytes(text);
    // Both entry points must agree.
    EXPECT_EQ(from_file->entries, from_bytes.entries);
    EXPECT_EQ(from_file->broken.has_value(), from_bytes.broken.has_value());
    return std::move(from_file).value();
  }
  AuditVerifyReport verify_lines(const std::vector<std::string>& lines) {
    return verify_text(join_lines(lines));
  }

  ScratchDir dir_;
  std::vector<std::string> lines_;
};

TEST_F(AuditVerify, IntactLogReportsEveryEntryAndTheHead) {
  auto report = verify_lines(lines_);
  EXPECT_TRUE(report.intact());
  EXPECT_EQ(report.entries, 5u);
  EXPECT_EQ(report.head, sha256_hex(lines_[4]));
}

TEST_F(AuditVerify, EmptyLogIsIntactWithTheGenesisHead) {
  auto report = verify_text("");
  EXPECT_TRUE(report.intact());
  EXPECT_EQ(report.entries, 0u);
  EXPECT_EQ(report.head, kGenesisPrev);
}

TEST_F(AuditVerify, OneByteChangedInAMiddleValueIsNamedAtTheNextLine) {
  auto damaged = lines_;
  auto at = damaged[2].find("gamma");
  ASSERT_NE(at, std::string::npos);
  damaged[2][at] = 'G';  // line 3 still parses; its hash no longer matches line 4's prev
  auto report = verify_lines(damaged);
  ASSERT_FALSE(report.intact());
  const auto& b = *report.broken;
  EXPECT_EQ(b.kind, AuditBreakKind::PrevMismatch);
  EXPECT_EQ(b.line, 4u);
  EXPECT_EQ(b.seq, 4u);
  EXPECT_EQ(b.expected, sha256_hex(damaged[2]));
  EXPECT_EQ(b.actual, sha256_hex(lines_[2]));
  EXPECT_NE(b.reason.find("line 3 was changed"), std::string::npos) << b.reason;
  EXPECT_EQ(report.entries, 3u);
}

TEST_F(AuditVerify, OneByteBreakingTheJsonOfAMiddleLineIsNamedAtThatLine) {
  auto damaged = lines_;
  damaged[2][0] = '[';
  auto report = verify_lines(damaged);
  ASSERT_FALSE(report.intact());
  EXPECT_EQ(report.broken->kind, AuditBreakKind::BadEntry);
  EXPECT_EQ(report.broken->line, 3u);
  EXPECT_NE(report.broken->reason.find("not valid JSON"), std::string::npos);
  EXPECT_EQ(report.entries, 2u);
}

TEST_F(AuditVerify, ChangedSeqIsNamedAtThatLine) {
  auto damaged = lines_;
  damaged[2].replace(damaged[2].find("\"seq\":3"), 7, "\"seq\":7");
  auto report = verify_lines(damaged);
  ASSERT_FALSE(report.intact());
  EXPECT_EQ(report.broken->kind, AuditBreakKind::SeqMismatch);
  EXPECT_EQ(report.broken->line, 3u);
  EXPECT_EQ(report.broken->seq, 7u);
  EXPECT_EQ(report.broken->expected, "3");
  EXPECT_EQ(report.broken->actual, "7");
}

TEST_F(AuditVerify, DeletedMiddleLineIsNamedWhereTheGapOpens) {
  auto damaged = lines_;
  damaged.erase(damaged.begin() + 2);  // seq 3 gone; seq 4 now sits on line 3
  auto report = verify_lines(damaged);
  ASSERT_FALSE(report.intact());
  EXPECT_EQ(report.broken->kind, AuditBreakKind::SeqMismatch);
  EXPECT_EQ(report.broken->line, 3u);
  EXPECT_EQ(report.broken->seq, 4u);
  EXPECT_EQ(report.broken->expected, "3");
  EXPECT_NE(report.broken->reason.find("deleted, inserted or moved"), std::string::npos);
}

TEST_F(AuditVerify, DeletedMiddleLineWithRenumberedSeqsIsStillCaughtByTheHash) {
  // An attacker who also renumbers the following entries cannot recompute prev values
  // without rewriting every later line; line 3 (was 4) no longer follows line 2.
  auto damaged = lines_;
  damaged.erase(damaged.begin() + 2);
  damaged[2].replace(damaged[2].find("\"seq\":4"), 7, "\"seq\":3");
  auto report = verify_lines(damaged);
  ASSERT_FALSE(report.intact());
  EXPECT_EQ(report.broken->kind, AuditBreakKind::PrevMismatch);
  EXPECT_EQ(report.broken->line, 3u);
  EXPECT_EQ(report.broken->expected, sha256_hex(lines_[1]));
}

TEST_F(AuditVerify, SwappedLinesAreNamedAtTheFirstMovedLine) {
  auto damaged = lines_;
  std::swap(damaged[1], damaged[2]);
  auto report = verify_lines(damaged);
  ASSERT_FALSE(report.intact());
  EXPECT_EQ(report.broken->kind, AuditBreakKind::SeqMismatch);
  EXPECT_EQ(report.broken->line, 2u);
  EXPECT_EQ(report.broken->seq, 3u);
}

TEST_F(AuditVerify, TruncatedTailIsReportedAsTorn) {
  auto text = join_lines(lines_);
  text.resize(text.size() - 10);  // cut inside line 5
  auto report = verify_text(text);
  ASSERT_FALSE(report.intact());
  EXPECT_EQ(report.broken->kind, AuditBreakKind::TornTail);
  EXPECT_EQ(report.broken->line, 5u);
  EXPECT_EQ(report.entries, 4u);
  EXPECT_EQ(report.intact_bytes, join_lines({lines_[0], lines_[1], lines_[2], lines_[3]}).size());
}

TEST_F(AuditVerify, MissingFinalNewlineAloneIsTorn) {
  auto text = join_lines(lines_);
  text.pop_back();
  auto report = verify_text(text);
  ASSERT_FALSE(report.intact());
  EXPECT_EQ(report.broken->kind, AuditBreakKind::TornTail);
  EXPECT_EQ(report.broken->line, 5u);
  EXPECT_EQ(report.broken->seq, 5u);
}

TEST_F(AuditVerify, WholeLinesCutFromTheTailShowOnlyAsAnOlderHead) {
  // The chain has no anchor past its last line: the documented limit. The head changes,
  // so an operator who recorded it notices.
  auto report = verify_lines({lines_[0], lines_[1], lines_[2]});
  EXPECT_TRUE(report.intact());
  EXPECT_EQ(report.entries, 3u);
  EXPECT_NE(report.head, sha256_hex(lines_[4]));
}

TEST_F(AuditVerify, FirstEntryMustStartFromTheGenesisHash) {
  auto report = verify_lines({lines_[1], lines_[2]});  // head cut: seq starts at 2
  ASSERT_FALSE(report.intact());
  EXPECT_EQ(report.broken->kind, AuditBreakKind::SeqMismatch);
  EXPECT_EQ(report.broken->line, 1u);

  auto forged = lines_[1];
  forged.replace(forged.find("\"seq\":2"), 7, "\"seq\":1");
  auto forged_report = verify_lines({forged});
  ASSERT_FALSE(forged_report.intact());
  EXPECT_EQ(forged_report.broken->kind, AuditBreakKind::PrevMismatch);
  EXPECT_EQ(forged_report.broken->line, 1u);
  EXPECT_EQ(forged_report.broken->expected, kGenesisPrev);
}

TEST_F(AuditVerify, BlankLineInTheMiddleIsABadEntry) {
  auto damaged = lines_;
  damaged.insert(damaged.begin() + 3, "");
  auto report = verify_lines(damaged);
  ASSERT_FALSE(report.intact());
  EXPECT_EQ(report.broken->kind, AuditBreakKind::BadEntry);
  EXPECT_EQ(report.broken->line, 4u);
  EXPECT_NE(report.broken->reason.find("empty line"), std::string::npos);
}

TEST_F(AuditVerify, DuplicateHeaderKeyIsABadEntry) {
  auto damaged = lines_;
  damaged[0].insert(damaged[0].size() - 1, ",\"seq\":1");
  auto report = verify_lines({damaged[0]});
  ASSERT_FALSE(report.intact());
  EXPECT_EQ(report.broken->kind, AuditBreakKind::BadEntry);
  EXPECT_NE(report.broken->reason.find("appears twice"), std::string::npos);
}

TEST_F(AuditVerify, HeaderFieldsOfTheWrongShapeAreBadEntries) {
  auto with = [&](const std::string& from, const std::string& to) {
    auto line = lines_[0];
    auto at = line.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    line.replace(at, from.size(), to);
    return verify_lines({line});
  };
  auto negative_seq = with("\"seq\":1", "\"seq\":-1");
  EXPECT_EQ(negative_seq.broken->kind, AuditBreakKind::BadEntry);
  auto string_seq = with("\"seq\":1", "\"seq\":\"1\"");
  EXPECT_EQ(string_seq.broken->kind, AuditBreakKind::BadEntry);
  auto bad_type = with("\"type\":\"registration\"", "\"type\":\"Registration!\"");
  EXPECT_EQ(bad_type.broken->kind, AuditBreakKind::BadEntry);
  EXPECT_NE(bad_type.broken->reason.find("\"type\""), std::string::npos);
  auto time_at = lines_[0].find("\"time\":\"");
  auto bad_time = with(lines_[0].substr(time_at, 8 + 24 + 1), "\"time\":\"yesterday\"");
  EXPECT_EQ(bad_time.broken->kind, AuditBreakKind::BadEntry);
  EXPECT_NE(bad_time.broken->reason.find("\"time\""), std::string::npos);
  auto array_line = verify_lines({"[1,2,3]"});
  EXPECT_EQ(array_line.broken->kind, AuditBreakKind::BadEntry);
}

TEST_F(AuditVerify, OverlongLineIsRefusedWithoutBufferingIt) {
  std::string text = join_lines({lines_[0]}) + std::string(kMaxLineBytes + 10, 'x');
  auto report = verify_text(text);
  ASSERT_FALSE(report.intact());
  EXPECT_EQ(report.broken->kind, AuditBreakKind::LineTooLong);
  EXPECT_EQ(report.broken->line, 2u);
  auto ended = verify_text(join_lines({lines_[0], std::string(kMaxLineBytes + 1, 'x')}));
  EXPECT_EQ(ended.broken->kind, AuditBreakKind::LineTooLong);
}

TEST(AuditVerifyFile, UnreadableFilesAreErrorsNotVerdicts) {
  ScratchDir dir;
  auto missing = verify_audit_log(dir / "no-such.log");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.message().find("cannot open"), std::string::npos) << missing.message();
  auto directory = verify_audit_log(dir.path());
  ASSERT_FALSE(directory.ok());
  EXPECT_NE(directory.message().find("not a regular file"), std::string::npos);
}

TEST(AuditVerifyFile, KindNamesAreStable) {
  EXPECT_EQ(to_string(AuditBreakKind::PrevMismatch), "prev_mismatch");
  EXPECT_EQ(to_string(AuditBreakKind::SeqMismatch), "seq_mismatch");
  EXPECT_EQ(to_string(AuditBreakKind::BadEntry), "bad_entry");
  EXPECT_EQ(to_string(AuditBreakKind::LineTooLong), "line_too_long");
  EXPECT_EQ(to_string(AuditBreakKind::TornTail), "torn_tail");
}

}  // namespace
}  // namespace cchost::audit
