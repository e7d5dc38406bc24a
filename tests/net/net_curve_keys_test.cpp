// CURVE keys: generation, derivation, and key files (0600, atomic, refused when exposed).
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "cchost/net/curve_keys.hpp"
#include "cchost/net/peer.hpp"

namespace cchost::net {
namespace {

namespace fs = std::filesystem;

class NetCurveKeys : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("cchost-net-keys-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(NetCurveKeys, GeneratedPairIsZ85AndConsistent) {
  const auto pair = generate_curve_keypair();
  EXPECT_EQ(pair.public_z85.size(), 40u);
  EXPECT_EQ(pair.secret_z85.size(), 40u);
  EXPECT_TRUE(is_z85_key(pair.public_z85));
  auto derived = curve_public_from_secret(pair.secret_z85);
  ASSERT_TRUE(derived) << derived.message();
  EXPECT_EQ(*derived, pair.public_z85);
  EXPECT_NE(generate_curve_keypair().public_z85, pair.public_z85);
  EXPECT_EQ(key_fingerprint(pair.public_z85).size(), 16u);
}

TEST_F(NetCurveKeys, InvalidSecretIsRefused) {
  EXPECT_FALSE(curve_public_from_secret("short"));
  EXPECT_FALSE(curve_public_from_secret(std::string(40, '"')));  // '"' is not a Z85 character
}

TEST_F(NetCurveKeys, SecretFileIsWritten0600AndLoadsBack) {
  const auto pair = generate_curve_keypair();
  const auto path = dir_ / "site.key";
  ASSERT_TRUE(save_secret_key(path, pair.secret_z85));
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto loaded = load_keypair(path);
  ASSERT_TRUE(loaded) << loaded.message();
  EXPECT_EQ(loaded->secret_z85, pair.secret_z85);
  EXPECT_EQ(loaded->public_z85, pair.public_z85);
  // Overwrite is atomic and leaves no temporary behind.
  ASSERT_TRUE(save_secret_key(path, generate_curve_keypair().secret_z85));
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()), 1);
}

TEST_F(NetCurveKeys, SecretFileReadableByOthersIsRefusedNamingTheFile) {
  const auto path = dir_ / "exposed.key";
  ASSERT_TRUE(save_secret_key(path, generate_curve_keypair().secret_z85));
  ASSERT_EQ(::chmod(path.c_str(), 0644), 0);
  auto loaded = load_secret_key(path);
  ASSERT_FALSE(loaded);
  EXPECT_NE(loaded.message().find(path.string()), std::string::npos) << loaded.message();
  EXPECT_NE(loaded.message().find("0644"), std::string::npos) << loaded.message();
  ASSERT_EQ(::chmod(path.c_str(), 0640), 0);
  EXPECT_FALSE(load_secret_key(path));
}

TEST_F(NetCurveKeys, PublicFileRoundTripAndGarbageRefused) {
  const auto pair = generate_curve_keypair();
  const auto path = dir_ / "site.pub";
  ASSERT_TRUE(save_public_key(path, pair.public_z85));
  auto loaded = load_public_key(path);
  ASSERT_TRUE(loaded) << loaded.message();
  EXPECT_EQ(*loaded, pair.public_z85);
  std::ofstream(dir_ / "bad.pub") << "not a key\n";
  EXPECT_FALSE(load_public_key(dir_ / "bad.pub"));
  EXPECT_FALSE(load_public_key(dir_ / "missing.pub"));
  EXPECT_FALSE(save_public_key(dir_ / "x.pub", "short"));
}

}  // namespace
}  // namespace cchost::net
