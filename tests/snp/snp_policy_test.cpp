// Simulated SNP evidence end to end through the real parts: the plugin (real loader, sim
// backend) generates, verifies and extracts claims; the policy engine appraises them.
//  - Every shipped policy rejects simulated evidence (allow_simulated is never true there).
//  - A policy that opts in accepts a compliant simulated report, and rejects one with the
//    DEBUG policy bit set, naming snp.policy.debug.
#include <gtest/gtest.h>

#include <set>

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>

#include "cchost/claims/namespace_claims.hpp"
#include "cchost/plugin/loader.hpp"
#include "cchost/policy/decision.hpp"
#include "cchost/policy/loader.hpp"

namespace cchost::snp {
namespace {
namespace fs = std::filesystem;

class SnpPolicy : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("cchost-snp-policy-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  static void TearDownTestSuite() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // Sim evidence with the given [sim] debug bit, verified by a context that trusts the sim root.
  claims::NamespaceClaims simulated_claims(bool debug) {
    plugin::PluginLoader loader;
    const fs::path so = fs::path(CCHOST_PLUGIN_DIR) / "snp_authorizer.so";
    const std::string gen_cfg = "backend = \"sim\"\n[sim]\nca_dir = \"" + (dir_ / "ca").string() +
                                "\"\ncreate_ca_if_missing = true\nproduct = \"Milan\"\ndebug = " +
                                (debug ? "true" : "false") + "\n";
    auto generator = loader.load(so, gen_cfg);
    EXPECT_TRUE(generator) << generator.message();
    Bytes binding(64, 0);
    binding[0] = 7;
    auto token = (*generator)->generate(binding);
    EXPECT_TRUE(token) << token.message();
    generator->reset();
    auto verifier = loader.load(so, "sim_roots = [\"" + (dir_ / "ca" / "ark.pem").string() + "\"]\n");
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
    for (const auto& f : d.failed)
      if (f.rule == what || f.claim == what) return true;
    return false;
  }

  // x-snp's vocabulary from the plugin itself, and test vocabularies (tests/policy/fixtures)
  // for the other platforms' shipped policies, whose plugins are not in this tree yet.
  static const policy::Catalog& catalog() {
    static const policy::Catalog c = [] {
      policy::Catalog out;
      auto info = plugin::PluginLoader().inspect(fs::path(CCHOST_PLUGIN_DIR) / "snp_authorizer.so");
      EXPECT_TRUE(info) << info.message();
      out.push_back(*policy::vocabulary_from_describe(info->description));
      // x-az-aci from its plugin when the build has it (policies/aci.toml uses its knobs).
      std::set<std::string> from_plugins;
      // Every other in-tree plugin the build has speaks for itself (the shipped policies use
      // their knobs); the test vocabularies stand in for the ones it lacks.
      for (const char* so : {"aci_authorizer.so", "tdx_authorizer.so", "nvgpu_authorizer.so", "nvswitch_authorizer.so",
                             "nvtopology_authorizer.so"}) {
        if (!fs::exists(fs::path(CCHOST_PLUGIN_DIR) / so)) continue;
        auto info = plugin::PluginLoader().inspect(fs::path(CCHOST_PLUGIN_DIR) / so);
        if (!info) continue;
        from_plugins.insert(info->ns);
        out.push_back(*policy::vocabulary_from_describe(info->description));
      }
      std::ifstream in(fs::path(CCHOST_SOURCE_DIR) / "tests/policy/fixtures/platform_vocabularies.json");
      for (const auto& d : nlohmann::json::parse(in)) {
        if (from_plugins.count(d.value("namespace", ""))) continue;
        out.push_back(*policy::vocabulary_from_describe(d));
      }
      return out;
    }();
    return c;
  }

  static inline fs::path dir_;
};

TEST_F(SnpPolicy, EveryShippedPolicyRejectsSimulatedEvidence) {
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

TEST_F(SnpPolicy, OptInPolicyAcceptsCompliantAndRejectsDebugNamingTheClaim) {
  auto load = policy::load_policy_text(
      "[policy]\nrequire = [\"x-snp\"]\nallow_simulated = true\n\n[snp]\ndebug = false\n", "opt-in.toml", catalog());
  ASSERT_TRUE(load.ok()) << (load.errors.empty() ? "" : load.errors[0].to_string());
  const auto compliant = appraise(*load.policy, simulated_claims(false));
  EXPECT_TRUE(compliant.accept) << (compliant.failed.empty() ? "" : compliant.failed[0].why);
  const auto debug = appraise(*load.policy, simulated_claims(true));
  EXPECT_FALSE(debug.accept);
  ASSERT_EQ(debug.failed.size(), 1u);
  EXPECT_EQ(debug.failed[0].claim, "snp.policy.debug");
}

}  // namespace
}  // namespace cchost::snp
