// Property: for every rule of a rich policy, changing the one claim it constrains to a
// violating value flips that rule (and the decision) from pass to fail.
#include "policy_test_support.hpp"

using namespace cchost::policy;
using namespace cchost::policy::test;
using cchost::claims::ClaimType;
using cchost::claims::ClaimValue;

namespace {

const std::string M48(96, 'a');

const char* kRich = R"([policy]
require = ["x-snp", "x-nv-gpu", "x-acme"]
[snp]
debug = false
smt_allowed = false
require_single_socket = true
min_abi = "1.51"
require_ecc = true
min_tcb = {bootloader = 2, tee = 0, snp = 5, microcode = 68}
min_guest_svn = 3
vmpl = 0
measurements = ["aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"]
require_id_block = true
allowed_signing_keys = ["vcek"]
allowed_products = ["Genoa"]
min_version = "1.55"
min_build = 21
allow_provisional_firmware = false
min_current_mit_vector = 0x3
[gpu]
arch = "HOPPER"
min_driver_version = "550.54.15"
secure_boot = true
[[rule]]
namespace = "x-acme"
claim = "acme.region"
matches = "eu-[a-z]+"
[[rule]]
namespace = "x-acme"
claim = "acme.level"
max = 4
[[rule]]
namespace = "x-acme"
claim = "acme.banned"
not_one_of = ["x", "y"]
[[rule]]
namespace = "x-acme"
claim = "acme.fw"
version_max = "3.0"
[[rule]]
namespace = "x-acme"
claim = "acme.token"
present = true
[[rule]]
namespace = "x-acme"
claim = "acme.legacy"
present = false
)";

ClaimsBuilder matching() {
  const std::string S = "x-snp";
  ClaimsBuilder c;
  c.b(S, "snp.policy.debug", false).b(S, "snp.policy.smt", false).b(S, "snp.policy.single_socket", true)
      .i(S, "snp.policy", 0x130133).b(S, "snp.platform_info.ecc_en", true)
      .i(S, "snp.reported_tcb.bootloader", 3).i(S, "snp.reported_tcb.tee", 0).i(S, "snp.reported_tcb.snp", 8)
      .i(S, "snp.reported_tcb.microcode", 70).i(S, "snp.guest_svn", 3).i(S, "snp.vmpl", 0).h(S, "snp.measurement", M48)
      .h(S, "snp.id_key_digest", std::string(96, 'c')).s(S, "snp.signing_key", "vcek").s(S, "snp.product", "Genoa")
      .v(S, "snp.current_version", "1.55.21").v(S, "snp.committed_version", "1.55.21").i(S, "snp.current_mit_vector", 0x3f);
  for (const char* t : {"bootloader", "tee", "snp", "microcode"}) {
    c.i(S, std::string("snp.current_tcb.") + t, 9).i(S, std::string("snp.committed_tcb.") + t, 9);
  }
  c.s("x-nv-gpu", "gpu.arch", "HOPPER").v("x-nv-gpu", "gpu.driver_version", "550.90.7").b("x-nv-gpu", "gpu.secure_boot", true);
  c.s("x-acme", "acme.region", "eu-west").i("x-acme", "acme.level", 4).s("x-acme", "acme.banned", "z")
      .v("x-acme", "acme.fw", "3").s("x-acme", "acme.token", "t");
  return c;
}

ClaimValue operand_as(const Operand& o, ClaimType type) {
  switch (type) {
    case ClaimType::Bool: return ClaimValue::of_bool(o.boolean);
    case ClaimType::Int: return ClaimValue::of_int(o.integer);
    case ClaimType::String: return ClaimValue::of_string(o.text);
    case ClaimType::Hex: return *ClaimValue::of_hex(o.text);
    case ClaimType::Version: return *ClaimValue::of_version(o.text);
  }
  return ClaimValue{};
}

// A value different from `v` of the same type.
ClaimValue perturb(const ClaimValue& v) {
  switch (v.type) {
    case ClaimType::Bool: return ClaimValue::of_bool(!v.boolean);
    case ClaimType::Int: return ClaimValue::of_int(v.integer + 1);
    case ClaimType::String: return ClaimValue::of_string(v.text + "x");
    case ClaimType::Hex: {
      std::string t = v.text;
      t[0] = t[0] == '0' ? '1' : '0';
      return *ClaimValue::of_hex(t);
    }
    case ClaimType::Version: return *ClaimValue::of_version(v.text + ".1");
  }
  return v;
}

// Changes the claim `rule` reads so that the rule must fail.
void violate(const Rule& rule, ClaimsBuilder& c) {
  auto& claims = c.rec(rule.ns);
  auto it = claims.find(rule.claim);
  switch (rule.op) {
    case Op::Present: claims.erase(rule.claim); return;
    case Op::Absent: claims[rule.claim] = ClaimValue::of_int(1); return;
    default: break;
  }
  if (it == claims.end() && rule.absent_ok) {  // both sides absent passes; one side present fails
    claims[rule.claim] = ClaimValue::of_int(1);
    return;
  }
  ASSERT_NE(it, claims.end()) << rule.id;
  ClaimValue& v = it->second;
  const Operand* o = rule.operands.empty() ? nullptr : &rule.operands.front();
  switch (rule.op) {
    case Op::Equals:
    case Op::OneOf:
    case Op::SameAs: v = perturb(v); return;
    case Op::NotOneOf: v = operand_as(*o, v.type); return;
    case Op::Min: v = ClaimValue::of_int(o->integer - 1); return;
    case Op::Max: v = ClaimValue::of_int(o->integer + 1); return;
    case Op::VersionMin: v = *ClaimValue::of_version("0"); return;
    case Op::VersionMax: v = *ClaimValue::of_version("999999"); return;
    case Op::Matches: v = ClaimValue::of_string("%%%"); return;
    case Op::BitsSet: v = ClaimValue::of_int(v.integer & ~o->integer); return;
    case Op::MaskedMin: v = ClaimValue::of_int(v.integer & ~rule.mask); return;
    case Op::VersionPartMin: v = *ClaimValue::of_version("0.0.0"); return;
    case Op::BytewiseMin: v = *ClaimValue::of_hex(std::string(v.text.size(), '0')); return;
    default: FAIL() << "no mutation for " << rule.id;
  }
}

bool has_passed(const Decision& d, const std::string& id, const std::string& claim) {
  for (const auto& o : d.passed) {
    if (o.rule == id && o.claim == claim) return true;
  }
  return false;
}

}  // namespace

TEST(PolicyProperty, MutatingAConstrainedClaimFlipsItsRule) {
  auto p = load_ok(kRich);
  const auto& rules = p.rules_for("", "");
  ASSERT_GE(rules.size(), 30u);
  const auto base = evaluate(p, matching().map, {}, {.record_passed = true});
  ASSERT_TRUE(base.accept) << (base.failed.empty() ? "" : base.failed[0].rule + ": " + base.failed[0].why);
  for (const Rule& rule : rules) {
    SCOPED_TRACE(rule.id);
    EXPECT_TRUE(has_passed(base, rule.id, rule.claim));
    auto mutated = matching();
    violate(rule, mutated);
    const auto d = evaluate(p, mutated.map, {});
    EXPECT_FALSE(d.accept);
    bool flipped = false;
    for (const auto& f : d.failed) flipped = flipped || (f.rule == rule.id && f.claim == rule.claim);
    EXPECT_TRUE(flipped);
  }
}

TEST(PolicyProperty, RemovingAnyConstrainedClaimRejects) {
  auto p = load_ok(kRich);
  for (const Rule& rule : p.rules_for("", "")) {
    if (rule.op == Op::Absent || rule.absent_ok) continue;
    auto c = matching();
    c.rec(rule.ns).erase(rule.claim);
    EXPECT_FALSE(evaluate(p, c.map, {}).accept) << rule.id;
  }
}
