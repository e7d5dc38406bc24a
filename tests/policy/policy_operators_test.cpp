// Every generic [[rule]] operator: a value that passes and a value that fails.
#include "policy_test_support.hpp"

using namespace cchost::policy;
using namespace cchost::policy::test;

namespace {

Policy one_rule(const std::string& op_line) {
  return load_ok("[policy]\nrequire = [\"x-acme\"]\n[[rule]]\nid = \"r\"\nnamespace = \"x-acme\"\nclaim = \"acme.c\"\n" +
                 op_line + "\n");
}

bool passes(const Policy& p, ClaimsBuilder c) {
  c.ns("x-acme");
  auto d = evaluate(p, c.map, {});
  if (!d.accept) {
    EXPECT_EQ(d.failed.size(), 1u);
    EXPECT_EQ(d.failed.front().rule, "rule.r");
    EXPECT_FALSE(d.failed.front().why.empty());
  }
  return d.accept;
}

const std::string N = "x-acme";

}  // namespace

TEST(PolicyOperators, Equals) {
  auto pb = one_rule("equals = false");
  EXPECT_TRUE(passes(pb, ClaimsBuilder{}.b(N, "acme.c", false)));
  EXPECT_FALSE(passes(pb, ClaimsBuilder{}.b(N, "acme.c", true)));
  auto pi = one_rule("equals = 7");
  EXPECT_TRUE(passes(pi, ClaimsBuilder{}.i(N, "acme.c", 7)));
  EXPECT_FALSE(passes(pi, ClaimsBuilder{}.i(N, "acme.c", 8)));
  auto ps = one_rule("equals = \"Milan\"");
  EXPECT_TRUE(passes(ps, ClaimsBuilder{}.s(N, "acme.c", "Milan")));
  EXPECT_FALSE(passes(ps, ClaimsBuilder{}.s(N, "acme.c", "milan")));
  auto ph = one_rule("equals = \"ABCD\"");  // hex claims compare case-insensitively on the policy side
  EXPECT_TRUE(passes(ph, ClaimsBuilder{}.h(N, "acme.c", "abcd")));
  EXPECT_FALSE(passes(ph, ClaimsBuilder{}.h(N, "acme.c", "abce")));
  auto pv = one_rule("equals = \"1.2\"");
  EXPECT_TRUE(passes(pv, ClaimsBuilder{}.v(N, "acme.c", "1.2.0")));
  EXPECT_FALSE(passes(pv, ClaimsBuilder{}.v(N, "acme.c", "1.2.1")));
}

TEST(PolicyOperators, TypeMismatchFails) {
  auto p = one_rule("equals = 1");
  EXPECT_FALSE(passes(p, ClaimsBuilder{}.b(N, "acme.c", true)));
  EXPECT_FALSE(passes(p, ClaimsBuilder{}.s(N, "acme.c", "1")));
  auto d = evaluate(p, ClaimsBuilder{}.s(N, "acme.c", "1").map, {});
  ASSERT_EQ(d.failed.size(), 1u);
  EXPECT_NE(d.failed[0].why.find("has type string"), std::string::npos) << d.failed[0].why;
}

TEST(PolicyOperators, OneOfAndNotOneOf) {
  auto p = one_rule("one_of = [\"a\", \"b\"]");
  EXPECT_TRUE(passes(p, ClaimsBuilder{}.s(N, "acme.c", "b")));
  EXPECT_FALSE(passes(p, ClaimsBuilder{}.s(N, "acme.c", "c")));
  auto n = one_rule("not_one_of = [1, 2]");
  EXPECT_TRUE(passes(n, ClaimsBuilder{}.i(N, "acme.c", 3)));
  EXPECT_FALSE(passes(n, ClaimsBuilder{}.i(N, "acme.c", 2)));
  EXPECT_FALSE(passes(n, ClaimsBuilder{}.s(N, "acme.c", "x")));  // incomparable is not "not one of"
}

TEST(PolicyOperators, MinMax) {
  auto mn = one_rule("min = 5");
  EXPECT_TRUE(passes(mn, ClaimsBuilder{}.i(N, "acme.c", 5)));
  EXPECT_FALSE(passes(mn, ClaimsBuilder{}.i(N, "acme.c", 4)));
  auto mx = one_rule("max = -1");
  EXPECT_TRUE(passes(mx, ClaimsBuilder{}.i(N, "acme.c", -1)));
  EXPECT_FALSE(passes(mx, ClaimsBuilder{}.i(N, "acme.c", 0)));
}

TEST(PolicyOperators, VersionMinMax) {
  auto mn = one_rule("version_min = \"550.54.15\"");
  EXPECT_TRUE(passes(mn, ClaimsBuilder{}.v(N, "acme.c", "550.100")));
  EXPECT_TRUE(passes(mn, ClaimsBuilder{}.v(N, "acme.c", "550.54.15")));
  EXPECT_FALSE(passes(mn, ClaimsBuilder{}.v(N, "acme.c", "550.54.14")));
  EXPECT_FALSE(passes(mn, ClaimsBuilder{}.s(N, "acme.c", "999")));  // a string is not a version claim
  auto mx = one_rule("version_max = \"2\"");
  EXPECT_TRUE(passes(mx, ClaimsBuilder{}.v(N, "acme.c", "2.0.0")));
  EXPECT_FALSE(passes(mx, ClaimsBuilder{}.v(N, "acme.c", "2.0.1")));
}

TEST(PolicyOperators, MatchesIsAnchored) {
  auto p = one_rule("matches = \"ab+\"");
  EXPECT_TRUE(passes(p, ClaimsBuilder{}.s(N, "acme.c", "abbb")));
  EXPECT_FALSE(passes(p, ClaimsBuilder{}.s(N, "acme.c", "xabb")));  // no implicit .* prefix
  EXPECT_FALSE(passes(p, ClaimsBuilder{}.s(N, "acme.c", "abx")));   // nor suffix
  EXPECT_FALSE(passes(p, ClaimsBuilder{}.i(N, "acme.c", 1)));
  EXPECT_FALSE(passes(p, ClaimsBuilder{}.s(N, "acme.c", std::string(5000, 'b'))));  // over the input bound
}

TEST(PolicyOperators, PresentAndAbsent) {
  auto p = one_rule("present = true");
  EXPECT_TRUE(passes(p, ClaimsBuilder{}.i(N, "acme.c", 0)));
  EXPECT_FALSE(passes(p, ClaimsBuilder{}.i(N, "acme.other", 0)));
  auto a = one_rule("present = false");
  EXPECT_TRUE(passes(a, ClaimsBuilder{}.i(N, "acme.other", 0)));
  EXPECT_FALSE(passes(a, ClaimsBuilder{}.i(N, "acme.c", 0)));
}

TEST(PolicyOperators, BitsSetAndSameAs) {
  auto p = one_rule("bits_set = 0x3f");
  EXPECT_TRUE(passes(p, ClaimsBuilder{}.i(N, "acme.c", 0x7f)));
  EXPECT_FALSE(passes(p, ClaimsBuilder{}.i(N, "acme.c", 0x3e)));
  auto s = one_rule("same_as = \"acme.d\"");
  EXPECT_TRUE(passes(s, ClaimsBuilder{}.i(N, "acme.c", 4).i(N, "acme.d", 4)));
  EXPECT_FALSE(passes(s, ClaimsBuilder{}.i(N, "acme.c", 4).i(N, "acme.d", 5)));
  EXPECT_FALSE(passes(s, ClaimsBuilder{}.i(N, "acme.c", 4)));
}

TEST(PolicyOperators, MissingClaimFails) {
  for (const char* op : {"equals = 1", "one_of = [1]", "not_one_of = [1]", "min = 0", "max = 0",
                         "version_min = \"0\"", "matches = \".*\"", "bits_set = 0", "same_as = \"acme.c\""}) {
    auto p = one_rule(op);
    auto d = evaluate(p, ClaimsBuilder{}.i(N, "acme.unrelated", 1).map, {});
    ASSERT_FALSE(d.accept) << op;
    EXPECT_EQ(d.failed.at(0).actual, "(missing)");
    EXPECT_NE(d.failed.at(0).why.find("missing"), std::string::npos);
  }
}
