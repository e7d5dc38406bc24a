// [role.x] and [peer."name"] overrides: per-knob replacement, generic rules appended.
#include "policy_test_support.hpp"

using namespace cchost::policy;
using namespace cchost::policy::test;

namespace {
const char* kMerged = R"([policy]
require = ["x-snp"]
[snp]
debug = false
min_guest_svn = 5
vmpl = 0
[[rule]]
id = "base"
namespace = "x-snp"
claim = "snp.product"
equals = "Milan"

[role.server.snp]
min_guest_svn = 7
[[role.server.rule]]
id = "server-only"
namespace = "x-snp"
claim = "snp.signing_key"
equals = "vcek"

[peer."site-2".snp]
min_guest_svn = 2
debug = true
[[peer."site-2".rule]]
id = "site2-only"
namespace = "x-snp"
claim = "snp.vmpl"
max = 1
)";

ClaimsBuilder claims(std::int64_t svn, bool debug) {
  return ClaimsBuilder{}
      .i("x-snp", "snp.guest_svn", svn)
      .b("x-snp", "snp.policy.debug", debug)
      .i("x-snp", "snp.vmpl", 0)
      .s("x-snp", "snp.product", "Milan")
      .s("x-snp", "snp.signing_key", "vcek");
}

std::vector<std::string> ids(const std::vector<Rule>& rules) {
  std::vector<std::string> out;
  for (const auto& r : rules) out.push_back(r.id);
  return out;
}
}  // namespace

TEST(PolicyMerge, DefaultsApplyToUnknownPeersAndRoles) {
  auto p = load_ok(kMerged);
  EXPECT_EQ(ids(p.rules_for("", "")), (std::vector<std::string>{"snp.debug", "snp.min_guest_svn", "snp.vmpl", "rule.base"}));
  EXPECT_EQ(ids(p.rules_for("stranger", "nobody")), ids(p.rules_for("", "")));
  EXPECT_TRUE(evaluate(p, claims(5, false).map, {"site-1", "client", std::nullopt, false}).accept);
  EXPECT_FALSE(evaluate(p, claims(4, false).map, {"site-1", "client", std::nullopt, false}).accept);
  EXPECT_EQ(p.peers(), (std::vector<std::string>{"site-2"}));
  EXPECT_EQ(p.roles(), (std::vector<std::string>{"server"}));
}

TEST(PolicyMerge, RoleReplacesKnobAndAppendsRules) {
  auto p = load_ok(kMerged);
  EXPECT_EQ(ids(p.rules_for("", "server")), (std::vector<std::string>{"snp.debug", "role.server.snp.min_guest_svn",
                                                                      "snp.vmpl", "rule.base", "role.server.rule.server-only"}));
  auto d = evaluate(p, claims(6, false).map, {"srv", "server", std::nullopt, false});
  EXPECT_FALSE(d.accept);
  EXPECT_EQ(failed_ids(d), (std::vector<std::string>{"role.server.snp.min_guest_svn"}));
  EXPECT_TRUE(evaluate(p, claims(7, false).map, {"srv", "server", std::nullopt, false}).accept);
}

TEST(PolicyMerge, PeerOverridesRoleOverridesDefaults) {
  auto p = load_ok(kMerged);
  // site-2 lowers min_guest_svn to 2 and permits debug (debug = true removes the knob's rule).
  EXPECT_EQ(ids(p.rules_for("site-2", "")), (std::vector<std::string>{"peer.site-2.snp.min_guest_svn", "snp.vmpl", "rule.base",
                                                                       "peer.site-2.rule.site2-only"}));
  EXPECT_TRUE(evaluate(p, claims(2, true).map, {"site-2", "", std::nullopt, false}).accept);
  // site-2 acting as server: peer's min_guest_svn wins over the role's, both rule lists apply.
  EXPECT_EQ(ids(p.rules_for("site-2", "server")),
            (std::vector<std::string>{"peer.site-2.snp.min_guest_svn", "snp.vmpl", "rule.base", "role.server.rule.server-only",
                                      "peer.site-2.rule.site2-only"}));
  auto c = claims(2, true);
  c.s("x-snp", "snp.signing_key", "vlek");
  EXPECT_EQ(failed_ids(evaluate(p, c.map, {"site-2", "server", std::nullopt, false})), (std::vector<std::string>{"role.server.rule.server-only"}));
}

TEST(PolicyMerge, OverrideKnobsObeyRequireAndStrictness) {
  auto errors = load_errors(R"([policy]
require = ["x-snp"]
[peer."site-3".tdx]
debug = false
[role.client.snp]
debug = "no"
[role.client]
policy = {}
)");
  EXPECT_TRUE(has_error(errors, 4, "peer.site-3.tdx.debug reads namespace x-tdx")) << dump(errors);
  EXPECT_TRUE(has_error(errors, 6, "role.client.snp.debug: expected a boolean")) << dump(errors);
  EXPECT_TRUE(has_error(errors, 8, "role.client.unknown key \"policy\"")) << dump(errors);
}

// An override's own `require` (a mixed deployment: site-4 runs on another platform). It
// replaces what that peer must present, and the defaults' rules of namespaces it no longer
// requires are dropped for it; every other peer keeps the defaults.
TEST(PolicyMerge, AnOverrideRequireReplacesWhatThatPeerMustPresent) {
  auto p = load_ok(R"([policy]
require = ["x-snp"]
[snp]
debug = false
[role.server]
require = ["x-snp", "x-az-aci"]
[peer."site-4"]
require = ["x-tdx"]
[peer."site-4".tdx]
debug = false
)");
  EXPECT_EQ(p.require_for("site-1", "site"), (std::vector<std::string>{"x-snp"}));
  EXPECT_EQ(p.require_for("site-4", "site"), (std::vector<std::string>{"x-tdx"}));
  EXPECT_EQ(p.require_for("srv", "server"), (std::vector<std::string>{"x-snp", "x-az-aci"}));
  EXPECT_EQ(p.require_for("site-4", "server"), (std::vector<std::string>{"x-tdx"})) << "the peer's table wins";
  EXPECT_EQ(ids(p.rules_for("site-4", "site")), (std::vector<std::string>{"peer.site-4.tdx.debug"}));
  EXPECT_EQ(ids(p.rules_for("site-1", "site")), (std::vector<std::string>{"snp.debug"}));

  const auto tdx = ClaimsBuilder{}.b("x-tdx", "tdx.debug", false);
  const auto snp = claims(5, false);
  // site-4 with TDX evidence only: accepted; with SNP evidence only: x-tdx missing.
  auto d4 = evaluate(p, tdx.map, {"site-4", "site", std::nullopt, false});
  EXPECT_TRUE(d4.accept) << (d4.failed.empty() ? "" : d4.failed[0].why);
  auto d4_snp = evaluate(p, snp.map, {"site-4", "site", std::nullopt, false});
  EXPECT_FALSE(d4_snp.accept);
  EXPECT_NE(find_failed(d4_snp, "policy.require: x-tdx missing"), nullptr);
  // Any other site presenting TDX instead of SNP is still refused.
  auto d1 = evaluate(p, tdx.map, {"site-1", "site", std::nullopt, false});
  EXPECT_FALSE(d1.accept);
  EXPECT_NE(find_failed(d1, "policy.require: x-snp missing"), nullptr);
}

TEST(PolicyMerge, AnOverrideRequireIsCheckedLikeTheDefaults) {
  // A section of a namespace the override's require does not list.
  EXPECT_TRUE(has_error(load_errors("[policy]\nrequire = [\"x-snp\"]\n[peer.\"site-4\"]\nrequire = [\"x-tdx\"]\n"
                                    "[peer.\"site-4\".snp]\ndebug = false\n"),
                        6, "peer.site-4.snp.debug reads namespace x-snp, which peer.site-4.require does not list"))
      << dump(load_errors("[policy]\nrequire = [\"x-snp\"]\n[peer.\"site-4\"]\nrequire = [\"x-tdx\"]\n[peer.\"site-4\".snp]\ndebug = false\n"));
  EXPECT_TRUE(has_error(load_errors("[policy]\nrequire = [\"x-snp\"]\n[peer.\"site-4\"]\nrequire = []\n"), 4,
                        "an override cannot accept a peer without evidence"));
  EXPECT_TRUE(has_error(load_errors("[policy]\nrequire = [\"x-snp\"]\n[peer.\"site-4\"]\nrequire = [\"tdx\"]\n"), 4,
                        "unknown namespace \"tdx\""));
  EXPECT_TRUE(has_error(load_errors("[policy]\nrequire = [\"x-snp\"]\n[peer.\"site-4\"]\nrequire = [\"x-tdx\", \"x-tdx\"]\n"), 4,
                        "listed twice"));
  // A role's require may not silently cancel a peer table's own rules.
  const char* cancelled = "[policy]\nrequire = [\"x-snp\", \"x-nv-gpu\"]\n[role.site]\nrequire = [\"x-snp\"]\n"
                          "[peer.\"gpu-1\".gpu]\nmin_driver_version = \"550.0\"\n";
  EXPECT_TRUE(has_error(load_errors(cancelled), 1,
                        "reads namespace x-nv-gpu, which the require that applies to peer \"gpu-1\" as role \"site\" does not list"))
      << dump(load_errors(cancelled));
  // Other [policy] settings still cannot be overridden.
  EXPECT_TRUE(has_error(load_errors("[policy]\nrequire = [\"x-snp\"]\n[peer.\"site-4\"]\nallow_simulated = true\n"), 4,
                        "other [policy] settings cannot be overridden"));
}
