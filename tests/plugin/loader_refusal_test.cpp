// Every refusal of the loader (issue 2, item 5), each against a real shared object.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "cchost/plugin/loader.hpp"
#include "plugin_test_support.hpp"

namespace cchost::plugin {
namespace {

using test::fixture;
using test::TempDir;
using ::testing::HasSubstr;

TEST(PluginRefusal, MissingEntrySymbolNamesFileAndSymbol) {
  PluginLoader loader;
  auto info = loader.inspect(fixture("fixture_no_entry"));
  ASSERT_FALSE(info.ok());
  EXPECT_THAT(info.message(), HasSubstr("fixture_no_entry.so"));
  EXPECT_THAT(info.message(), HasSubstr("missing entry symbol cchost_authorizer_v2"));
}

TEST(PluginRefusal, AbiMajorMismatchSaysExpectedAndActual) {
  PluginLoader loader;
  auto loaded = loader.load(fixture("fixture_abi_major3"), "");
  ASSERT_FALSE(loaded.ok());
  EXPECT_THAT(loaded.message(), HasSubstr("fixture_abi_major3.so"));
  EXPECT_THAT(loaded.message(), HasSubstr("ABI major mismatch: host expects 2.x, plugin declares 3.0"));
}

TEST(PluginRefusal, AbiOnePluginRefusedSayingSo) {
  auto info = PluginLoader().inspect(fixture("fixture_abi_v1"));
  ASSERT_FALSE(info.ok());
  EXPECT_THAT(info.message(), HasSubstr("built against authorizer ABI 1 (exports cchost_authorizer_v1)"));
  EXPECT_THAT(info.message(), HasSubstr("rebuild the plugin against the current SDK"));
}

TEST(PluginRefusal, NamespaceWithoutXPrefixRefused) {
  auto info = PluginLoader().inspect(fixture("fixture_no_prefix"));
  ASSERT_FALSE(info.ok());
  EXPECT_THAT(info.message(), HasSubstr("namespace 'fixture-noprefix': expected \"x-\""));
}

TEST(PluginRefusal, DuplicateNamespaceWhileFirstIsLoaded) {
  PluginLoader loader;
  auto first = loader.load(fixture("fixture_dup_a"), "");
  ASSERT_TRUE(first.ok()) << first.message();
  auto second = loader.load(fixture("fixture_dup_b"), "");
  ASSERT_FALSE(second.ok());
  EXPECT_THAT(second.message(), HasSubstr("fixture_dup_b.so"));
  EXPECT_THAT(second.message(), HasSubstr("duplicate namespace 'x-fixture-dup'"));
  EXPECT_THAT(second.message(), HasSubstr("fixture_dup_a.so"));
  // Once the first is gone the namespace is free again.
  first.value().reset();
  EXPECT_TRUE(loader.load(fixture("fixture_dup_b"), "").ok());
}

TEST(PluginRefusal, DuplicateNamespaceInListedFolder) {
  TempDir dir;
  dir.copy_in(fixture("fixture_dup_a"));
  dir.copy_in(fixture("fixture_dup_b"));
  PluginLoader loader;
  auto entries = loader.list_dir(dir.path());
  ASSERT_TRUE(entries.ok()) << entries.message();
  ASSERT_EQ(entries->size(), 2u);
  EXPECT_TRUE((*entries)[0].info.ok());
  ASSERT_FALSE((*entries)[1].info.ok());
  EXPECT_THAT((*entries)[1].info.message(), HasSubstr("duplicate namespace 'x-fixture-dup'"));
}

class PluginPermissionRefusal : public ::testing::Test {
 protected:
  TempDir dir;
  std::filesystem::path so = dir.copy_in(fixture("fixture_good"));
};

TEST_F(PluginPermissionRefusal, BaselineCopyLoads) {
  PluginLoader loader;
  EXPECT_TRUE(loader.inspect(so).ok()) << loader.inspect(so).message();
}

TEST_F(PluginPermissionRefusal, GroupWritableFile) {
  ASSERT_EQ(::chmod(so.c_str(), 0775), 0);
  auto info = PluginLoader().inspect(so);
  ASSERT_FALSE(info.ok());
  EXPECT_THAT(info.message(), HasSubstr(so.string()));
  EXPECT_THAT(info.message(), HasSubstr("writable by group or others (mode 0775"));
}

TEST_F(PluginPermissionRefusal, OtherWritableFile) {
  ASSERT_EQ(::chmod(so.c_str(), 0757), 0);
  auto info = PluginLoader().inspect(so);
  ASSERT_FALSE(info.ok());
  EXPECT_THAT(info.message(), HasSubstr("mode 0757"));
}

TEST_F(PluginPermissionRefusal, GroupWritableFolder) {
  ASSERT_EQ(::chmod(dir.path().c_str(), 0770), 0);
  auto info = PluginLoader().inspect(so);
  ASSERT_FALSE(info.ok());
  EXPECT_THAT(info.message(), HasSubstr("refused: " + dir.path().string() + " is writable"));
}

TEST_F(PluginPermissionRefusal, OtherWritableFolderAboveUpToTrustedRoot) {
  // plugins live in root/sub; root is o+w. Checked only when root is the trusted root.
  auto sub = dir.path() / "sub";
  std::filesystem::create_directory(sub);
  ::chmod(sub.c_str(), 0755);
  auto nested = sub / "fixture_good.so";
  std::filesystem::copy_file(so, nested);
  ::chmod(nested.c_str(), 0755);
  ASSERT_EQ(::chmod(dir.path().c_str(), 0707), 0);
  EXPECT_TRUE(PluginLoader().inspect(nested).ok());
  auto info = PluginLoader(dir.path()).inspect(nested);
  ASSERT_FALSE(info.ok());
  EXPECT_THAT(info.message(), HasSubstr(dir.path().string() + " is writable by group or others"));
}

TEST_F(PluginPermissionRefusal, WritableFileListedWithReason) {
  dir.copy_in(fixture("fixture_no_entry"));
  ASSERT_EQ(::chmod(so.c_str(), 0666), 0);
  auto entries = PluginLoader().list_dir(dir.path());
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), 2u);
  EXPECT_THAT((*entries)[0].info.message(), HasSubstr("writable by group or others"));
  EXPECT_THAT((*entries)[1].info.message(), HasSubstr("missing entry symbol"));
}

TEST_F(PluginPermissionRefusal, SymbolicLink) {
  auto link = dir.path() / "link.so";
  std::filesystem::create_symlink(so, link);
  auto info = PluginLoader().inspect(link);
  ASSERT_FALSE(info.ok());
  EXPECT_THAT(info.message(), HasSubstr("symbolic link"));
}

TEST(PluginPin, MismatchNamesPinnedAndActual) {
  auto so = fixture("fixture_good");
  std::string actual = test::sha256_file_hex(so);
  std::string wrong(64, '0');
  auto loaded = PluginLoader().load(so, "", wrong);
  ASSERT_FALSE(loaded.ok());
  EXPECT_THAT(loaded.message(), HasSubstr("fixture_good.so"));
  EXPECT_THAT(loaded.message(), HasSubstr("SHA-256 mismatch: pinned " + wrong + ", file has " + actual));
}

TEST(PluginPin, MatchingPinInEitherCaseLoads) {
  auto so = fixture("fixture_good");
  std::string pin = test::sha256_file_hex(so);
  EXPECT_TRUE(PluginLoader().inspect(so, pin).ok());
  for (char& c : pin) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_TRUE(PluginLoader().inspect(so, pin).ok());
}

TEST(PluginPin, MalformedPinRefused) {
  auto info = PluginLoader().inspect(fixture("fixture_good"), std::string("abc"));
  ASSERT_FALSE(info.ok());
  EXPECT_THAT(info.message(), HasSubstr("expected 64 hex digits, got 3"));
  info = PluginLoader().inspect(fixture("fixture_good"), std::string(64, 'g'));
  ASSERT_FALSE(info.ok());
  EXPECT_THAT(info.message(), HasSubstr("hex digits only"));
}

TEST(PluginRefusal, MissingFileAndEmptyFolder) {
  TempDir dir;
  auto info = PluginLoader().inspect(dir.path() / "absent.so");
  ASSERT_FALSE(info.ok());
  EXPECT_THAT(info.message(), HasSubstr("absent.so: cannot open"));
  auto entries = PluginLoader().list_dir(dir.path());
  ASSERT_TRUE(entries.ok());
  EXPECT_TRUE(entries->empty());
  EXPECT_FALSE(PluginLoader().list_dir(dir.path() / "nope").ok());
}

TEST(PluginRefusal, NotASharedObject) {
  TempDir dir;
  auto so = dir.path() / "text.so";
  { std::FILE* f = std::fopen(so.c_str(), "w"); std::fputs("not an ELF file", f); std::fclose(f); }
  ::chmod(so.c_str(), 0755);
  auto info = PluginLoader().inspect(so);
  ASSERT_FALSE(info.ok());
  EXPECT_THAT(info.message(), HasSubstr("text.so: cannot load"));
}

}  // namespace
}  // namespace cchost::plugin
