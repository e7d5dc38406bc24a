// configfs-tsm against a fake tree in a temporary directory. A plain directory cannot produce
// outblob when inblob is written, so FakeTsmKernel plays the kernel's part through the backend's
// test seams: it creates the attribute files on mkdir and, on each write, bumps the generation
// (as tsm.c does) and produces outblob/auxblob. Everything else is real file I/O.
#include <gtest/gtest.h>

#include "backends/configfs_tsm_backend.hpp"
#include "test_support.hpp"

namespace cchost::snp {
namespace {

using testing::read_text;
using testing::write_text;

class FakeTsmKernel {
 public:
  explicit FakeTsmKernel(const std::filesystem::path& root) : root_(root) {}

  std::string provider = "sev_guest";
  std::uint64_t generation = 5;
  std::optional<int> privlevel_floor = 0;
  std::size_t outblob_size = 1184;
  bool provide_auxblob = true;
  int racing_attempts = 0;        // attempts on which another writer bumps the generation too
  std::vector<std::string> writes;
  std::vector<Bytes> inblobs;
  int mkdirs = 0;

  ConfigfsTsmOptions options() {
    ConfigfsTsmOptions o;
    o.root = root_;
    o.after_mkdir = [this](const std::filesystem::path& entry) { on_mkdir(entry); };
    o.after_write = [this](const std::filesystem::path& entry, std::string_view file) {
      on_write(entry, file);
    };
    return o;
  }

  static Bytes report_for(const Bytes& inblob) {
    Bytes report(1184, 0x5A);
    std::copy(inblob.begin(), inblob.end(), report.begin() + 0x50);
    return report;
  }
  static Bytes auxblob() { return Bytes(200, 0xCE); }

 private:
  void on_mkdir(const std::filesystem::path& entry) {
    ++mkdirs;
    write_text(entry / "provider", provider + "\n");
    write_text(entry / "generation", std::to_string(generation) + "\n");
    if (privlevel_floor) write_text(entry / "privlevel_floor", std::to_string(*privlevel_floor) + "\n");
    for (const char* f : {"inblob", "privlevel", "outblob"}) write_text(entry / f, "");
  }

  void on_write(const std::filesystem::path& entry, std::string_view file) {
    writes.emplace_back(file);
    ++generation;
    if (file == "inblob") {
      const std::string in = read_text(entry / "inblob");
      inblobs.emplace_back(in.begin(), in.end());
      Bytes out = report_for(inblobs.back());
      out.resize(outblob_size, 0x5A);
      write_text(entry / "outblob", std::string(out.begin(), out.end()));
      if (provide_auxblob) write_text(entry / "auxblob", std::string(200, '\xCE'));
      if (racing_attempts > 0) {
        --racing_attempts;
        ++generation;  // someone else wrote this entry between our write and our read
      }
    }
    write_text(entry / "generation", std::to_string(generation) + "\n");
  }

  std::filesystem::path root_;
};

std::array<std::uint8_t, 64> nonce() {
  std::array<std::uint8_t, 64> rd{};
  for (std::size_t i = 0; i < rd.size(); ++i) rd[i] = static_cast<std::uint8_t>(i * 3 + 1);
  return rd;
}

TEST(SnpBackendConfigfs, WritesExactly64BytesAndReadsReportAndCerts) {
  testing::TempDir root;
  FakeTsmKernel kernel(root.path());
  auto backend = make_configfs_tsm_backend(kernel.options());
  ASSERT_TRUE(backend.ok()) << backend.message();
  EXPECT_EQ((*backend)->name(), "configfs-tsm");
  const auto rd = nonce();
  auto evidence = (*backend)->get_report(rd);
  ASSERT_TRUE(evidence.ok()) << evidence.message();
  ASSERT_EQ(kernel.inblobs.size(), 1u);
  EXPECT_EQ(kernel.inblobs[0], Bytes(rd.begin(), rd.end()));  // exactly the 64 bytes, no newline
  EXPECT_EQ(kernel.writes, std::vector<std::string>{"inblob"});  // no privlevel without vmpl
  EXPECT_EQ(evidence->report, FakeTsmKernel::report_for(Bytes(rd.begin(), rd.end())));
  EXPECT_EQ(evidence->cert_table, FakeTsmKernel::auxblob());
  EXPECT_EQ(kernel.mkdirs, 2);  // the probe at creation, then the request
}

TEST(SnpBackendConfigfs, VmplIsWrittenToPrivlevelAndCountedInTheGeneration) {
  testing::TempDir root;
  FakeTsmKernel kernel(root.path());
  kernel.privlevel_floor = 1;
  auto options = kernel.options();
  options.privlevel = 2;
  auto backend = make_configfs_tsm_backend(options);
  ASSERT_TRUE(backend.ok()) << backend.message();
  auto evidence = (*backend)->get_report(nonce());
  ASSERT_TRUE(evidence.ok()) << evidence.message();  // generation moved by 2 = our 2 writes
  EXPECT_EQ(kernel.writes, (std::vector<std::string>{"privlevel", "inblob"}));
}

TEST(SnpBackendConfigfs, VmplBelowPrivlevelFloorIsRefused) {
  testing::TempDir root;
  FakeTsmKernel kernel(root.path());
  kernel.privlevel_floor = 2;
  auto options = kernel.options();
  options.privlevel = 1;
  auto backend = make_configfs_tsm_backend(options);
  ASSERT_TRUE(backend.ok()) << backend.message();
  auto evidence = (*backend)->get_report(nonce());
  ASSERT_FALSE(evidence.ok());
  EXPECT_NE(evidence.message().find("privlevel_floor"), std::string::npos) << evidence.message();
  EXPECT_TRUE(kernel.writes.empty());  // refused before touching the entry
}

TEST(SnpBackendConfigfs, RacingWriterIsDetectedAndRetried) {
  testing::TempDir root;
  FakeTsmKernel kernel(root.path());
  kernel.racing_attempts = 1;
  auto backend = make_configfs_tsm_backend(kernel.options());
  ASSERT_TRUE(backend.ok()) << backend.message();
  auto evidence = (*backend)->get_report(nonce());
  ASSERT_TRUE(evidence.ok()) << evidence.message();
  EXPECT_EQ(kernel.inblobs.size(), 2u);  // the raced attempt was thrown away and redone
  EXPECT_EQ(kernel.mkdirs, 3);           // in a fresh entry
}

TEST(SnpBackendConfigfs, PersistentRaceFailsAfterBoundedAttempts) {
  testing::TempDir root;
  FakeTsmKernel kernel(root.path());
  kernel.racing_attempts = 100;
  auto backend = make_configfs_tsm_backend(kernel.options());
  ASSERT_TRUE(backend.ok()) << backend.message();
  auto evidence = (*backend)->get_report(nonce());
  ASSERT_FALSE(evidence.ok());
  EXPECT_NE(evidence.message().find("another writer"), std::string::npos) << evidence.message();
  EXPECT_NE(evidence.message().find("generation 5 -> 7 where 6 was expected"), std::string::npos)
      << evidence.message();
  EXPECT_EQ(kernel.inblobs.size(), 3u);  // max_attempts, then stop
}

TEST(SnpBackendConfigfs, OtherProviderIsRefusedAtCreation) {
  testing::TempDir root;
  FakeTsmKernel kernel(root.path());
  kernel.provider = "tdx_guest";
  auto backend = make_configfs_tsm_backend(kernel.options());
  ASSERT_FALSE(backend.ok());
  EXPECT_NE(backend.message().find("tdx_guest"), std::string::npos) << backend.message();
  EXPECT_NE(backend.message().find("/provider"), std::string::npos) << backend.message();
}

TEST(SnpBackendConfigfs, WrongOutblobSizeIsAnError) {
  testing::TempDir root;
  FakeTsmKernel kernel(root.path());
  kernel.outblob_size = 1000;
  auto backend = make_configfs_tsm_backend(kernel.options());
  ASSERT_TRUE(backend.ok()) << backend.message();
  auto evidence = (*backend)->get_report(nonce());
  ASSERT_FALSE(evidence.ok());
  EXPECT_NE(evidence.message().find("outblob"), std::string::npos) << evidence.message();
  EXPECT_NE(evidence.message().find("1184"), std::string::npos) << evidence.message();
  EXPECT_NE(evidence.message().find("1000"), std::string::npos) << evidence.message();
}

TEST(SnpBackendConfigfs, MissingAuxblobMeansNoCertificates) {
  testing::TempDir root;
  FakeTsmKernel kernel(root.path());
  kernel.provide_auxblob = false;
  auto backend = make_configfs_tsm_backend(kernel.options());
  ASSERT_TRUE(backend.ok()) << backend.message();
  auto evidence = (*backend)->get_report(nonce());
  ASSERT_TRUE(evidence.ok()) << evidence.message();
  EXPECT_TRUE(evidence->cert_table.empty());
}

TEST(SnpBackendConfigfs, MissingRootNamesPathAndErrno) {
  testing::TempDir dir;
  ConfigfsTsmOptions options;
  options.root = dir.path() / "tsm" / "report";
  auto backend = make_configfs_tsm_backend(options);
  ASSERT_FALSE(backend.ok());
  EXPECT_NE(backend.message().find(options.root.string()), std::string::npos) << backend.message();
  EXPECT_NE(backend.message().find("errno 2"), std::string::npos) << backend.message();
}

TEST(SnpBackendConfigfs, UnreadableGenerationIsAnErrorNamingTheFile) {
  testing::TempDir root;
  FakeTsmKernel kernel(root.path());
  auto options = kernel.options();
  auto fill = options.after_mkdir;
  options.after_mkdir = [fill](const std::filesystem::path& entry) {
    fill(entry);
    write_text(entry / "generation", "many\n");
  };
  auto backend = make_configfs_tsm_backend(options);
  ASSERT_TRUE(backend.ok()) << backend.message();
  auto evidence = (*backend)->get_report(nonce());
  ASSERT_FALSE(evidence.ok());
  EXPECT_NE(evidence.message().find("/generation"), std::string::npos) << evidence.message();
  EXPECT_NE(evidence.message().find("many"), std::string::npos) << evidence.message();
}

}  // namespace
}  // namespace cchost::snp
