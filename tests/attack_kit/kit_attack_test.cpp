// A kit re-signed by an attacker (issue 9, defect 3): the site's policy replaced by a
// trust-everyone policy, root.pub swapped for the attacker's own Ed25519 key, root_fingerprint
// rewritten and the manifest re-signed. Such a kit verifies against itself, so on the parent
// commit `cchost run` started it unless the operator happened to pass --root-fingerprint. Now
// it is refused with the reason, by an explicit pin and by the workspace pin of an earlier
// start; `cchost admin`, which has no workspace, refuses to run without an explicit pin.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <thread>

#include "cchost/crypto/encoding.hpp"
#include "cchost/crypto/hash.hpp"
#include "cchost/crypto/public_key.hpp"
#include "cchost/crypto/signing_key.hpp"
#include "cchost/kit/kit.hpp"
#include "cchost/kit/layout.hpp"
#include "cchost/kit/manifest.hpp"

extern char** environ;

namespace fs = std::filesystem;

namespace cchost::attack_kit {
namespace {

const std::string kCchost = CCHOST_BINARY_DIR "/bin/cchost";
const std::string kProvision = CCHOST_BINARY_DIR "/bin/ccprovision";

constexpr const char* kProject = R"([project]
name = "attacked"

[server]
name = "server"
host = "127.0.0.1"
port = PORT
policy = { policy = { require = ["x-snp"] } }

[[site]]
name = "site-1"
org = "org-a"
policy = { policy = { require = ["x-snp"] } }

[admin]
name = "admin"
)";

// What the attacker wants the site to believe: anyone is fine.
constexpr const char* kTrustEveryone = "[policy]\nrequire = []\naccept_unattested = true\nallow_simulated = true\n";

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary | std::ios::trunc) << text;
}

unsigned mode_of(const fs::path& p) {
  struct stat st {};
  EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
  return st.st_mode & 0777;
}

// A free loopback port, chosen by the kernel.
int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
    port = ntohs(addr.sin_port);
  ::close(fd);
  return port;
}

// Polls `done` with a generous hang guard.
bool eventually(const std::function<bool()>& done, std::chrono::seconds guard = std::chrono::seconds(60)) {
  const auto until = std::chrono::steady_clock::now() + guard;
  while (!done()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return true;
}

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

pid_t spawn(const std::vector<std::string>& args, const fs::path& out, const fs::path& err) {
  std::vector<std::string> all = args;
  std::vector<char*> argv;
  for (auto& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = -1;
  if (posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ) != 0) pid = -1;
  posix_spawn_file_actions_destroy(&actions);
  return pid;
}

// Waits for `pid` with a generous hang guard; a child still alive after it is killed.
int reap(pid_t pid, std::chrono::seconds guard = std::chrono::seconds(60)) {
  const auto until = std::chrono::steady_clock::now() + guard;
  int status = 0;
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > until) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

class KitAttack : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("cchost-kit-attack-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    std::string project = kProject;
    port_ = free_port();
    project.replace(project.find("PORT"), 4, std::to_string(port_));
    write(dir_ / "project.toml", project);
    auto provisioned = run({kProvision, "--project", (dir_ / "project.toml").string(), "--out", (dir_ / "kits").string(),
                            "--state", (dir_ / "state").string()});
    ASSERT_EQ(provisioned.exit_code, 0) << provisioned.err;
    real_root_ = slurp(dir_ / "kits" / "root.fingerprint");
    real_root_.pop_back();  // '\n'
    ASSERT_EQ(real_root_.size(), 64u);
    ::unsetenv("CCHOST_ROOT_FINGERPRINT");
  }
  void TearDown() override { fs::remove_all(dir_); }

  RunResult run(const std::vector<std::string>& args) {
    RunResult r;
    const pid_t pid = spawn(args, dir_ / "run.out", dir_ / "run.err");
    if (pid < 0) return r;
    r.exit_code = reap(pid);
    r.out = slurp(dir_ / "run.out");
    r.err = slurp(dir_ / "run.err");
    return r;
  }

  // Copies `name`'s kit to <dir>/evil-<name> and does what the attacker does: a new policy, a
  // new root key, the fingerprint rewritten where the kit names it, the manifest re-signed.
  fs::path resign(const std::string& name) {
    const fs::path kit = dir_ / ("evil-" + name);
    fs::copy(dir_ / "kits" / name, kit, fs::copy_options::recursive);
    EVP_PKEY* raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
    BIO* priv = BIO_new(BIO_s_mem());
    BIO* pub = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(priv, raw, nullptr, nullptr, 0, nullptr, nullptr);
    PEM_write_bio_PUBKEY(pub, raw);
    char* data = nullptr;
    long len = BIO_get_mem_data(priv, &data);
    auto attacker = crypto::SigningKey::from_pem(std::string(data, static_cast<std::size_t>(len)));
    len = BIO_get_mem_data(pub, &data);
    const std::string root_pem(data, static_cast<std::size_t>(len));
    BIO_free(priv);
    BIO_free(pub);
    EVP_PKEY_free(raw);
    EXPECT_TRUE(attacker.ok());
    attacker_root_ = crypto::hex_encode(attacker->public_key().spki_sha256());

    fs::permissions(kit / "root.pub", fs::perms::owner_write, fs::perm_options::add);
    write(kit / "root.pub", root_pem);
    if (fs::exists(kit / "policy.toml")) {
      fs::permissions(kit / "policy.toml", fs::perms::owner_write, fs::perm_options::add);
      write(kit / "policy.toml", kTrustEveryone);
    }
    std::string participant = slurp(kit / "participant.toml");
    for (auto at = participant.find(real_root_); at != std::string::npos; at = participant.find(real_root_))
      participant.replace(at, real_root_.size(), attacker_root_);
    fs::permissions(kit / "participant.toml", fs::perms::owner_write, fs::perm_options::add);
    write(kit / "participant.toml", participant);

    kit::Manifest manifest;
    manifest.root_fingerprint = attacker_root_;
    for (const auto& e : fs::recursive_directory_iterator(kit)) {
      const std::string rel = e.path().lexically_relative(kit).generic_string();
      if (!e.is_regular_file() || rel == kit::layout::kManifest || rel == kit::layout::kManifestSig) continue;
      manifest.files[rel] = crypto::hex_encode(crypto::sha256(as_bytes(slurp(e.path()))));
    }
    const std::string text = kit::format_manifest(manifest);
    auto sig = attacker->sign(as_bytes(text));
    EXPECT_TRUE(sig.ok());
    for (auto f : {kit::layout::kManifest, kit::layout::kManifestSig})
      fs::permissions(kit / f, fs::perms::owner_write, fs::perm_options::add);
    write(kit / kit::layout::kManifest, text);
    write(kit / kit::layout::kManifestSig, std::string(sig->begin(), sig->end()));

    // The forgery is sound: checked only against itself, the kit verifies and trusts everyone.
    auto self_checked = kit::load_kit(kit);
    EXPECT_TRUE(self_checked) << self_checked.message();
    return kit;
  }

  fs::path dir_;
  int port_ = 0;
  std::string real_root_;
  std::string attacker_root_;
};

TEST_F(KitAttack, ReSignedKitIsRefusedWithAnExplicitPin) {
  const fs::path evil = resign("site-1");
  const fs::path ws = dir_ / "ws";
  const std::string reason = "signed by root " + attacker_root_ + ", not by the pinned root " + real_root_;

  auto flag = run({kCchost, "run", "--kit", evil.string(), "--workspace", ws.string(), "--root-fingerprint", real_root_});
  EXPECT_EQ(flag.exit_code, 2) << flag.err;
  EXPECT_NE(flag.err.find(reason), std::string::npos) << flag.err;
  EXPECT_NE(flag.err.find("re-signed by another root is refused"), std::string::npos) << flag.err;

  auto file = run({kCchost, "run", "--kit", evil.string(), "--workspace", ws.string(), "--root-fingerprint-file",
                   (dir_ / "kits" / "root.fingerprint").string()});
  EXPECT_EQ(file.exit_code, 2) << file.err;
  EXPECT_NE(file.err.find(reason), std::string::npos) << file.err;

  ::setenv("CCHOST_ROOT_FINGERPRINT", real_root_.c_str(), 1);
  auto env = run({kCchost, "run", "--kit", evil.string(), "--workspace", ws.string()});
  ::unsetenv("CCHOST_ROOT_FINGERPRINT");
  EXPECT_EQ(env.exit_code, 2) << env.err;
  EXPECT_NE(env.err.find(reason), std::string::npos) << env.err;
  EXPECT_FALSE(fs::exists(ws)) << "a refused kit must not create a workspace";

  // The admin command loads kits too, and an explicit pin refuses a re-signed admin kit.
  auto admin = run({kCchost, "admin", "--kit", resign("admin").string(), "--root-fingerprint", real_root_, "status"});
  EXPECT_EQ(admin.exit_code, 2) << admin.err;
  EXPECT_NE(admin.err.find("not by the pinned root " + real_root_), std::string::npos) << admin.err;
}

TEST_F(KitAttack, ReSignedKitIsRefusedByTheWorkspacePinOfAnEarlierStart) {
  const fs::path ws = dir_ / "ws";
  // First start, no pin given: the root is trusted on first use and pinned in the workspace.
  const pid_t site = spawn({kCchost, "run", "--kit", (dir_ / "kits" / "site-1").string(), "--workspace", ws.string(),
                            "--heartbeat-ms", "200"},
                           dir_ / "site.out", dir_ / "site.err");
  ASSERT_GT(site, 0);
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (slurp(dir_ / "site.out").find("connecting to") == std::string::npos && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  kill(site, SIGTERM);
  EXPECT_EQ(reap(site), 0) << slurp(dir_ / "site.err");
  EXPECT_NE(slurp(dir_ / "site.err").find("trusting root " + real_root_ + " on first use"), std::string::npos)
      << slurp(dir_ / "site.err");
  EXPECT_EQ(slurp(ws / "root.pin"), real_root_ + "\n");
  // Workspace files that name peers, challenges or the trusted root are the owner's only.
  EXPECT_EQ(mode_of(ws / "root.pin"), 0600u);
  EXPECT_EQ(mode_of(ws / "audit.log"), 0600u);
  EXPECT_EQ(mode_of(ws / "nonces.log"), 0600u);  // issue 9, defect 9: was 0644
  const std::string audit_before = slurp(ws / "audit.log");

  // Second start, the attacker's kit in the same workspace and still no pin on the command line.
  auto evil = run({kCchost, "run", "--kit", resign("site-1").string(), "--workspace", ws.string()});
  EXPECT_EQ(evil.exit_code, 2) << evil.err;
  EXPECT_NE(evil.err.find("the kit is signed by root " + attacker_root_ +
                          ", but this workspace was first started with root " + real_root_),
            std::string::npos)
      << evil.err;
  EXPECT_NE(evil.err.find("re-signed by another root is refused"), std::string::npos) << evil.err;
  EXPECT_EQ(slurp(ws / "audit.log"), audit_before) << "a refused kit must not touch the audit log";
  EXPECT_EQ(slurp(ws / "root.pin"), real_root_ + "\n");

  // An explicit pin that disagrees with the workspace is refused as well (pins only add checks).
  auto other = run({kCchost, "run", "--kit", (dir_ / "evil-site-1").string(), "--workspace", ws.string(),
                    "--root-fingerprint", attacker_root_});
  EXPECT_EQ(other.exit_code, 2) << other.err;
  EXPECT_NE(other.err.find("first started with root " + real_root_), std::string::npos) << other.err;
}

// The site's log from a real run, checked with the kit's audit key (issue 9, defect 5).
TEST_F(KitAttack, RealSiteLogIsSealedAndACutIsDetected) {
  const fs::path ws = dir_ / "ws";
  const pid_t site = spawn({kCchost, "run", "--kit", (dir_ / "kits" / "site-1").string(), "--workspace", ws.string(),
                            "--root-fingerprint", real_root_},
                           dir_ / "site.out", dir_ / "site.err");
  ASSERT_GT(site, 0);
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (slurp(dir_ / "site.out").find("connecting to") == std::string::npos && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  kill(site, SIGTERM);
  ASSERT_EQ(reap(site), 0) << slurp(dir_ / "site.err");
  const std::vector<std::string> verify = {kCchost, "audit", "verify", (ws / "audit.log").string(), "--kit",
                                           (dir_ / "kits" / "site-1").string(), "--root-fingerprint-file",
                                           (ws / "root.pin").string()};
  auto sealed = run(verify);
  EXPECT_EQ(sealed.exit_code, 0) << sealed.out << sealed.err;
  EXPECT_NE(sealed.out.find("sealed by a shutdown head"), std::string::npos) << sealed.out;

  std::string text = slurp(ws / "audit.log");
  text.erase(text.rfind('\n', text.size() - 2) + 1);  // drop the last line (the shutdown head)
  fs::permissions(ws / "audit.log", fs::perms::owner_write, fs::perm_options::add);
  write(ws / "audit.log", text);
  auto cut = run(verify);
  EXPECT_EQ(cut.exit_code, 1) << cut.out << cut.err;
  EXPECT_NE(cut.out.find("(unsealed)"), std::string::npos) << cut.out;

  // The site's own restart records that its log was not sealed, then signs on from there.
  const pid_t again = spawn({kCchost, "run", "--kit", (dir_ / "kits" / "site-1").string(), "--workspace", ws.string(),
                             "--root-fingerprint", real_root_},
                            dir_ / "site.out", dir_ / "site.err");
  const auto until2 = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (slurp(dir_ / "site.out").find("connecting to") == std::string::npos && std::chrono::steady_clock::now() < until2)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  kill(again, SIGTERM);
  ASSERT_EQ(reap(again), 0) << slurp(dir_ / "site.err");
  EXPECT_NE(slurp(ws / "audit.log").find("\"type\":\"audit.unclean_end\""), std::string::npos);
  EXPECT_EQ(run(verify).exit_code, 0);
}

// The server keeps the latest signed head each site sends in its heartbeats, so a site's log cut
// while it runs (where the log alone cannot tell, --live) is detected against the server's copy.
TEST_F(KitAttack, ServerKeepsSiteHeadsAndACutSiteLogIsDetectedAgainstThem) {
  const fs::path server_ws = dir_ / "ws-server";
  const fs::path site_ws = dir_ / "ws-site";
  const pid_t server = spawn({kCchost, "run", "--kit", (dir_ / "kits" / "server").string(), "--workspace",
                              server_ws.string(), "--root-fingerprint", real_root_},
                             dir_ / "server.out", dir_ / "server.err");
  ASSERT_GT(server, 0);
  ASSERT_TRUE(eventually([&] { return slurp(dir_ / "server.out").find("listening on") != std::string::npos; }))
      << slurp(dir_ / "server.err");
  const pid_t site = spawn({kCchost, "run", "--kit", (dir_ / "kits" / "site-1").string(), "--workspace",
                            site_ws.string(), "--root-fingerprint", real_root_, "--heartbeat-ms", "100"},
                           dir_ / "site.out", dir_ / "site.err");
  ASSERT_GT(site, 0);
  const fs::path held = server_ws / "site-heads" / "site-1.json";
  // Registration fails (no evidence for require = ["x-snp"]) and is audited; wait for a head
  // that covers it, i.e. one newer than the site's start head.
  const bool got = eventually([&] { return slurp(held).find("\"reason\":\"checkpoint\"") != std::string::npos; });
  kill(site, SIGTERM);
  EXPECT_EQ(reap(site), 0) << slurp(dir_ / "site.err");
  kill(server, SIGTERM);
  EXPECT_EQ(reap(server), 0) << slurp(dir_ / "server.err");
  ASSERT_TRUE(got) << "no checkpoint head reached the server: " << slurp(held) << slurp(dir_ / "server.err");
  EXPECT_EQ(mode_of(held), 0600u);
  // The site refused the server (it presented no x-snp evidence) and said why on the wire, in
  // words that name what failed (issue 9, defect 9: the parent sent "(namespace)").
  const std::string server_audit = slurp(server_ws / "audit.log");
  EXPECT_NE(server_audit.find("\"registration.aborted\""), std::string::npos) << server_audit;
  EXPECT_NE(server_audit.find("\"policy.require: x-snp missing\""), std::string::npos) << server_audit;
  EXPECT_EQ(server_audit.find("(namespace)"), std::string::npos) << server_audit;

  const std::vector<std::string> verify = {kCchost, "audit", "verify", (site_ws / "audit.log").string(), "--kit",
                                           (dir_ / "kits" / "site-1").string(), "--root-fingerprint", real_root_,
                                           "--live", "--against", held.string()};
  auto whole = run(verify);
  EXPECT_EQ(whole.exit_code, 0) << whole.out << whole.err;

  // Cut the site's log back to its start head, below the head the server holds.
  std::istringstream lines(slurp(site_ws / "audit.log"));
  std::string line, kept;
  while (std::getline(lines, line)) {
    kept += line + "\n";
    if (line.find("\"reason\":\"start\"") != std::string::npos) break;
  }
  write(site_ws / "audit.log", kept);
  auto alone = run({kCchost, "audit", "verify", (site_ws / "audit.log").string(), "--kit",
                    (dir_ / "kits" / "site-1").string(), "--root-fingerprint", real_root_, "--live"});
  EXPECT_EQ(alone.exit_code, 0) << "the cut log alone looks like a running writer's: " << alone.out;
  auto against = run(verify);
  EXPECT_EQ(against.exit_code, 1) << against.out << against.err;
  EXPECT_NE(against.out.find("(missing_head)"), std::string::npos) << against.out;
}

TEST_F(KitAttack, AdminWithoutAnExplicitPinIsRefused) {
  auto admin = run({kCchost, "admin", "--kit", (dir_ / "kits" / "admin").string(), "--timeout", "1", "status"});
  EXPECT_EQ(admin.exit_code, 2) << admin.err;
  EXPECT_NE(admin.err.find("no root pin"), std::string::npos) << admin.err;
  EXPECT_NE(admin.err.find("--root-fingerprint"), std::string::npos) << admin.err;

  auto malformed = run({kCchost, "run", "--kit", (dir_ / "kits" / "site-1").string(), "--workspace",
                        (dir_ / "ws").string(), "--root-fingerprint", "abc"});
  EXPECT_EQ(malformed.exit_code, 2) << malformed.err;
  EXPECT_NE(malformed.err.find("--root-fingerprint: a root fingerprint is the 64 hex characters"), std::string::npos)
      << malformed.err;
  EXPECT_FALSE(fs::exists(dir_ / "ws"));
}

}  // namespace
}  // namespace cchost::attack_kit
