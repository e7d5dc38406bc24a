// load_kit on genuinely provisioned kits, then with exactly one thing broken per test: each
// refusal must name the file, and each check has a test that fails without it.
#include <sys/stat.h>

#include "cchost/crypto/encoding.hpp"
#include "cchost/kit/kit.hpp"
#include "kit_fixture.hpp"

namespace fs = std::filesystem;

namespace cchost::kit {
namespace {

using testing::KitLoad;
using testing::read_text;
using testing::write_text;

TEST_F(KitLoad, KitLoadsEveryRoleWithItsFields) {
  auto server = load_kit(kit("hub"));
  ASSERT_TRUE(server) << server.message();
  EXPECT_EQ(server->participant.name, "hub");
  EXPECT_EQ(server->participant.role, Role::Server);
  EXPECT_EQ(server->participant.project, "unit");
  EXPECT_EQ(server->server.port, 17555);
  EXPECT_EQ(server->server.host, "127.0.0.1");
  EXPECT_EQ(server->curve_public, server->server_public);
  EXPECT_EQ(server->curve_secret.reveal().size(), 40u);
  ASSERT_EQ(server->participants.size(), 3u);
  EXPECT_EQ(server->participants.at("site-a").role, Role::Site);
  EXPECT_EQ(server->participants.at("ops").role, Role::Admin);
  ASSERT_EQ(server->authorizers.size(), 1u);
  EXPECT_EQ(server->authorizers[0].ns, "x-example");
  EXPECT_EQ(server->authorizers[0].plugin_path, kit("hub") / "plugins" / "example_authorizer.so");
  EXPECT_NE(server->authorizers[0].config_toml.find("backend = \"fixed\""), std::string::npos);
  EXPECT_NE(server->authorizers[0].config_toml.find("level = 3"), std::string::npos);
  EXPECT_EQ(server->policy_path, kit("hub") / "policy.toml");
  EXPECT_EQ(server->runtime.reattest_interval_s, 600u);
  EXPECT_EQ(server->runtime.request_timeout_s, 30u);

  auto site = load_kit(kit("site-a"));
  ASSERT_TRUE(site) << site.message();
  EXPECT_EQ(site->participant.role, Role::Site);
  EXPECT_EQ(site->participant.org, "org-a");
  EXPECT_EQ(site->server_public, server->curve_public);
  EXPECT_EQ(site->participants.size(), 0u);
  EXPECT_EQ(server->participants.at("site-a").public_key, site->curve_public);
  // The server holds each site's audit key, the one that signs the heads the site sends.
  EXPECT_EQ(server->participants.at("site-a").audit_public_pem, site->audit_public_pem);
  EXPECT_TRUE(server->participants.at("ops").audit_public_pem.empty());
  // A policy given as a path is copied byte for byte.
  EXPECT_EQ(read_text(site->policy_path), testing::kSitePolicy);
  EXPECT_EQ(site->resolve("trust/x.pem"), kit("site-a") / "trust/x.pem");

  auto admin = load_kit(kit("ops"));
  ASSERT_TRUE(admin) << admin.message();
  EXPECT_EQ(admin->participant.role, Role::Admin);
  EXPECT_TRUE(admin->policy_path.empty());
  EXPECT_EQ(admin->root_fingerprint, server->root_fingerprint);
}

TEST_F(KitLoad, KitSecretKeyFilesAre0600) {
  for (const char* name : {"hub", "site-a", "site-b", "ops"}) {
    struct stat st {};
    ASSERT_EQ(::stat((kit(name) / "keys/curve.secret").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u) << name;
  }
}

TEST_F(KitLoad, KitTamperedFileRefusedNamingIt) {
  fs::path policy = kit("site-b") / "policy.toml";
  std::string text = read_text(policy);
  text[0] ^= 0x01;  // one bit of one byte
  write_text(policy, text);
  auto loaded = load_kit(kit("site-b"));
  ASSERT_FALSE(loaded);
  EXPECT_NE(loaded.message().find(policy.string()), std::string::npos) << loaded.message();
  EXPECT_NE(loaded.message().find("SHA-256 mismatch"), std::string::npos) << loaded.message();
}

TEST_F(KitLoad, KitTamperedPluginRefusedNamingIt) {
  fs::path plugin = kit("hub") / "plugins" / "example_authorizer.so";
  write_text(plugin, read_text(plugin) + "x");
  auto loaded = load_kit(kit("hub"));
  ASSERT_FALSE(loaded);
  EXPECT_NE(loaded.message().find(plugin.string()), std::string::npos) << loaded.message();
}

TEST_F(KitLoad, KitExtraFileRefusedNamingIt) {
  fs::path extra = kit("site-a") / "trust" / "extra-root.pem";
  write_text(extra, "an unsigned root\n");
  auto loaded = load_kit(kit("site-a"));
  ASSERT_FALSE(loaded);
  EXPECT_NE(loaded.message().find(extra.string()), std::string::npos) << loaded.message();
  EXPECT_NE(loaded.message().find("not listed"), std::string::npos) << loaded.message();
}

TEST_F(KitLoad, KitMissingFileRefusedNamingIt) {
  fs::remove(kit("site-a") / "keys" / "server.public");
  auto loaded = load_kit(kit("site-a"));
  ASSERT_FALSE(loaded);
  EXPECT_NE(loaded.message().find("keys/server.public"), std::string::npos) << loaded.message();
}

TEST_F(KitLoad, KitBadSignatureRefused) {
  fs::path sig = kit("site-a") / "manifest.sig";
  std::string bytes = read_text(sig);
  ASSERT_EQ(bytes.size(), 64u);
  bytes[10] ^= 0x40;
  write_text(sig, bytes);
  auto loaded = load_kit(kit("site-a"));
  ASSERT_FALSE(loaded);
  EXPECT_NE(loaded.message().find(sig.string()), std::string::npos) << loaded.message();
}

TEST_F(KitLoad, KitEditedManifestRefusedBySignature) {
  // Re-hashing a tampered file into the manifest does not help: the manifest is signed.
  fs::path manifest = kit("site-a") / "manifest.toml";
  std::string text = read_text(manifest);
  auto pos = text.find("\"policy.toml\" = \"");
  ASSERT_NE(pos, std::string::npos);
  pos += 17;
  text[pos] = text[pos] == '0' ? '1' : '0';
  write_text(manifest, text);
  auto loaded = load_kit(kit("site-a"));
  ASSERT_FALSE(loaded);
  EXPECT_NE(loaded.message().find("manifest.sig"), std::string::npos) << loaded.message();
}

TEST_F(KitLoad, KitReplacedRootKeyRefused) {
  // Another project's root.pub in this kit: the signature no longer verifies.
  fs::copy_file(kit("hub") / "root.pub", root_ / "hub-root.pub");
  fs::remove_all(root_ / "other");
  fs::create_directories(root_ / "other");
  write_text(root_ / "other" / "project.toml", testing::kSmallProject);
  fs::copy_file(root_ / "site-policy.toml", root_ / "other" / "site-policy.toml");
  provision::ProvisionOptions options;
  options.project = root_ / "other" / "project.toml";
  options.out = root_ / "other" / "kits";
  options.plugin_dir = root_ / "plugins";
  auto outcome = provision::run_provision(options);
  ASSERT_EQ(outcome.exit_code, 0) << outcome.message;
  fs::path other_root = root_ / "other" / "kits" / "hub" / "root.pub";
  ASSERT_NE(read_text(other_root), read_text(kit("hub") / "root.pub"));
  fs::remove(kit("site-a") / "root.pub");
  fs::copy_file(other_root, kit("site-a") / "root.pub");
  auto loaded = load_kit(kit("site-a"));
  ASSERT_FALSE(loaded);
  EXPECT_NE(loaded.message().find("manifest.sig"), std::string::npos) << loaded.message();

  // The other project's own kit verifies, but not against this project's fingerprint.
  auto ours = load_kit(kit("hub"));
  ASSERT_TRUE(ours) << ours.message();
  LoadOptions pinned;
  pinned.expected_root_fingerprint = ours->root_fingerprint;
  auto theirs = load_kit(root_ / "other" / "kits" / "hub", pinned);
  ASSERT_FALSE(theirs);
  EXPECT_NE(theirs.message().find("root.pub"), std::string::npos) << theirs.message();
  EXPECT_NE(theirs.message().find("not by the pinned root " + ours->root_fingerprint), std::string::npos)
      << theirs.message();
}

TEST_F(KitLoad, KitExpectedFingerprintAcceptedInAnyCase) {
  auto first = load_kit(kit("site-b"));
  ASSERT_TRUE(first) << first.message();
  std::string upper = first->root_fingerprint;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  LoadOptions options;
  options.expected_root_fingerprint = upper;
  auto again = load_kit(kit("site-b"), options);
  EXPECT_TRUE(again) << again.message();
}

TEST_F(KitLoad, KitSecretKeyReadableByOthersRefused) {
  fs::path secret = kit("site-a") / "keys" / "curve.secret";
  ASSERT_EQ(::chmod(secret.c_str(), 0644), 0);
  auto loaded = load_kit(kit("site-a"));
  ASSERT_FALSE(loaded);
  EXPECT_NE(loaded.message().find(secret.string()), std::string::npos) << loaded.message();
  EXPECT_NE(loaded.message().find("0600"), std::string::npos) << loaded.message();
}

TEST_F(KitLoad, KitWorldWritableFileRefused) {
  fs::path policy = kit("site-a") / "policy.toml";
  ASSERT_EQ(::chmod(policy.c_str(), 0666), 0);
  auto loaded = load_kit(kit("site-a"));
  ASSERT_FALSE(loaded);
  EXPECT_NE(loaded.message().find(policy.string()), std::string::npos) << loaded.message();
}

TEST_F(KitLoad, KitSymlinkRefused) {
  fs::path policy = kit("site-a") / "policy.toml";
  fs::rename(policy, root_ / "moved-policy.toml");
  fs::create_symlink(root_ / "moved-policy.toml", policy);
  auto loaded = load_kit(kit("site-a"));
  ASSERT_FALSE(loaded);
  EXPECT_NE(loaded.message().find(policy.string()), std::string::npos) << loaded.message();
  EXPECT_NE(loaded.message().find("symbolic link"), std::string::npos) << loaded.message();
}

TEST_F(KitLoad, KitNotAFolderRefused) {
  auto loaded = load_kit(root_ / "no-such-kit");
  ASSERT_FALSE(loaded);
  EXPECT_NE(loaded.message().find("no-such-kit"), std::string::npos);
}

}  // namespace
}  // namespace cchost::kit
