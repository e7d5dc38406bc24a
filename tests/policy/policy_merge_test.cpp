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
