// AuditLog: writing, reopening and continuing the chain, file safety, concurrency.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <thread>

#include "audit_test_support.hpp"
#include "cchost/audit/audit_log.hpp"
#include "cchost/audit/audit_verify.hpp"
#include "cchost/crypto/encoding.hpp"
#include "cchost/crypto/hash.hpp"

namespace cchost::audit {
namespace {

using nlohmann::json;
using testing::read_file;
using testing::ScratchDir;
using testing::split_lines;
using testing::write_file;

std::string sha256_hex(const std::string& text) {
  return crypto::hex_encode(crypto::sha256(as_bytes(text)));
}

std::unique_ptr<AuditLog> open_ok(const std::filesystem::path& path, AuditOpenOptions options = {}) {
  auto log = AuditLog::open(path, options);
  EXPECT_TRUE(log.ok()) << (log.ok() ? "" : log.message());
  return log.ok() ? std::move(log).value() : nullptr;
}

TEST(AuditLog, EntriesAreChainedAndReopeningContinuesTheChain) {
  ScratchDir dir;
  auto path = dir / "audit.log";
  {
    auto log = open_ok(path);
    ASSERT_TRUE(log);
    EXPECT_EQ(log->last_seq(), 0u);
    EXPECT_EQ(log->head(), kGenesisPrev);
    auto first = log->append("registration", {{"site", "alpha"}, {"accepted", true}});
    ASSERT_TRUE(first.ok()) << first.message();
    EXPECT_EQ(first->seq, 1u);
    ASSERT_TRUE(log->append("job.decided", {{"job", "j1"}, {"state", "deployed"}}).ok());
    ASSERT_TRUE(log->append("vote", {{"site", "beta"}, {"accept", false}}).ok());
  }
  {
    auto log = open_ok(path);
    ASSERT_TRUE(log);
    EXPECT_EQ(log->last_seq(), 3u);
    auto fourth = log->append("quarantine", {{"site", "beta"}});
    ASSERT_TRUE(fourth.ok()) << fourth.message();
    EXPECT_EQ(fourth->seq, 4u);
    EXPECT_EQ(log->head(), fourth->hash);
  }
  auto lines = split_lines(read_file(path));
  ASSERT_EQ(lines.size(), 4u);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    auto entry = json::parse(lines[i]);
    EXPECT_EQ(entry.at("seq"), i + 1);
    EXPECT_EQ(entry.at("prev"), i == 0 ? std::string(kGenesisPrev) : sha256_hex(lines[i - 1]))
        << "line " << i + 1;
  }
  // The header leads in a fixed order; the caller's fields follow.
  EXPECT_EQ(lines[0].rfind("{\"seq\":1,\"time\":\"", 0), 0u) << lines[0];
  EXPECT_NE(lines[0].find("\",\"type\":\"registration\",\"prev\":\"" + std::string(kGenesisPrev) +
                          "\",\"accepted\":true,\"site\":\"alpha\"}"),
            std::string::npos)
      << lines[0];
  auto report = verify_audit_log(path);
  ASSERT_TRUE(report.ok()) << report.message();
  EXPECT_TRUE(report->intact());
  EXPECT_EQ(report->entries, 4u);
  EXPECT_EQ(report->head, sha256_hex(lines[3]));
}

TEST(AuditLog, NewFileIsOwnerOnly0600WhateverTheUmask) {
  ScratchDir dir;
  auto path = dir / "audit.log";
  mode_t previous = ::umask(0);
  auto log = AuditLog::open(path);
  ::umask(previous);
  ASSERT_TRUE(log.ok()) << log.message();
  struct stat info {};
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 07777, 0600u);
}

TEST(AuditLog, RefusesAnExistingLogWritableByOthers) {
  ScratchDir dir;
  auto path = dir / "audit.log";
  write_file(path, "");
  ASSERT_EQ(::chmod(path.c_str(), 0662), 0);
  auto log = AuditLog::open(path);
  ASSERT_FALSE(log.ok());
  EXPECT_NE(log.message().find("mode 0662"), std::string::npos) << log.message();
  EXPECT_NE(log.message().find("expected 0600"), std::string::npos) << log.message();
}

TEST(AuditLog, RefusesASymlinkAtTheLogPath) {
  ScratchDir dir;
  write_file(dir / "elsewhere", "");
  std::filesystem::create_symlink(dir / "elsewhere", dir / "audit.log");
  auto log = AuditLog::open(dir / "audit.log");
  ASSERT_FALSE(log.ok());
  EXPECT_NE(log.message().find("symlink"), std::string::npos) << log.message();
}

TEST(AuditLog, SecondAppenderIsRefusedWhileTheFirstHoldsTheLog) {
  ScratchDir dir;
  auto first = open_ok(dir / "audit.log");
  ASSERT_TRUE(first);
  auto second = AuditLog::open(dir / "audit.log");
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.message().find("another process"), std::string::npos) << second.message();
  first.reset();
  EXPECT_TRUE(open_ok(dir / "audit.log"));
}

TEST(AuditLog, ConcurrentAppendsFormOneUnbrokenChain) {
  ScratchDir dir;
  auto log = open_ok(dir / "audit.log");
  ASSERT_TRUE(log);
  constexpr int kThreads = 6;
  constexpr int kPerThread = 40;
  std::vector<std::thread> writers;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        if (!log->append("vote", {{"writer", t}, {"i", i}}).ok()) failures.fetch_add(1);
      }
    });
  }
  for (auto& w : writers) w.join();
  EXPECT_EQ(failures.load(), 0);
  auto report = verify_audit_log(log->path());
  ASSERT_TRUE(report.ok()) << report.message();
  EXPECT_TRUE(report->intact()) << report->broken->reason;
  EXPECT_EQ(report->entries, static_cast<std::uint64_t>(kThreads * kPerThread));
  EXPECT_EQ(report->head, log->head());
}

TEST(AuditLog, RejectsMalformedEntriesWithoutWritingThem) {
  ScratchDir dir;
  auto log = open_ok(dir / "audit.log");
  ASSERT_TRUE(log);
  EXPECT_FALSE(log->append("", {}).ok());
  EXPECT_FALSE(log->append("Job Decided", {}).ok());
  EXPECT_FALSE(log->append("job\n{\"seq\":9}", {}).ok());  // no line injection via the type
  EXPECT_FALSE(log->append("vote", json::array({1, 2})).ok());
  auto clash = log->append("vote", {{"prev", "0000"}});
  ASSERT_FALSE(clash.ok());
  EXPECT_NE(clash.message().find("'prev'"), std::string::npos) << clash.message();
  EXPECT_FALSE(log->append("vote", {{"seq", 99}}).ok());
  auto bad_utf8 = log->append("vote", {{"site", std::string("\xff\xfe")}});
  EXPECT_FALSE(bad_utf8.ok());
  EXPECT_FALSE(log->append("vote", {{"blob", std::string(kMaxLineBytes, 'a')}}).ok());
  EXPECT_EQ(read_file(log->path()), "");
  // Newlines inside values are escaped by JSON and cannot split an entry.
  ASSERT_TRUE(log->append("vote", {{"reason", "line one\nline two"}}).ok());
  EXPECT_EQ(split_lines(read_file(log->path())).size(), 1u);
  EXPECT_EQ(log->last_seq(), 1u);
}

TEST(AuditLog, TornTailIsRefusedByDefaultNamingTheLine) {
  ScratchDir dir;
  auto path = dir / "audit.log";
  {
    auto log = open_ok(path);
    ASSERT_TRUE(log);
    ASSERT_TRUE(log->append("registration", {{"site", "alpha"}}).ok());
    ASSERT_TRUE(log->append("registration", {{"site", "beta"}}).ok());
  }
  auto intact = read_file(path);
  const std::string torn = "{\"seq\":3,\"time\":\"2026-";  // a crash mid-write
  write_file(path, intact + torn);
  auto refused = AuditLog::open(path);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.message().find("line 3"), std::string::npos) << refused.message();
  EXPECT_NE(refused.message().find("no trailing newline"), std::string::npos);
  EXPECT_EQ(read_file(path).size(), intact.size() + torn.size()) << "a refused open changed the file";
}

TEST(AuditLog, RepairTornTailCutsOnlyTheTornLineAndContinues) {
  ScratchDir dir;
  auto path = dir / "audit.log";
  std::string head_before;
  {
    auto log = open_ok(path);
    ASSERT_TRUE(log);
    ASSERT_TRUE(log->append("registration", {{"site", "alpha"}}).ok());
    head_before = log->head();
  }
  auto intact = read_file(path);
  write_file(path, intact + "{\"seq\":2,\"ti");
  auto log = open_ok(path, AuditOpenOptions{.repair_torn_tail = true});
  ASSERT_TRUE(log);
  // The cut is itself recorded (issue 9, defect 5): the torn bytes are gone, an entry says so.
  auto lines = split_lines(read_file(path));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(read_file(path).substr(0, intact.size()), intact);
  auto cut = nlohmann::json::parse(lines[1]);
  EXPECT_EQ(cut["type"], "audit.torn_tail_cut");
  EXPECT_EQ(cut["cut_bytes"], 12);
  EXPECT_EQ(cut["at_byte"], intact.size());
  EXPECT_EQ(cut["prev"], head_before);
  EXPECT_EQ(log->last_seq(), 2u);
  ASSERT_TRUE(log->append("registration", {{"site", "beta"}}).ok());
  auto report = verify_audit_log(path);
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->intact());
  EXPECT_EQ(report->entries, 3u);
}

TEST(AuditLog, RepairDoesNotExcuseABrokenChain) {
  ScratchDir dir;
  auto path = dir / "audit.log";
  {
    auto log = open_ok(path);
    ASSERT_TRUE(log);
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(log->append("vote", {{"i", i}}).ok());
  }
  auto lines = split_lines(read_file(path));
  lines[0].replace(lines[0].find("\"i\":0"), 5, "\"i\":7");
  write_file(path, testing::join_lines(lines));
  auto refused = AuditLog::open(path, AuditOpenOptions{.repair_torn_tail = true});
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.message().find("line 2 (seq 2)"), std::string::npos) << refused.message();
  EXPECT_NE(refused.message().find("refusing to append"), std::string::npos);
}

}  // namespace
}  // namespace cchost::audit
