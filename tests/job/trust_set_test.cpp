#include "cchost/job/trust_set.hpp"

#include <gtest/gtest.h>

#include <set>

using cchost::job::largest_mutual_trust_set;

namespace {
// Trust relation from a list of "a declines b" pairs; everyone else trusts everyone.
auto declines(std::set<std::pair<std::string, std::string>> pairs) {
  return [pairs](const std::string& a, const std::string& b) { return !pairs.count({a, b}); };
}
}  // namespace

TEST(JobTrustSet, EveryoneTrustsEveryone) {
  auto r = largest_mutual_trust_set({"c", "a", "b"}, declines({}));
  EXPECT_EQ(r.members, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_TRUE(r.dropped.empty());
  EXPECT_TRUE(r.exact);
}

TEST(JobTrustSet, OneWayDistrustDropsOneSiteWithReason) {
  // site-1 declines site-3: either could go; ties by name keep the smaller sorted set {1,2}.
  auto r = largest_mutual_trust_set({"site-1", "site-2", "site-3"}, declines({{"site-1", "site-3"}}));
  EXPECT_EQ(r.members, (std::vector<std::string>{"site-1", "site-2"}));
  ASSERT_EQ(r.dropped.count("site-3"), 1u);
  EXPECT_EQ(r.dropped["site-3"], "declined by site-1");
}

TEST(JobTrustSet, SiteDistrustedByManyIsTheOneDropped) {
  auto r = largest_mutual_trust_set({"a", "b", "c", "d"}, declines({{"a", "d"}, {"b", "d"}, {"d", "c"}}));
  EXPECT_EQ(r.members, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(r.dropped["d"], "declined by a, declined by b, declines c");
}

TEST(JobTrustSet, FindsMaximumNotFirstGreedyClique) {
  // a trusts only b mutually; c,d,e trust each other: the answer is {c,d,e}, not {a,b}.
  std::set<std::pair<std::string, std::string>> no;
  for (auto x : {"a", "b"})
    for (auto y : {"c", "d", "e"}) no.insert({x, y});
  auto r = largest_mutual_trust_set({"a", "b", "c", "d", "e"}, declines(no));
  EXPECT_EQ(r.members, (std::vector<std::string>{"c", "d", "e"}));
}

TEST(JobTrustSet, SixtyFourSitesStayExactAndBeyondIsGreedy) {
  std::vector<std::string> names;
  for (int i = 0; i < 70; ++i) names.push_back("s" + std::string(i < 10 ? "0" : "") + std::to_string(i));
  // s00 distrusts everyone: it must be dropped in both modes.
  auto trust = [](const std::string& a, const std::string& b) { return a != "s00" && b != "s00"; };
  std::vector<std::string> first64(names.begin(), names.begin() + 64);
  auto exact = largest_mutual_trust_set(first64, trust);
  EXPECT_TRUE(exact.exact);
  EXPECT_EQ(exact.members.size(), 63u);
  auto greedy = largest_mutual_trust_set(names, trust);
  EXPECT_FALSE(greedy.exact);
  EXPECT_EQ(greedy.members.size(), 69u);
  EXPECT_EQ(greedy.dropped.count("s00"), 1u);
}

TEST(JobTrustSet, DeterministicUnderInputOrder) {
  auto trust = declines({{"b", "c"}, {"a", "d"}});
  auto r1 = largest_mutual_trust_set({"a", "b", "c", "d"}, trust);
  auto r2 = largest_mutual_trust_set({"d", "c", "b", "a"}, trust);
  EXPECT_EQ(r1.members, r2.members);
  EXPECT_EQ(r1.members, (std::vector<std::string>{"a", "b"}));
}
