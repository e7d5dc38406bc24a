// The third-party path of DESIGN.md: `cmake --install --component sdk`, then a plugin built
// with find_package(cchost-sdk) and nothing else from the cchost tree, then loaded by the host.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cchost/plugin/loader.hpp"

namespace cchost::plugin {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class SdkOutOfTree : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string templ = (fs::temp_directory_path() / "cchost-sdk-test-XXXXXX").string();
    ASSERT_NE(::mkdtemp(templ.data()), nullptr);
    root_ = templ;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }

  // Runs a shell command with its output in a log file; returns the exit status and, on
  // failure, leaves the log's text in `log_`.
  int run(const std::string& command) {
    fs::path log = root_ / "command.log";
    int status = std::system((command + " >" + quote(log) + " 2>&1").c_str());
    std::ifstream in(log);
    std::stringstream text;
    text << in.rdbuf();
    log_ = "$ " + command + "\n" + text.str();
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
  }

  static std::string quote(const fs::path& p) { return "'" + p.string() + "'"; }
  // The flags an out-of-tree build needs to link this tree's installed archives (the asan
  // preset's sanitizers; nothing in release).
  static std::string tree_flags() {
    const std::string flags = CCHOST_OUT_OF_TREE_FLAGS;
    return " -DCMAKE_CXX_FLAGS=" + quote(flags) + " -DCMAKE_EXE_LINKER_FLAGS=" + quote(flags) +
           " -DCMAKE_MODULE_LINKER_FLAGS=" + quote(flags);
  }

  fs::path root_;
  std::string log_;
};

TEST_F(SdkOutOfTree, InstallBuildExampleAndLoadIt) {
  const std::string cmake = CCHOST_CMAKE_COMMAND;
  const fs::path prefix = root_ / "prefix";
  const fs::path build = root_ / "build";

  // 1. Install the SDK component only: headers and the CMake package, nothing compiled.
  ASSERT_EQ(run(quote(cmake) + " --install " + quote(CCHOST_BINARY_DIR) + " --prefix " +
                quote(prefix) + " --component sdk"), 0) << log_;
  for (const char* file : {"include/cchost/authorizer.h", "include/cchost/authorizer.hpp",
                           "include/cchost/claims.hpp"}) {
    EXPECT_TRUE(fs::exists(prefix / file)) << file;
  }
  fs::path package;
  for (const char* libdir : {"lib", "lib64", "lib/x86_64-linux-gnu"}) {
    if (fs::exists(prefix / libdir / "cmake/cchost-sdk/cchost-sdkConfig.cmake"))
      package = prefix / libdir / "cmake/cchost-sdk";
  }
  ASSERT_FALSE(package.empty()) << "cchost-sdkConfig.cmake not installed under " << prefix;
  EXPECT_TRUE(fs::exists(package / "cchost-sdkConfigVersion.cmake"));
  EXPECT_TRUE(fs::exists(package / "CchostAddAuthorizer.cmake"));
  // Only the SDK: the component must not drag the host in.
  EXPECT_FALSE(fs::exists(prefix / "bin/cchost"));

  // 2. Configure and build the example out of tree against the prefix alone.
  ASSERT_EQ(run(quote(cmake) + " -G Ninja -S " + quote(fs::path(CCHOST_SOURCE_DIR) / "examples/hello-authorizer") +
                " -B " + quote(build) + " -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH=" +
                quote(prefix) + " -DCMAKE_CXX_COMPILER=" + quote(CCHOST_CXX_COMPILER) + tree_flags()), 0) << log_;
  ASSERT_EQ(run(quote(cmake) + " --build " + quote(build)), 0) << log_;
  const fs::path so = build / "hello_authorizer.so";
  ASSERT_TRUE(fs::exists(so)) << "expected output file name hello_authorizer.so (no lib prefix)";

  // 3. Load it through the host's loader and round-trip a token.
  PluginLoader loader;
  auto loaded = loader.load(so, "greeting = \"out of tree\"");
  ASSERT_TRUE(loaded.ok()) << loaded.message();
  EXPECT_EQ((*loaded)->info().ns, "x-hello");
  EXPECT_EQ((*loaded)->info().abi, CCHOST_AUTHORIZER_ABI_VERSION);
  const Bytes binding(64, 0x5a);
  auto token = (*loaded)->generate(binding);
  ASSERT_TRUE(token.ok()) << token.message();
  auto claims = (*loaded)->verify_json(*token, binding, std::time(nullptr) + 5);
  ASSERT_TRUE(claims.ok()) << claims.message();
  EXPECT_THAT(*claims, HasSubstr("\"hello.greeting\":{\"type\":\"string\",\"value\":\"out of tree\"}"));

  // 4. Hidden visibility: only the entry point is exported (a sanitizer build adds its own
  // runtime hooks to the module, so the count is checked in plain builds).
  if (std::string(CCHOST_OUT_OF_TREE_FLAGS).empty()) {
    ASSERT_EQ(run("nm -D --defined-only " + quote(so) + " | grep -c ' T '"), 0) << log_;
    EXPECT_THAT(log_, HasSubstr("\n1\n")) << "expected exactly one exported function";
  }
}

TEST_F(SdkOutOfTree, PackageRefusesAnotherAbiMajor) {
  const std::string cmake = CCHOST_CMAKE_COMMAND;
  const fs::path prefix = root_ / "prefix";
  ASSERT_EQ(run(quote(cmake) + " --install " + quote(CCHOST_BINARY_DIR) + " --prefix " +
                quote(prefix) + " --component sdk"), 0) << log_;
  fs::create_directories(root_ / "wants2");
  std::ofstream(root_ / "wants2/CMakeLists.txt")
      << "cmake_minimum_required(VERSION 3.16)\nproject(wants2 LANGUAGES CXX)\n"
         "find_package(cchost-sdk " + std::to_string(CCHOST_AUTHORIZER_ABI_MAJOR + 1) + " REQUIRED)\n";
  EXPECT_NE(run(quote(cmake) + " -G Ninja -S " + quote(root_ / "wants2") + " -B " +
                quote(root_ / "wants2/build") + " -DCMAKE_PREFIX_PATH=" + quote(prefix)), 0);
  EXPECT_THAT(log_, HasSubstr("cchost-sdk"));
}

// The verification kit comes with the installed package: a program outside the tree links
// cchost::verify_kit from the prefix alone and its strict reader refuses an unknown key.
TEST_F(SdkOutOfTree, VerifyKitLinksFromTheInstalledPackage) {
  constexpr const char* kMinLevelSha256 = "d392a33b4533411d0bb0847b0f8b324d3eac38207e28b47ff70c901d59a76762";
  const std::string cmake = CCHOST_CMAKE_COMMAND;
  const fs::path prefix = root_ / "prefix";
  const fs::path build = root_ / "kit-build";
  ASSERT_EQ(run(quote(cmake) + " --install " + quote(CCHOST_BINARY_DIR) + " --prefix " +
                quote(prefix) + " --component sdk"), 0) << log_;
  for (const char* file : {"include/cchost/verify/strict_toml.hpp",
                           "include/cchost/verify/configfs_tsm.hpp",
                           "include/cchost/verify/posix_files.hpp", "include/cchost/result.hpp",
                           "include/cchost/bytes.hpp", "include/cchost/crypto/x509.hpp",
                           "include/cchost/crypto/jws.hpp"}) {
    EXPECT_TRUE(fs::exists(prefix / file)) << file;
  }
  ASSERT_EQ(run(quote(cmake) + " -G Ninja -S " +
                quote(fs::path(CCHOST_SOURCE_DIR) / "tests/sdk/kit_consumer") + " -B " +
                quote(build) + " -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH=" + quote(prefix) +
                " -DCMAKE_CXX_COMPILER=" + quote(CCHOST_CXX_COMPILER) + tree_flags()), 0) << log_;
  ASSERT_EQ(run(quote(cmake) + " --build " + quote(build)), 0) << log_;
  const std::string exe = quote(build / "kit_consumer");
  ASSERT_EQ(run(exe + " 'min_level = 3'"), 0) << log_;
  EXPECT_THAT(log_, HasSubstr("min_level=3"));
  // SHA-256("min_level = 3"), from the installed cchost::crypto archive.
  EXPECT_THAT(log_, HasSubstr("sha256=" + std::string(kMinLevelSha256)));
  EXPECT_EQ(run(exe + " 'min_levle = 3'"), 1) << log_;
  EXPECT_THAT(log_, HasSubstr("[demo] min_levle: unknown key"));
}

}  // namespace
}  // namespace cchost::plugin
