// `cchost evidence generate` (issue 14, item 4) on a kit from the real ccprovision with the
// simulated SNP backend: the folder it writes verifies with the `cchost verify` command it
// prints, for its nonce and no other; bad input is refused naming the option and leaves nothing.
// `cchost evidence show` decodes a genuine SNP report field by field (the values its case file
// lists), says it verified nothing, and names what is wrong with a damaged one.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "runtime_harness.hpp"

namespace cchost::runtime_test {
namespace {

namespace fs = std::filesystem;

const std::string kNonce(64, 'a');
const std::string kOtherNonce(64, 'b');

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::vector<std::string> words(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

class OpsEvidenceCli : public ::testing::Test {
 protected:
  void SetUp() override {
    ProjectSpec spec;
    spec.server_policy = lenient_policy();
    spec.sites = {{"site-1", lenient_policy()}};
    auto provisioned = h_.provision(spec);
    ASSERT_EQ(provisioned.exit_code, 0) << provisioned.output;
  }
  CommandResult generate(const fs::path& out, const std::string& nonce, std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"evidence", "generate", "--kit", h_.kit("site-1").string(), "--nonce", nonce,
                                  "--out", out.string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return h_.cchost(args);
  }
  RuntimeHarness h_{"evidence-cli"};
};

TEST_F(OpsEvidenceCli, WritesABundleThatVerifiesForItsNonceOnly) {
  const fs::path out = h_.dir() / "ev";
  auto made = generate(out, kNonce, {"--json"});
  ASSERT_EQ(made.exit_code, 0) << made.output;
  auto j = nlohmann::json::parse(made.output.substr(made.output.find('{')), nullptr, false);
  ASSERT_TRUE(j.is_object()) << made.output;
  EXPECT_EQ(j.value("schema", ""), "cchost.evidence.generate/v1");
  EXPECT_EQ(j.value("participant", ""), "site-1");
  ASSERT_EQ(j["tokens"].size(), 1u) << made.output;
  EXPECT_EQ(j["tokens"][0].value("namespace", ""), "x-snp");
  EXPECT_EQ(j["bundle"].value("nonce", ""), kNonce);

  // The folder holds what the manifest says, byte for byte.
  auto manifest = nlohmann::json::parse(read_text(out / "bundle.json"), nullptr, false);
  ASSERT_TRUE(manifest.is_object());
  EXPECT_EQ(manifest.value("schema", ""), "cchost.evidence/v1");
  const fs::path token = out / "x-snp.bin";
  ASSERT_TRUE(fs::exists(token));
  EXPECT_EQ(fs::file_size(token), manifest["tokens"][0].value("size", 0u));

  // The printed check passes; the same evidence against another nonce does not.
  ASSERT_TRUE(j["verify_command"].is_string()) << made.output;
  auto argv = words(j["verify_command"].get<std::string>());
  ASSERT_GT(argv.size(), 2u);
  ASSERT_EQ(argv[0], "cchost");
  argv.erase(argv.begin());
  auto checked = h_.cchost(argv);
  EXPECT_EQ(checked.exit_code, 0) << checked.output;
  EXPECT_TRUE(contains(checked.output, "verified: x-snp")) << checked.output;
  for (auto& w : argv)
    if (w == kNonce) w = kOtherNonce;
  auto replayed = h_.cchost(argv);
  EXPECT_EQ(replayed.exit_code, 1) << replayed.output;
}

TEST_F(OpsEvidenceCli, BadInputIsRefusedNamingItAndLeavesNothing) {
  const fs::path out = h_.dir() / "ev-bad";
  struct Case {
    std::vector<std::string> args;
    std::string named;
  };
  const std::vector<Case> cases = {
      {{"--nonce", "abc"}, "--nonce"},
      {{"--namespace", "x-nope"}, "x-nope"},
      {{"--job-key", "00"}, "--job-key"},
      {{"--root-fingerprint", std::string(64, '0')}, "refused kit"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> args{"evidence", "generate", "--kit", h_.kit("site-1").string(), "--nonce", kNonce,
                                  "--out", out.string()};
    args.insert(args.end(), c.args.begin(), c.args.end());
    auto r = h_.cchost(args);
    EXPECT_EQ(r.exit_code, 2) << c.named << ": " << r.output;
    EXPECT_TRUE(contains(r.output, c.named)) << r.output;
    EXPECT_FALSE(fs::exists(out)) << c.named;
  }
  // An existing --out is never overwritten, and no staging folder is left beside it.
  fs::create_directory(out);
  std::ofstream(out / "keep") << "mine";
  auto r = generate(out, kNonce);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_TRUE(contains(r.output, "exists")) << r.output;
  EXPECT_EQ(read_text(out / "keep"), "mine");
  for (const auto& entry : fs::directory_iterator(h_.dir()))
    EXPECT_FALSE(contains(entry.path().filename().string(), ".partial-")) << entry.path();
  // A dangling symlink at --out is taken as existing: the rename must not follow it anywhere.
  const fs::path link = h_.dir() / "ev-link";
  fs::create_symlink(h_.dir() / "elsewhere", link);
  auto through_link = generate(link, kNonce);
  EXPECT_EQ(through_link.exit_code, 2) << through_link.output;
  EXPECT_FALSE(fs::exists(h_.dir() / "elsewhere"));
  // An admin kit presents no evidence.
  auto admin = h_.cchost({"evidence", "generate", "--kit", h_.kit("admin").string(), "--nonce", kNonce, "--out",
                          (h_.dir() / "ev-admin").string()});
  EXPECT_EQ(admin.exit_code, 2) << admin.output;
  EXPECT_TRUE(contains(admin.output, "admin kit")) << admin.output;
}

fs::path vectors_dir() {
  const char* env = std::getenv("CCHOST_VECTORS");
  fs::path dir = env && *env ? fs::path(env) : fs::path(CCHOST_SOURCE_DIR "/../shared/vectors");
  return fs::is_directory(dir) ? dir : fs::path();
}

TEST(OpsEvidenceShow, DecodesEveryFieldOfAGenuineReportAndClaimsNoVerification) {
  const fs::path report = vectors_dir() / "snp/cases/tav_milan_v3/report.bin";
  if (vectors_dir().empty() || !fs::exists(report)) GTEST_SKIP() << "no SNP vectors (set CCHOST_VECTORS): " << report;
  RuntimeHarness h("evidence-show");
  auto json = h.cchost({"evidence", "show", "--namespace", "x-snp", report.string(), "--json"});
  ASSERT_EQ(json.exit_code, 0) << json.output;
  auto j = nlohmann::json::parse(json.output.substr(json.output.find('{')), nullptr, false);
  ASSERT_TRUE(j.is_object()) << json.output;
  EXPECT_EQ(j.value("schema", ""), "cchost.evidence.show/v1");
  EXPECT_EQ(j.value("verified", true), false);
  const auto& f = j["fields"];
  // The values snp/cases/tav_milan_v3/case.toml lists for this report.
  EXPECT_EQ(f.value("version", 0), 3);
  EXPECT_EQ(f.value("guest_svn", 0), 2);
  EXPECT_EQ(f.value("product", ""), "Milan");
  EXPECT_EQ(f["policy"].value("debug", true), false);
  EXPECT_EQ(f.value("measurement", ""),
            "5feee30d6d7e1a29f403d70a4198237ddfb13051a2d6976439487c609388ed7f98189887920ab2fa0096903a0c23fca1");
  EXPECT_EQ(f.value("host_data", ""), "4f4448c67f3c8dfc8de8a5e37125d807dadcc41f06cf23f615dbd52eec777d10");
  EXPECT_EQ(f["reported_tcb"].value("microcode", 0), 219);
  EXPECT_EQ(f["reported_tcb"].value("snp", 0), 24);
  EXPECT_EQ(f.value("signing_key", ""), "vcek");
  EXPECT_TRUE(f["cert_table"].is_null());  // a raw report carries none

  auto human = h.cchost({"evidence", "show", "--ns", "x-snp", report.string()});
  ASSERT_EQ(human.exit_code, 0) << human.output;
  EXPECT_TRUE(contains(human.output, "decoded, NOT verified")) << human.output;
  EXPECT_TRUE(contains(human.output, "  policy.debug: false")) << human.output;
  EXPECT_TRUE(contains(human.output, "  reported_tcb.microcode: 219")) << human.output;
}

TEST(OpsEvidenceShow, ADamagedTokenOrAPluginThatCannotShowIsNamed) {
  RuntimeHarness h("evidence-show-bad");
  std::ofstream(h.dir() / "short.bin") << std::string(100, 'x');
  auto shortened = h.cchost({"evidence", "show", "--namespace", "x-snp", (h.dir() / "short.bin").string()});
  EXPECT_EQ(shortened.exit_code, 1) << shortened.output;
  EXPECT_TRUE(contains(shortened.output, "x-snp: cannot decode the evidence")) << shortened.output;
  EXPECT_TRUE(contains(shortened.output, "100")) << shortened.output;  // the length it got

  auto missing = h.cchost({"evidence", "show", "--namespace", "x-snp", (h.dir() / "nothing.bin").string()});
  EXPECT_EQ(missing.exit_code, 2) << missing.output;
  auto no_plugin = h.cchost({"evidence", "show", "--namespace", "x-none", (h.dir() / "short.bin").string()});
  EXPECT_EQ(no_plugin.exit_code, 2) << no_plugin.output;
  EXPECT_TRUE(contains(no_plugin.output, "x-none")) << no_plugin.output;
}

}  // namespace
}  // namespace cchost::runtime_test
