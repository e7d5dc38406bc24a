// The x-az-aci plugin through the real loader (dlopen, the C ABI), its sim_provision(), both
// evidence backends and the host's policy engine:
//  - sim (in-process simulated sidecar): generate -> verify -> policy, marked simulated;
//  - sidecar: the real cpp-httplib client against cchost-aci-sim-sidecar, a separate process
//    listening on 127.0.0.1;
//  - every shipped policy rejects simulated evidence; one that opts in accepts a compliant guest
//    and rejects a debuggable one, naming the claim.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>

#include "cchost/claims/namespace_claims.hpp"
#include "cchost/plugin/loader.hpp"
#include "cchost/policy/decision.hpp"
#include "cchost/policy/loader.hpp"

namespace cchost::aci {
namespace {
namespace fs = std::filesystem;

const fs::path kPlugin = fs::path(CCHOST_PLUGIN_DIR) / "aci_authorizer.so";

Bytes binding_of(std::uint8_t seed) {
  Bytes b(64);
  for (std::size_t i = 0; i < b.size(); ++i) b[i] = static_cast<std::uint8_t>(seed * 3 + i);
  return b;
}

// cchost-aci-sim-sidecar as a child process; stopped with SIGTERM at scope exit.
class SidecarProcess {
 public:
  explicit SidecarProcess(const fs::path& ca_dir) {
    int out[2];
    if (::pipe(out) != 0) return;
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(out[1], STDOUT_FILENO);
      ::close(out[0]);
      ::close(out[1]);
      const std::string exe = std::string(CCHOST_BINARY_DIR) + "/bin/cchost-aci-sim-sidecar";
      ::execl(exe.c_str(), exe.c_str(), "--ca-dir", ca_dir.c_str(), "--port", "0", static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::close(out[1]);
    FILE* in = ::fdopen(out[0], "r");
    char line[128] = {};
    if (in && std::fgets(line, sizeof line, in)) std::sscanf(line, "listening 127.0.0.1:%d", &port_);
    if (in) std::fclose(in);
  }
  ~SidecarProcess() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  int port() const { return port_; }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
};

class AciPlugin : public ::testing::Test {
 protected:
  // ctest runs every test in its own process: the simulated CAs (two RSA-4096 keys among them)
  // are made once per build, under a lock, and shared; each process writes only to its dir_.
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("cchost-aci-plugin-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    // Keyed by the plugin build, so a rebuilt plugin provisions afresh.
    const auto built = fs::last_write_time(kPlugin).time_since_epoch().count();
    ca_ = fs::path(CCHOST_BINARY_DIR) / "tests" / ("aci-plugin-sim-ca-" + std::to_string(built));
    fs::create_directories(ca_.parent_path());
    const int lock = ::open((ca_.string() + ".lock").c_str(), O_RDWR | O_CREAT, 0600);
    ASSERT_GE(lock, 0);
    ::flock(lock, LOCK_EX);
    if (!fs::exists(ca_ / "answer.json")) {
      fs::remove_all(ca_);
      fs::create_directories(ca_);
      auto answer = plugin::PluginLoader().sim_provision(kPlugin, ca_);
      if (answer) std::ofstream(ca_ / "answer.json") << answer->dump();
      else ADD_FAILURE() << answer.message();
    }
    std::ifstream in(ca_ / "answer.json");
    provisioned_ = nlohmann::json::parse(in, nullptr, false);
    ::close(lock);
  }
  static void TearDownTestSuite() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  static fs::path secret() { return ca_ / "secret"; }
  static fs::path trust() { return ca_ / "trust"; }

  Result<Bytes> generate(const std::string& config, const Bytes& binding) {
    plugin::PluginLoader loader;
    auto generator = loader.load(kPlugin, config);
    if (!generator) return generator.error();
    return (*generator)->generate(binding);
  }
  Result<claims::NamespaceClaims> verify(const Bytes& token, const std::optional<Bytes>& binding) {
    plugin::PluginLoader loader;
    plugin::HostServices services;
    services.collateral_dir = trust();
    auto verifier = loader.load(kPlugin, "", std::nullopt, services);
    if (!verifier) return verifier.error();
    return (*verifier)->verify(token, binding, std::time(nullptr));
  }
  static std::string sim_config(const std::string& extra = "") {
    return "backend = \"sim\"\n[sim]\nca_dir = \"" + secret().string() + "\"\n" + extra;
  }

  static const policy::Catalog& catalog() {
    static const policy::Catalog c = [] {
      policy::Catalog out;
      auto info = plugin::PluginLoader().inspect(kPlugin);
      EXPECT_TRUE(info) << info.message();
      out.push_back(*policy::vocabulary_from_describe(info->description));
      return out;
    }();
    return c;
  }
  static policy::Decision appraise(const policy::Policy& p, const claims::NamespaceClaims& c) {
    policy::PeerContext peer;
    peer.name = "aci-site";
    peer.role = "site";
    peer.evidence_age_seconds = 0;
    return policy::evaluate(p, {{c.ns, c}}, peer);
  }
  static bool names(const policy::Decision& d, const std::string& what) {
    for (const auto& f : d.failed)
      if (f.rule == what || f.claim == what) return true;
    return false;
  }
  static std::string shipped_policy_text() {
    std::ifstream in(fs::path(CCHOST_SOURCE_DIR) / "policies" / "aci.toml");
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }

  static inline fs::path dir_;  // this process's scratch folder
  static inline fs::path ca_;   // the shared simulated CAs (sim_provision's folder)
  static inline nlohmann::json provisioned_;
};

TEST_F(AciPlugin, SimProvisionListsPlainFilesAndConfigs) {
  ASSERT_EQ(provisioned_["trust"].size(), 3u);
  EXPECT_TRUE(fs::exists(trust() / "sim_ark.pem"));
  EXPECT_TRUE(fs::exists(trust() / "sim_uvm_root.pem"));
  EXPECT_FALSE(fs::exists(trust() / "ark.key"));
  const std::string pin = provisioned_["trust"][0];
  EXPECT_EQ(pin, "sim_maa.sim-maa.cchost.invalid.jwks.json");
  EXPECT_TRUE(fs::exists(trust() / pin));
  EXPECT_TRUE(fs::exists(secret() / "maa_key.pem"));
  EXPECT_FALSE(fs::exists(trust() / "maa_key.pem"));
  EXPECT_EQ(provisioned_["prover_config"]["backend"], "sim");
  EXPECT_EQ(fs::status(secret()).permissions() & fs::perms::group_all, fs::perms::none);
}

TEST_F(AciPlugin, SimRoundTripIsBoundAndSimulated) {
  const Bytes binding = binding_of(1);
  auto token = generate(sim_config(), binding);
  ASSERT_TRUE(token) << token.message();
  auto claims = verify(*token, binding);
  ASSERT_TRUE(claims) << claims.message();
  EXPECT_TRUE(claims->simulated);
  EXPECT_EQ(claims->ns, "x-az-aci");
  ASSERT_EQ(claims->records.size(), 1u);
  EXPECT_EQ(claims->records[0].cls, "container");
  // Another relying party's challenge: refused.
  auto other = verify(*token, binding_of(2));
  ASSERT_FALSE(other);
  EXPECT_NE(other.message().find("binding mismatch"), std::string::npos) << other.message();
}

TEST_F(AciPlugin, SimTokensVerifyOnlyWhereTheSimInstanceIsPinned) {
  auto token = generate(sim_config(), binding_of(1));
  ASSERT_TRUE(token) << token.message();
  plugin::PluginLoader loader;
  auto verifier = loader.load(kPlugin, "");  // no collateral: no instance pinned
  ASSERT_TRUE(verifier) << verifier.message();
  auto r = (*verifier)->verify(*token, binding_of(1), std::time(nullptr));
  ASSERT_FALSE(r);
  EXPECT_NE(r.message().find("no MAA instance is pinned"), std::string::npos) << r.message();
}

TEST_F(AciPlugin, EveryShippedPolicyRejectsSimulatedEvidence) {
  auto token = generate(sim_config(), binding_of(1));
  ASSERT_TRUE(token) << token.message();
  auto claims = verify(*token, binding_of(1));
  ASSERT_TRUE(claims) << claims.message();
  auto load = policy::load_policy_text(shipped_policy_text(), "aci.toml", catalog());
  ASSERT_TRUE(load.ok()) << (load.errors.empty() ? "" : load.errors[0].to_string());
  const auto d = appraise(*load.policy, *claims);
  EXPECT_FALSE(d.accept);
  EXPECT_TRUE(names(d, "policy.allow_simulated"));
  // Simulation is the only thing it rejects: the simulated guest is otherwise compliant.
  EXPECT_EQ(d.failed.size(), 1u) << d.failed.back().rule;
}

TEST_F(AciPlugin, OptInPolicyAcceptsCompliantAndRejectsDebuggableNamingTheClaim) {
  std::string text = shipped_policy_text();
  text.replace(text.find("allow_simulated = false"), 23, "allow_simulated = true");
  auto load = policy::load_policy_text(text, "opt-in.toml", catalog());
  ASSERT_TRUE(load.ok()) << (load.errors.empty() ? "" : load.errors[0].to_string());
  auto good = verify(*generate(sim_config(), binding_of(1)), binding_of(1));
  ASSERT_TRUE(good) << good.message();
  const auto accepted = appraise(*load.policy, *good);
  EXPECT_TRUE(accepted.accept) << (accepted.failed.empty() ? "" : accepted.failed[0].rule + ": " + accepted.failed[0].why);
  auto debug = verify(*generate(sim_config("debuggable = true\n"), binding_of(1)), binding_of(1));
  ASSERT_TRUE(debug) << debug.message();
  const auto rejected = appraise(*load.policy, *debug);
  EXPECT_FALSE(rejected.accept);
  ASSERT_EQ(rejected.failed.size(), 1u);
  EXPECT_EQ(rejected.failed[0].claim, "aci.debuggable");
  // The allow-all CCE policy is never a workload identity.
  auto allow_all = verify(*generate(sim_config("host_data = \"cadd74f71ebb8fbf9782baab649612520f3c416bc5ce9ac768808ddc8d9b031c\"\n"),
                                    binding_of(1)),
                          binding_of(1));
  ASSERT_TRUE(allow_all) << allow_all.message();
  const auto refused = appraise(*load.policy, *allow_all);
  EXPECT_FALSE(refused.accept);
  ASSERT_EQ(refused.failed.size(), 1u);
  EXPECT_EQ(refused.failed[0].claim, "aci.host_data");
  EXPECT_NE(refused.failed[0].rule.find("aci.no-allow-all-cce-policy"), std::string::npos) << refused.failed[0].rule;
}

TEST_F(AciPlugin, SidecarBackendTalksHttpToASimulatedSidecarProcess) {
  SidecarProcess sidecar(secret());
  ASSERT_GT(sidecar.port(), 0) << "cchost-aci-sim-sidecar did not start";
  const std::string config = "backend = \"sidecar\"\nsidecar_port = " + std::to_string(sidecar.port()) +
                             "\nmaa_endpoint = \"sim-maa.cchost.invalid\"\n";
  const Bytes binding = binding_of(5);
  auto token = generate(config, binding);
  ASSERT_TRUE(token) << token.message();
  auto claims = verify(*token, binding);
  ASSERT_TRUE(claims) << claims.message();
  EXPECT_TRUE(claims->simulated);
  // The sidecar's own error comes back with its HTTP status.
  auto wrong = generate("backend = \"sidecar\"\nsidecar_port = " + std::to_string(sidecar.port()) +
                            "\nmaa_endpoint = \"sharedeus2.eus2.attest.azure.net\"\n",
                        binding);
  ASSERT_FALSE(wrong);
  EXPECT_NE(wrong.message().find("HTTP 400"), std::string::npos) << wrong.message();
}

TEST_F(AciPlugin, UnreachableSidecarIsUnavailable) {
  int port = 0;
  {
    SidecarProcess sidecar(secret());  // a port that was free a moment ago, now closed again
    port = sidecar.port();
  }
  ASSERT_GT(port, 0);
  auto r = generate("backend = \"sidecar\"\ntimeout_ms = 500\nsidecar_port = " + std::to_string(port) +
                        "\nmaa_endpoint = \"sim-maa.cchost.invalid\"\n",
                    binding_of(1));
  ASSERT_FALSE(r);
  EXPECT_NE(r.message().find("sidecar http://127.0.0.1:" + std::to_string(port) + "/attest/maa"), std::string::npos)
      << r.message();
}

// The raw path end to end: plugins/snp's sim backend signs the report (simulated VCEK),
// the simulated supply chain endorses the UVM, and the verifier takes the SNP plugin's path.
TEST_F(AciPlugin, RawSimRoundTripThroughTheSnpVerifier) {
  const Bytes binding = binding_of(7);
  auto evidence = generate(sim_config() + "", binding);  // maa, for contrast below
  ASSERT_TRUE(evidence) << evidence.message();
  auto raw = generate("backend = \"sim\"\nevidence = \"raw\"\n[sim]\nca_dir = \"" + secret().string() + "\"\n", binding);
  ASSERT_TRUE(raw) << raw.message();
  ASSERT_EQ(raw->front(), '{');
  auto claims = verify(*raw, binding);
  ASSERT_TRUE(claims) << claims.message();
  EXPECT_TRUE(claims->simulated);
  const auto& c = claims->records[0].claims;
  EXPECT_EQ(c.at("aci.evidence_path").text, "raw");
  EXPECT_EQ(c.at("aci.compliance_status").text, "azure-compliant-uvm");
  EXPECT_FALSE(verify(*raw, binding_of(8)));
  // Policies: the shipped one rejects only because it is simulated; an opt-in accepts.
  std::string text = shipped_policy_text();
  auto shipped = policy::load_policy_text(text, "aci.toml", catalog());
  ASSERT_TRUE(shipped.ok());
  const auto d = appraise(*shipped.policy, *claims);
  EXPECT_FALSE(d.accept);
  EXPECT_TRUE(names(d, "policy.allow_simulated"));
  // ... and because the simulated UVM's endorsement is not Microsoft's supply chain.
  EXPECT_TRUE(names(d, "aci.uvm_issuers"));
  EXPECT_EQ(d.failed.size(), 2u) << d.failed.back().rule << ": " << d.failed.back().why;
  text.replace(text.find("allow_simulated = false"), 23, "allow_simulated = true");
  text.replace(text.find("uvm_issuers = "), 0, "# ");
  auto opt_in = policy::load_policy_text(text, "opt-in.toml", catalog());
  ASSERT_TRUE(opt_in.ok());
  const auto accepted = appraise(*opt_in.policy, *claims);
  EXPECT_TRUE(accepted.accept) << (accepted.failed.empty() ? "" : accepted.failed[0].rule + ": " + accepted.failed[0].why);
}

TEST_F(AciPlugin, RawEvidenceOverHttpFromTheSimulatedSidecar) {
  SidecarProcess sidecar(secret());
  ASSERT_GT(sidecar.port(), 0);
  const fs::path policy_file = dir_ / "security-policy-base64";
  std::ofstream(policy_file) << "cGFja2FnZSBwb2xpY3kKIyBjY2hvc3Qgc2ltdWxhdGVkIENDRSBwb2xpY3kK\n";  // kSimCcePolicy
  const std::string config = "backend = \"sidecar\"\nevidence = \"raw\"\nsidecar_port = " + std::to_string(sidecar.port()) +
                             "\nsecurity_policy_file = \"" + policy_file.string() + "\"\n";
  auto raw = generate(config, binding_of(9));
  ASSERT_TRUE(raw) << raw.message();
  auto claims = verify(*raw, binding_of(9));
  ASSERT_TRUE(claims) << claims.message();
  EXPECT_TRUE(claims->simulated);
  // Another CCE policy than the one launched: HOST_DATA says so.
  std::ofstream(policy_file) << "YW5vdGhlciBwb2xpY3kK\n";
  auto other = generate(config, binding_of(9));
  ASSERT_TRUE(other) << other.message();
  auto refused = verify(*other, binding_of(9));
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.message().find("HOST_DATA must be SHA-256(security_policy)"), std::string::npos) << refused.message();
}

TEST_F(AciPlugin, ConfigTyposAreRefused) {
  plugin::PluginLoader loader;
  for (const char* bad : {"backnd = \"sim\"\n", "allowed_algs = [\"ES256\"]\n", "clock_skew = 3600\n",
                          "backend = \"sim\"\n[sim]\nca_dri = \"x\"\n", "[sim]\nhost_data = \"00\"\n"}) {
    SCOPED_TRACE(bad);
    auto r = loader.load(kPlugin, bad);
    EXPECT_FALSE(r);
  }
}

}  // namespace
}  // namespace cchost::aci
