// ccprovision end to end: the built binary on the demo project and on small projects; kits
// checked with load_kit, keys compared byte for byte across re-runs, bad input exits 2.
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "cchost/kit/kit.hpp"
#include "run_ccprovision.hpp"

namespace fs = std::filesystem;

namespace cchost::provision {
namespace {

using testing::run_ccprovision;
using testing::slurp;

void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary | std::ios::trunc) << text;
}

unsigned mode_of(const fs::path& p) {
  struct stat st {};
  EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
  return st.st_mode & 0777;
}

// Every file below `dir`, as relative path -> bytes.
std::map<std::string, std::string> snapshot(const fs::path& dir) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) files[e.path().lexically_relative(dir).string()] = slurp(e.path());
  }
  return files;
}

const char* kTwoSites = R"([project]
name = "small"

[server]
name = "server"
host = "127.0.0.1"
port = 17600
policy = { policy = { require = [], accept_unattested = true } }

[[site]]
name = "site-1"
org = "org-a"
policy = { policy = { require = [], accept_unattested = true } }

[[site]]
name = "site-2"
org = "org-b"
policy = { policy = { require = [], accept_unattested = true } }

[admin]
name = "admin"
)";

const char* kThirdSite = R"(
[[site]]
name = "site-3"
org = "org-c"
policy = { policy = { require = [], accept_unattested = true } }
)";

class Provision : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("cchost-provision-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "plugins");
    // The real plugin: the provisioner reads its describe() (policy vocabulary) through the loader.
    fs::copy_file(fs::path(CCHOST_PLUGIN_DIR) / "snp_authorizer.so", dir_ / "plugins" / "snp_authorizer.so");
    fs::permissions(dir_ / "plugins" / "snp_authorizer.so", fs::perms(0755));
  }
  void TearDown() override { fs::remove_all(dir_); }

  testing::RunResult provision(const fs::path& project, std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"--project", project.string(), "--out", (dir_ / "kits").string(),
                                  "--plugin-dir", (dir_ / "plugins").string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_ccprovision(args, dir_);
  }

  // Nothing but the inputs: no kits, no state, no staging leftovers.
  void expect_nothing_written() {
    for (const auto& e : fs::directory_iterator(dir_)) {
      std::string name = e.path().filename().string();
      EXPECT_TRUE(name == "plugins" || name.ends_with(".toml")) << "left behind: " << name;
    }
  }

  fs::path dir_;
};

TEST_F(Provision, NoAuthorizerProjectKitsVerifyAndSecretsAre0600) {
  write(dir_ / "project.toml", kTwoSites);
  auto run = provision(dir_ / "project.toml");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("root fingerprint: "), std::string::npos);
  std::string fingerprint;
  for (const char* name : {"server", "site-1", "site-2", "admin"}) {
    auto kit = kit::load_kit(dir_ / "kits" / name);
    ASSERT_TRUE(kit) << name << ": " << kit.message();
    EXPECT_EQ(kit->participant.name, name);
    EXPECT_EQ(kit->participant.project, "small");
    EXPECT_EQ(mode_of(dir_ / "kits" / name / "keys/curve.secret"), 0600u) << name;
    EXPECT_TRUE(fs::is_regular_file(dir_ / "kits" / (std::string(name) + ".tar.gz"))) << name;
    if (fingerprint.empty()) fingerprint = kit->root_fingerprint;
    EXPECT_EQ(kit->root_fingerprint, fingerprint);
  }
  EXPECT_NE(run.out.find(fingerprint), std::string::npos);
  // The pin lives next to the kits, in none of them (issue 9, defect 3).
  EXPECT_EQ(slurp(dir_ / "kits" / "root.fingerprint"), fingerprint + "\n");
  EXPECT_FALSE(fs::exists(dir_ / "kits" / "site-1" / "root.fingerprint"));
  // Servers and sites sign their audit heads with a key of their own (defect 5); admins keep no log.
  for (const char* name : {"server", "site-1", "site-2"}) {
    EXPECT_EQ(mode_of(dir_ / "kits" / name / "keys/audit.key"), 0600u) << name;
    EXPECT_TRUE(fs::is_regular_file(dir_ / "kits" / name / "keys/audit.pub")) << name;
    EXPECT_EQ(mode_of(dir_ / "small-state" / "audit" / (std::string(name) + ".key")), 0600u) << name;
    EXPECT_NE(kit::load_kit(dir_ / "kits" / name)->audit_key_path, fs::path()) << name;
  }
  EXPECT_FALSE(fs::exists(dir_ / "kits" / "admin" / "keys/audit.key"));
  EXPECT_NE(slurp(dir_ / "kits" / "site-1" / "keys/audit.pub"), slurp(dir_ / "kits" / "site-2" / "keys/audit.pub"));
  EXPECT_EQ(mode_of(dir_ / "small-state" / "root.key"), 0600u);
  EXPECT_EQ(mode_of(dir_ / "small-state"), 0700u);

  // The archive unpacks to the same, still verifying kit (mode bits included).
  fs::create_directories(dir_ / "unpacked");
  auto status = std::system(("tar -xzf '" + (dir_ / "kits" / "site-1.tar.gz").string() + "' -C '" +
                             (dir_ / "unpacked").string() + "'").c_str());
  ASSERT_EQ(status, 0);
  auto unpacked = kit::load_kit(dir_ / "unpacked" / "site-1");
  ASSERT_TRUE(unpacked) << unpacked.message();
  EXPECT_EQ(mode_of(dir_ / "unpacked" / "site-1" / "keys/curve.secret"), 0600u);
}

// `cchost run` verifies the kit before anything else and names the file that fails.
TEST_F(Provision, CchostRunRefusesATamperedKitNamingTheFile) {
  write(dir_ / "project.toml", kTwoSites);
  ASSERT_EQ(provision(dir_ / "project.toml").exit_code, 0);
  const fs::path kit = dir_ / "kits" / "site-1";
  const std::string cchost = CCHOST_BINARY_DIR "/bin/cchost";
  std::string policy = slurp(kit / "policy.toml");
  policy += "# one more line\n";
  write(kit / "policy.toml", policy);
  const std::string pin = (dir_ / "kits" / "root.fingerprint").string();
  auto run = testing::run_binary(
      cchost, {"run", "--kit", kit.string(), "--workspace", (dir_ / "ws").string(), "--root-fingerprint-file", pin}, dir_);
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_NE(run.err.find("policy.toml"), std::string::npos) << run.err;
  EXPECT_FALSE(fs::exists(dir_ / "ws")) << "a refused kit must not create a workspace";

  write(dir_ / "kits" / "site-2" / "extra.sh", "#!/bin/sh\n");
  run = testing::run_binary(cchost, {"run", "--kit", (dir_ / "kits" / "site-2").string(), "--root-fingerprint-file", pin},
                            dir_);
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_NE(run.err.find("extra.sh"), std::string::npos) << run.err;
}

TEST_F(Provision, DemoProjectSimulated) {
  const fs::path demo = fs::path(CCHOST_SOURCE_DIR) / "examples/local-demo/project.toml";
  auto run = provision(demo, {"--state", (dir_ / "state").string()});
  if (run.exit_code == 1 && run.err.find("SNP sim CA unavailable") != std::string::npos) {
    GTEST_SKIP() << "this build has no cchost_snp_sim (plugins/snp sim CA): " << run.err;
  }
  ASSERT_EQ(run.exit_code, 0) << run.err;
  for (const char* name : {"server", "site-1", "site-2", "site-3", "admin"}) {
    const fs::path kit_dir = dir_ / "kits" / name;
    auto kit = kit::load_kit(kit_dir);
    ASSERT_TRUE(kit) << name << ": " << kit.message();
    // Every kit can verify simulated evidence: the sim roots are in its trust/.
    EXPECT_TRUE(fs::is_regular_file(kit_dir / "trust/x-snp/sim_ark.pem")) << name;
    EXPECT_TRUE(fs::is_regular_file(kit_dir / "trust/x-snp/sim_ask.pem")) << name;
    EXPECT_EQ(mode_of(kit_dir / "keys/curve.secret"), 0600u) << name;
    if (std::string(name) == "admin") {
      EXPECT_TRUE(kit->authorizers.empty());
      EXPECT_FALSE(fs::exists(kit_dir / "sim"));
      continue;
    }
    ASSERT_EQ(kit->authorizers.size(), 1u) << name;
    const auto& a = kit->authorizers[0];
    EXPECT_EQ(a.ns, "x-snp");
    EXPECT_NE(a.config_toml.find("backend = \"sim\""), std::string::npos) << a.config_toml;
    EXPECT_NE(a.config_toml.find("trust/x-snp/sim_ark.pem"), std::string::npos) << a.config_toml;
    EXPECT_NE(a.config_toml.find("ca_dir = \"sim/x-snp\""), std::string::npos) << a.config_toml;
    EXPECT_EQ(a.config_toml.find("debug = true") != std::string::npos, std::string(name) == "site-3")
        << name << ": " << a.config_toml;
    // The sim backend signs with the ASK key; the ARK key never leaves the state folder.
    EXPECT_EQ(mode_of(kit_dir / "sim/x-snp/ask.key"), 0600u) << name;
    EXPECT_FALSE(fs::exists(kit_dir / "sim/x-snp/ark.key")) << name;
  }
  auto server = kit::load_kit(dir_ / "kits" / "server");
  ASSERT_TRUE(server);
  EXPECT_EQ(server->participants.size(), 4u);
  // The CA is the plugin's own (its sim_provision() through the ABI), kept in the state folder.
  EXPECT_EQ(slurp(dir_ / "kits/site-1/trust/x-snp/sim_ark.pem"), slurp(dir_ / "state/sim/x-snp/secret/ark.pem"));
  EXPECT_TRUE(fs::is_regular_file(dir_ / "state/sim/x-snp/sim.json"));
}

// Each authorizer's config is checked against its plugin's describe() config schema: a wrong
// key stops provisioning with FILE:LINE and writes nothing.
TEST_F(Provision, ConfigKeyNotInThePluginSchemaExits2WithFileLine) {
  std::string text = kTwoSites;
  text += "\n[[site.authorizer]]\nnamespace = \"x-snp\"\nplugin = \"snp_authorizer.so\"\nbackend = \"sim\"\n"
          "args = { requre_crl = true }\n";
  write(dir_ / "project.toml", text);
  auto run = provision(dir_ / "project.toml");
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_NE(run.err.find((dir_ / "project.toml").string() + ":"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("config key 'requre_crl' is not one the plugin snp_authorizer.so (x-snp) accepts"),
            std::string::npos)
      << run.err;
  expect_nothing_written();
  text.replace(text.find("requre_crl = true"), 17, "vmpl = 9");
  write(dir_ / "project.toml", text);
  run = provision(dir_ / "project.toml");
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_NE(run.err.find("config key 'vmpl': above the maximum 3"), std::string::npos) << run.err;
}

// A verify_only authorizer presents no evidence: a backend, or a prover table in args, is refused.
TEST_F(Provision, VerifyOnlyAuthorizerTakesNoProverSettings) {
  for (const char* keys : {"verify_only = true\nbackend = \"sim\"\n", "verify_only = true\nargs = { backend = \"sim\" }\n",
                           "verify_only = true\nargs = { sim = { debug = true } }\n"}) {
    std::string text = kTwoSites;
    text += std::string("\n[[site.authorizer]]\nnamespace = \"x-snp\"\nplugin = \"snp_authorizer.so\"\n") + keys;
    write(dir_ / "project.toml", text);
    auto run = provision(dir_ / "project.toml");
    EXPECT_EQ(run.exit_code, 2) << keys << run.err;
    EXPECT_NE(run.err.find("a verify_only authorizer presents no evidence"), std::string::npos) << run.err;
    expect_nothing_written();
  }
}

// A strict third-party plugin gets its own keys only: no `backend` is injected into its config
// (it would refuse an unknown key at start).
TEST_F(Provision, ThirdPartyPluginConfigGetsNoInjectedKeys) {
  fs::copy_file(fs::path(CCHOST_PLUGIN_DIR) / "hello_authorizer.so", dir_ / "plugins" / "hello_authorizer.so");
  fs::permissions(dir_ / "plugins" / "hello_authorizer.so", fs::perms(0755));
  std::string text = kTwoSites;
  text += "\n[[site.authorizer]]\nnamespace = \"x-hello\"\nplugin = \"hello_authorizer.so\"\n"
          "args = { greeting = \"hi\", svn = 3 }\n";
  write(dir_ / "project.toml", text);
  auto run = provision(dir_ / "project.toml");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  auto kit = kit::load_kit(dir_ / "kits" / "site-2");
  ASSERT_TRUE(kit) << kit.message();
  ASSERT_EQ(kit->authorizers.size(), 1u);
  const std::string& config = kit->authorizers[0].config_toml;
  EXPECT_EQ(config.find("backend"), std::string::npos) << config;
  EXPECT_NE(config.find("greeting = \"hi\""), std::string::npos) << config;
}

// Simulate mode asks the plugin for its simulated CA; a plugin that cannot simulate is refused
// before anything is written (the provisioner has no CA of its own for any platform).
TEST_F(Provision, SimulateNeedsAPluginThatCanSimulate) {
  fs::copy_file(fs::path(CCHOST_PLUGIN_DIR) / "hello_authorizer.so", dir_ / "plugins" / "hello_authorizer.so");
  fs::permissions(dir_ / "plugins" / "hello_authorizer.so", fs::perms(0755));
  std::string text = kTwoSites;
  text.replace(text.find("name = \"small\""), 14, "name = \"small\"\nsimulate = true");
  text += "\n[[site.authorizer]]\nnamespace = \"x-hello\"\nplugin = \"hello_authorizer.so\"\n";
  write(dir_ / "project.toml", text);
  auto run = provision(dir_ / "project.toml");
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_NE(run.err.find("plugin hello_authorizer.so (x-hello) does not declare the \"sim\" capability"),
            std::string::npos)
      << run.err;
  expect_nothing_written();
}

TEST_F(Provision, AddSiteKeepsExistingKeysByteIdentical) {
  write(dir_ / "project.toml", kTwoSites);
  auto first = provision(dir_ / "project.toml");
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const auto state_before = snapshot(dir_ / "small-state");
  const auto kits_before = snapshot(dir_ / "kits");

  // --add-site refuses a name that project.toml does not declare, and writes nothing.
  auto unknown = provision(dir_ / "project.toml", {"--add-site", "site-3"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("site-3"), std::string::npos) << unknown.err;
  EXPECT_EQ(snapshot(dir_ / "small-state"), state_before);

  write(dir_ / "project.toml", std::string(kTwoSites) + kThirdSite);
  auto added = provision(dir_ / "project.toml", {"--add-site", "site-3"});
  ASSERT_EQ(added.exit_code, 0) << added.err;
  const auto state_after = snapshot(dir_ / "small-state");
  for (const auto& [path, bytes] : state_before) {
    ASSERT_TRUE(state_after.count(path)) << path;
    EXPECT_EQ(state_after.at(path), bytes) << "state file changed: " << path;
  }
  EXPECT_TRUE(state_after.count("curve/site-3.secret"));
  const auto kits_after = snapshot(dir_ / "kits");
  for (const char* name : {"server", "site-1", "site-2", "admin"}) {
    for (const char* file : {"/keys/curve.secret", "/keys/curve.public", "/keys/server.public", "/root.pub"}) {
      std::string path = std::string(name) + file;
      EXPECT_EQ(kits_after.at(path), kits_before.at(path)) << path;
    }
  }
  auto server = kit::load_kit(dir_ / "kits" / "server");
  ASSERT_TRUE(server) << server.message();
  ASSERT_TRUE(server->participants.count("site-3"));
  auto site3 = kit::load_kit(dir_ / "kits" / "site-3");
  ASSERT_TRUE(site3) << site3.message();
  EXPECT_EQ(server->participants.at("site-3").public_key, site3->curve_public);

  // Adding it again is refused: its keys exist already.
  auto again = provision(dir_ / "project.toml", {"--add-site", "site-3"});
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_NE(again.err.find("already provisioned"), std::string::npos) << again.err;

  // A plain re-run with --force keeps every key too.
  auto rerun = provision(dir_ / "project.toml", {"--force"});
  ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
  EXPECT_EQ(snapshot(dir_ / "small-state"), state_after);
  EXPECT_EQ(slurp(dir_ / "kits/site-3/keys/curve.secret"), kits_after.at("site-3/keys/curve.secret"));
}

TEST_F(Provision, ExistingOutRefusedWithoutForceAndReplacedWithIt) {
  write(dir_ / "project.toml", kTwoSites);
  ASSERT_EQ(provision(dir_ / "project.toml").exit_code, 0);
  write(dir_ / "kits" / "marker", "old output");
  auto refused = provision(dir_ / "project.toml");
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("exists"), std::string::npos) << refused.err;
  EXPECT_TRUE(fs::exists(dir_ / "kits" / "marker"));
  auto forced = provision(dir_ / "project.toml", {"--force"});
  ASSERT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_FALSE(fs::exists(dir_ / "kits" / "marker"));
  EXPECT_TRUE(kit::load_kit(dir_ / "kits" / "site-2"));
  for (const auto& e : fs::directory_iterator(dir_)) {
    EXPECT_EQ(e.path().filename().string().find(".kits.tmp"), std::string::npos) << e.path();
  }
}

TEST_F(Provision, MalformedProjectExits2WithFileLineAndWritesNothing) {
  const fs::path project = dir_ / "project.toml";
  write(project, "[project]\nname = \"small\"\n\n[server\nname = \"server\"\n");
  auto run = provision(project);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find(project.string() + ":4"), std::string::npos) << run.err;
  expect_nothing_written();
}

TEST_F(Provision, UnknownKeyExits2WithLine) {
  const fs::path project = dir_ / "project.toml";
  std::string text = kTwoSites;
  // Insert a typo as line 12, inside the first [[site]].
  text.insert(text.find("org = \"org-a\""), "orgg = \"typo\"\n");
  write(project, text);
  auto run = provision(project);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find(project.string() + ":12: unknown key 'orgg'"), std::string::npos) << run.err;
  expect_nothing_written();
}

TEST_F(Provision, InvalidValuesExit2NamingTheLine) {
  struct Case {
    std::string from, to, expect;
  };
  const Case cases[] = {
      {"port = 17600", "port = 70000", ":7:"},
      {"name = \"site-2\"", "name = \"site-1\"", "used twice"},
      {"name = \"site-1\"", "name = \"../site\"", ":11:"},
      {"policy = { policy = { require = [], accept_unattested = true } }\n\n[[site]]\nname = \"site-1\"\norg = \"org-a\"\n"
       "policy = { policy = { require = [], accept_unattested = true } }",
       "policy = { policy = { require = [], accept_unattested = true } }\n\n[[site]]\nname = \"site-1\"\norg = \"org-a\"\n"
       "policy = \"missing-policy.toml\"",
       ":13: policy file"},
  };
  for (const auto& c : cases) {
    std::string text = kTwoSites;
    auto pos = text.find(c.from);
    ASSERT_NE(pos, std::string::npos) << c.from;
    text.replace(pos, c.from.size(), c.to);
    write(dir_ / "project.toml", text);
    auto run = provision(dir_ / "project.toml");
    EXPECT_EQ(run.exit_code, 2) << c.to;
    EXPECT_NE(run.err.find(c.expect), std::string::npos) << c.to << " -> " << run.err;
    expect_nothing_written();
  }
}

TEST_F(Provision, InvalidPolicyExits2WithItsFileLine) {
  write(dir_ / "policies" / "bad.toml", "[policy]\nrequire = [\"x-snp\"]\n\n[snp]\ndebugg = false\n");
  std::string text = kTwoSites;
  const std::string inline_policy = "policy = { policy = { require = [], accept_unattested = true } }";
  // The server's policy, compiled with the server's own plugin's vocabulary (as `cchost run` will).
  text.replace(text.find(inline_policy), inline_policy.size(),
               "policy = \"policies/bad.toml\"\n[[server.authorizer]]\nnamespace = \"x-snp\"\nplugin = \"snp_authorizer.so\"\n"
               "backend = \"auto\"");
  write(dir_ / "project.toml", text);
  auto run = provision(dir_ / "project.toml");
  if (run.exit_code == 0) GTEST_SKIP() << "this build has no host/policy: policies are not linted";
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find((dir_ / "policies" / "bad.toml").string() + ":5"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("debugg"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("did you mean \"debug\"?"), std::string::npos) << run.err;
  for (const auto& e : fs::directory_iterator(dir_)) {
    std::string name = e.path().filename().string();
    EXPECT_TRUE(name == "plugins" || name == "policies" || name.ends_with(".toml")) << name;
  }
}

TEST_F(Provision, MissingPluginExits2NamingTheAuthorizer) {
  std::string text = kTwoSites;
  text += "\n[[site]]\nname = \"site-9\"\norg = \"o\"\npolicy = { policy = { require = [], accept_unattested = true } }\n"
          "[[site.authorizer]]\nnamespace = \"x-snp\"\nplugin = \"absent.so\"\nbackend = \"sim\"\n";
  write(dir_ / "project.toml", text);
  auto run = provision(dir_ / "project.toml");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("absent.so"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("project.toml:"), std::string::npos) << run.err;
  expect_nothing_written();
}

// --rotate replaces one site's CURVE and audit keys (old ones kept in retired/), rewrites its kit
// and the server's view of it, keeps every other key, and every kit still verifies against the
// same root pin. A name that is not a provisioned site is refused and nothing changes.
TEST_F(Provision, RotateReplacesOneSitesKeysAndKeepsEveryOther) {
  write(dir_ / "project.toml", kTwoSites);
  auto first = provision(dir_ / "project.toml");
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const auto state_before = snapshot(dir_ / "small-state");
  const auto kits_before = snapshot(dir_ / "kits");
  const std::string pin = slurp(dir_ / "kits" / "root.fingerprint").substr(0, 64);

  for (const char* bad : {"site-9", "admin", "server"}) {
    auto refused = provision(dir_ / "project.toml", {"--rotate", bad});
    EXPECT_EQ(refused.exit_code, 2) << bad;
    EXPECT_NE(refused.err.find(bad), std::string::npos) << refused.err;
  }
  EXPECT_EQ(snapshot(dir_ / "small-state"), state_before);
  EXPECT_EQ(provision(dir_ / "project.toml", {"--rotate", "site-1", "--add-site", "site-2"}).exit_code, 2);

  auto rotated = provision(dir_ / "project.toml", {"--rotate", "site-2"});
  ASSERT_EQ(rotated.exit_code, 0) << rotated.err;
  EXPECT_NE(rotated.out.find("rotated site-2"), std::string::npos) << rotated.out;
  const auto state_after = snapshot(dir_ / "small-state");
  EXPECT_NE(state_after.at("curve/site-2.secret"), state_before.at("curve/site-2.secret"));
  EXPECT_NE(state_after.at("audit/site-2.key"), state_before.at("audit/site-2.key"));
  bool retired = false;
  for (const auto& [path, bytes] : state_after)
    if (path.rfind("retired/site-2-", 0) == 0 && path.find("site-2.secret") != std::string::npos)
      retired = bytes == state_before.at("curve/site-2.secret");
  EXPECT_TRUE(retired) << "the old secret is kept under retired/";
  for (const char* kept : {"root.key", "curve/server.secret", "curve/site-1.secret", "audit/site-1.key", "audit/server.key"})
    EXPECT_EQ(state_after.at(kept), state_before.at(kept)) << kept;

  kit::LoadOptions options;
  options.expected_root_fingerprint = pin;
  auto server = kit::load_kit(dir_ / "kits" / "server", options);
  ASSERT_TRUE(server) << server.message();
  auto site2 = kit::load_kit(dir_ / "kits" / "site-2", options);
  ASSERT_TRUE(site2) << site2.message();
  auto site1 = kit::load_kit(dir_ / "kits" / "site-1", options);
  ASSERT_TRUE(site1) << site1.message();
  EXPECT_NE(site2->curve_public + "\n", kits_before.at("site-2/keys/curve.public"));
  EXPECT_EQ(server->participants.at("site-2").public_key, site2->curve_public);
  EXPECT_EQ(server->participants.at("site-2").audit_public_pem, site2->audit_public_pem);
  EXPECT_EQ(server->participants.at("site-1").public_key, site1->curve_public);
  EXPECT_EQ(site1->curve_public + "\n", kits_before.at("site-1/keys/curve.public"));
  // Every site checks the server's revocation list with the server's audit key.
  EXPECT_EQ(site1->server_audit_public_pem, server->audit_public_pem);
  EXPECT_EQ(site2->server_audit_public_pem, server->audit_public_pem);
}

// `ccprovision --init DIR` (issue 14, item 7): a commented sample project on the folder's own
// plugin, which provisions at once into kits that verify; never over an existing file.
TEST_F(Provision, InitWritesASampleProjectThatProvisions) {
  const fs::path sample = dir_ / "sample";
  auto init = run_ccprovision({"--init", sample.string(), "--plugin-dir", (dir_ / "plugins").string()}, dir_);
  ASSERT_EQ(init.exit_code, 0) << init.err;
  EXPECT_NE(init.out.find("wrote a sample project (x-snp, simulated)"), std::string::npos) << init.out;
  const std::string text = slurp(sample / "project.toml");
  EXPECT_NE(text.find("# A sample cchost project"), std::string::npos) << text;
  EXPECT_NE(text.find("plugin = \"snp_authorizer.so\""), std::string::npos) << text;
  auto run = provision(sample / "project.toml", {"--state", (dir_ / "state").string()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  for (const char* name : {"server", "site-1", "site-2", "admin"}) {
    auto kit = kit::load_kit(dir_ / "kits" / name);
    EXPECT_TRUE(kit) << name << ": " << kit.message();
  }
  // Never over an existing project, and nothing is written then.
  std::ofstream(sample / "policies" / "site.toml", std::ios::trunc) << "# mine\n";
  fs::remove(sample / "project.toml");
  auto again = run_ccprovision({"--init", sample.string(), "--plugin-dir", (dir_ / "plugins").string()}, dir_);
  EXPECT_EQ(again.exit_code, 2) << again.out;
  EXPECT_NE(again.err.find(".toml exists; it is never overwritten"), std::string::npos) << again.err;
  EXPECT_EQ(slurp(sample / "policies" / "site.toml"), "# mine\n");
  EXPECT_FALSE(fs::exists(sample / "project.toml"));
  // A folder without a plugin that can simulate: refused, naming the folder.
  fs::create_directories(dir_ / "empty");
  auto none = run_ccprovision({"--init", (dir_ / "other").string(), "--plugin-dir", (dir_ / "empty").string()}, dir_);
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("can generate and simulate evidence"), std::string::npos) << none.err;
  // --init excludes --project.
  auto both = run_ccprovision({"--init", sample.string(), "--project", "p.toml"}, dir_);
  EXPECT_EQ(both.exit_code, 2);
}

}  // namespace
}  // namespace cchost::provision
