// The workspace root pin (trust on first use, issue 9 defect 3) and fingerprint parsing.
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "cchost/kit/root_pin.hpp"

namespace fs = std::filesystem;

namespace cchost::kit {
namespace {

const std::string kRootA(64, 'a');
const std::string kRootB(64, 'b');

class RootPin : public ::testing::Test {
 protected:
  void SetUp() override {
    ws_ = fs::temp_directory_path() / ("cchost-root-pin-" + std::to_string(::getpid()) + "-" +
                                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(ws_);
  }
  void TearDown() override { fs::remove_all(ws_); }
  fs::path ws_;
};

TEST_F(RootPin, FirstStartRecordsTheRoot0600AndLaterStartsMatchIt) {
  auto first = pin_root_in_workspace(ws_, kRootA);
  ASSERT_TRUE(first) << first.message();
  EXPECT_EQ(*first, WorkspacePin::Recorded);
  struct stat st {};
  ASSERT_EQ(::stat((ws_ / "root.pin").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto again = pin_root_in_workspace(ws_, kRootA);
  ASSERT_TRUE(again) << again.message();
  EXPECT_EQ(*again, WorkspacePin::Matched);
}

TEST_F(RootPin, AnotherRootIsRefusedNamingBoth) {
  ASSERT_TRUE(pin_root_in_workspace(ws_, kRootA));
  auto refused = pin_root_in_workspace(ws_, kRootB);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.message().find("signed by root " + kRootB), std::string::npos) << refused.message();
  EXPECT_NE(refused.message().find("first started with root " + kRootA), std::string::npos) << refused.message();
  std::ifstream in(ws_ / "root.pin");
  std::string kept;
  in >> kept;
  EXPECT_EQ(kept, kRootA) << "a refused root must not replace the pin";
}

TEST_F(RootPin, AWritablePinOrASymlinkIsRefused) {
  ASSERT_TRUE(pin_root_in_workspace(ws_, kRootA));
  fs::permissions(ws_ / "root.pin", fs::perms::group_write, fs::perm_options::add);
  auto writable = pin_root_in_workspace(ws_, kRootA);
  ASSERT_FALSE(writable);
  EXPECT_NE(writable.message().find("writable by group or others"), std::string::npos) << writable.message();

  fs::remove(ws_ / "root.pin");
  std::ofstream(ws_ / "elsewhere") << kRootA << "\n";
  fs::create_symlink(ws_ / "elsewhere", ws_ / "root.pin");
  auto linked = pin_root_in_workspace(ws_, kRootA);
  ASSERT_FALSE(linked);
  EXPECT_NE(linked.message().find("not a regular file"), std::string::npos) << linked.message();
}

TEST(RootFingerprint, ParsesHexInAnyCaseAndRefusesAnythingElse) {
  auto upper = parse_root_fingerprint("  " + std::string(64, 'A') + "\n", "test");
  ASSERT_TRUE(upper) << upper.message();
  EXPECT_EQ(*upper, kRootA);
  for (const std::string& bad : {std::string(), std::string(63, 'a'), std::string(65, 'a'), std::string(64, 'g')}) {
    auto refused = parse_root_fingerprint(bad, "--root-fingerprint");
    ASSERT_FALSE(refused) << bad;
    EXPECT_EQ(refused.message().rfind("--root-fingerprint: ", 0), 0u) << refused.message();
  }
}

}  // namespace
}  // namespace cchost::kit
