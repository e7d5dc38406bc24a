// The x-tdx plugin through the real loader and policy engine:
//  - describe() compiles into a vocabulary; policies/README.md's [tdx] table lists exactly its
//    knobs, in order; policies/tdx.toml compiles against it;
//  - sim_provision -> generate (sim backend) -> verify (sim root trusted, collateral folder)
//    -> claims -> policy: every shipped policy rejects simulated evidence, an opt-in policy
//    accepts a compliant TD and rejects a debug one naming tdx.debug;
//  - genuine quotes verify through the loader at their recorded time.
#include <gtest/gtest.h>

#include <unistd.h>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <set>

#include "cchost/claims/namespace_claims.hpp"
#include "cchost/plugin/loader.hpp"
#include "cchost/policy/decision.hpp"
#include "cchost/policy/loader.hpp"
#include "cchost/policy/vocabulary.hpp"
#include "tdx_test_support.hpp"

namespace cchost::tdx {
namespace {
namespace fs = std::filesystem;

const fs::path kSo = fs::path(CCHOST_PLUGIN_DIR) / "tdx_authorizer.so";

const policy::Catalog& catalog() {
  static const policy::Catalog c = [] {
    policy::Catalog out;
    std::set<std::string> loaded;
    // The in-tree plugins that are in this build speak for themselves (x-az-aci is optional).
    for (const char* so : {"tdx_authorizer.so", "snp_authorizer.so", "aci_authorizer.so", "nvgpu_authorizer.so",
                           "nvswitch_authorizer.so", "nvtopology_authorizer.so"}) {
      const fs::path path = fs::path(CCHOST_PLUGIN_DIR) / so;
      if (std::string(so) != "tdx_authorizer.so" && std::string(so) != "snp_authorizer.so" && !fs::exists(path)) continue;
      auto info = plugin::PluginLoader().inspect(path);
      EXPECT_TRUE(info) << info.message();
      if (!info) continue;
      auto vocab = policy::vocabulary_from_describe(info->description);
      EXPECT_TRUE(vocab) << vocab.message();
      loaded.insert(info->ns);
      out.push_back(*vocab);
    }
    // Platforms whose plugins are not in the tree yet: the test vocabularies.
    std::ifstream in(fs::path(CCHOST_SOURCE_DIR) / "tests/policy/fixtures/platform_vocabularies.json");
    for (const auto& d : nlohmann::json::parse(in)) {
      if (loaded.count(d["namespace"].get<std::string>())) continue;
      out.push_back(*policy::vocabulary_from_describe(d));
    }
    return out;
  }();
  return c;
}

TEST(TdxPlugin, ReadmeTdxTableMatchesThePluginsKnobTable) {
  auto info = plugin::PluginLoader().inspect(kSo);
  ASSERT_TRUE(info) << info.message();
  std::vector<std::string> declared;
  for (const auto& k : info->description["knobs"]) declared.push_back(k["name"].get<std::string>());
  std::ifstream in(fs::path(CCHOST_SOURCE_DIR) / "policies/README.md");
  std::vector<std::string> documented;
  bool in_tdx = false;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("## ", 0) == 0) in_tdx = line.rfind("## `[tdx]`", 0) == 0;
    if (!in_tdx || line.rfind("| `", 0) != 0) continue;
    documented.push_back(line.substr(3, line.find('`', 3) - 3));
  }
  EXPECT_EQ(documented, declared) << "update policies/README.md's [tdx] table (`cchost plugins describe x-tdx --markdown`)";
}

TEST(TdxPlugin, ShippedTdxPolicyCompilesAgainstTheVocabulary) {
  auto load = policy::load_policy_file((fs::path(CCHOST_SOURCE_DIR) / "policies/tdx.toml").string(), catalog());
  ASSERT_TRUE(load.ok()) << (load.errors.empty() ? "" : load.errors[0].to_string());
}

class TdxPluginSim : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("cchost-tdx-plugin-" + std::to_string(::getpid()));
    fs::create_directories(dir_ / "ca");
    auto answer = plugin::PluginLoader().sim_provision(kSo, dir_ / "ca");
    ASSERT_TRUE(answer) << answer.message();
    answer_ = *answer;
  }
  static void TearDownTestSuite() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  static claims::NamespaceClaims simulated_claims(bool debug) {
    plugin::PluginLoader loader;
    auto generator = loader.load(kSo, "backend = \"sim\"\n[sim]\nca_dir = \"" + (dir_ / "ca/secret").string() +
                                          "\"\ndebug = " + (debug ? "true" : "false") + "\n");
    EXPECT_TRUE(generator) << generator.message();
    Bytes binding(64, 0x5a);
    auto token = (*generator)->generate(binding);
    EXPECT_TRUE(token) << token.message();
    generator->reset();
    plugin::HostServices services;
    services.collateral_dir = dir_ / "ca/trust";
    auto verifier = loader.load(kSo, "sim_roots = [\"" + (dir_ / "ca/trust/sim_root.pem").string() + "\"]\n", {},
                                services);
    EXPECT_TRUE(verifier) << verifier.message();
    auto parsed = (*verifier)->verify(*token, binding, std::time(nullptr));
    EXPECT_TRUE(parsed) << parsed.message();
    EXPECT_TRUE(parsed->simulated);
    return *parsed;
  }

  static policy::Decision appraise(const policy::Policy& p, const claims::NamespaceClaims& c) {
    policy::PeerContext peer;
    peer.name = "site-1";
    peer.role = "site";
    peer.evidence_age_seconds = 0;
    return policy::evaluate(p, {{c.ns, c}}, peer);
  }

  static bool names(const policy::Decision& d, const std::string& what) {
    for (const auto& f : d.failed) {
      if (f.rule == what || f.claim == what) return true;
    }
    return false;
  }

  static inline fs::path dir_;
  static inline nlohmann::json answer_;
};

TEST_F(TdxPluginSim, ProvisionAnswerNamesTrustSecretAndConfigs) {
  EXPECT_EQ(answer_["verifier_config"]["sim_roots"][0], "trust/x-tdx/sim_root.pem");
  EXPECT_EQ(answer_["prover_config"]["sim"]["ca_dir"], "sim/x-tdx");
  for (const auto& f : answer_["trust"]) EXPECT_TRUE(fs::exists(dir_ / "ca/trust" / f.get<std::string>())) << f;
  for (const auto& f : answer_["secret"]) EXPECT_TRUE(fs::exists(dir_ / "ca/secret" / f.get<std::string>())) << f;
  // The root, CA and TCB Signing keys are nowhere: no kit can mint a PCK or re-sign collateral.
  for (const auto& e : fs::recursive_directory_iterator(dir_ / "ca")) {
    if (e.path().extension() == ".key") {
      EXPECT_EQ(e.path().filename(), "pck.key");
    }
  }
}

TEST_F(TdxPluginSim, EveryShippedPolicyRejectsSimulatedEvidence) {
  const auto claims = simulated_claims(false);
  int checked = 0;
  for (const auto& entry : fs::directory_iterator(fs::path(CCHOST_SOURCE_DIR) / "policies")) {
    if (entry.path().extension() != ".toml") continue;
    auto load = policy::load_policy_file(entry.path().string(), catalog());
    ASSERT_TRUE(load.ok()) << entry.path() << ": " << (load.errors.empty() ? "" : load.errors[0].to_string());
    const auto decision = appraise(*load.policy, claims);
    EXPECT_FALSE(decision.accept) << entry.path();
    EXPECT_TRUE(names(decision, "policy.allow_simulated")) << entry.path();
    ++checked;
  }
  EXPECT_GE(checked, 5);
}

TEST_F(TdxPluginSim, OptInPolicyAcceptsCompliantAndRejectsDebugNamingTheClaim) {
  auto load = policy::load_policy_text(
      "[policy]\nrequire = [\"x-tdx\"]\nallow_simulated = true\n\n[tdx]\ndebug = false\n"
      "require_sept_ve_disable = true\naccepted_tcb_status = [\"UpToDate\"]\nrequire_mr_servicetd_zero = true\n"
      "qe_vendor_id = \"939a7233f79c4ca9940a0db3957f0607\"\nmin_tcb_date = \"2024.3.13\"\nrequire_valid_xfam = true\n",
      "opt-in.toml", catalog());
  ASSERT_TRUE(load.ok()) << (load.errors.empty() ? "" : load.errors[0].to_string());
  const auto compliant = appraise(*load.policy, simulated_claims(false));
  EXPECT_TRUE(compliant.accept) << (compliant.failed.empty() ? "" : compliant.failed[0].rule + ": " + compliant.failed[0].why);
  const auto debug = appraise(*load.policy, simulated_claims(true));
  EXPECT_FALSE(debug.accept);
  ASSERT_EQ(debug.failed.size(), 1u);
  EXPECT_EQ(debug.failed[0].claim, "tdx.debug");
}

TEST_F(TdxPluginSim, AWrongBindingIsRejectedThroughTheLoader) {
  plugin::PluginLoader loader;
  auto generator = loader.load(kSo, "backend = \"sim\"\n[sim]\nca_dir = \"" + (dir_ / "ca/secret").string() + "\"\n");
  ASSERT_TRUE(generator) << generator.message();
  auto token = (*generator)->generate(Bytes(64, 1));
  ASSERT_TRUE(token) << token.message();
  generator->reset();
  plugin::HostServices services;
  services.collateral_dir = dir_ / "ca/trust";
  auto verifier = loader.load(kSo, "sim_roots = [\"" + (dir_ / "ca/trust/sim_root.pem").string() + "\"]\n", {}, services);
  ASSERT_TRUE(verifier) << verifier.message();
  auto r = (*verifier)->verify(*token, Bytes(64, 2), std::time(nullptr));
  ASSERT_FALSE(r);
  EXPECT_NE(r.message().find("REPORT_DATA must be"), std::string::npos) << r.message();
}

TEST(TdxPluginGenuine, PhalaQuoteVerifiesThroughTheLoader) {
  TDX_REQUIRE_VECTORS(vec);
  plugin::PluginLoader loader;
  plugin::HostServices services;
  services.collateral_dir = vec / "phala/quote_v4_uptodate.collateral";
  auto a = loader.load(kSo, "", {}, services);
  ASSERT_TRUE(a) << a.message();
  const Bytes quote = test::read_file(vec / "phala/quote_v4_uptodate.dat");
  auto r = (*a)->verify(quote, std::nullopt, test::at("2025-07-19T10:00:34Z"));
  ASSERT_TRUE(r) << r.message();
  EXPECT_FALSE(r->simulated);
  a->reset();
  // Simulated roots are trusted only where configured: the genuine root needs no config at all,
  // and a configuration cannot make the verifier skip collateral.
  auto bare = loader.load(kSo, "");
  ASSERT_TRUE(bare) << bare.message();
  auto no_collateral = (*bare)->verify(quote, std::nullopt, test::at("2025-07-19T10:00:34Z"));
  ASSERT_FALSE(no_collateral);
  EXPECT_NE(no_collateral.message().find("no collateral"), std::string::npos) << no_collateral.message();
}

}  // namespace
}  // namespace cchost::tdx
