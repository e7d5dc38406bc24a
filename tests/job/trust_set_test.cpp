#include "cchost/job/trust_set.hpp"

#include <gtest/gtest.h>

#include <functional>
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

namespace {

std::string name_of(int i) { return "s" + std::string(i < 10 ? "0" : "") + std::to_string(i); }

// The pattern from issue 9: sites in groups of three, each declining the two other members of
// its group. Every largest set takes one site per group, and there are 3^(n/3) of them.
auto grouped_declines() {
  return [](const std::string& a, const std::string& b) {
    const int i = std::stoi(a.substr(1)), j = std::stoi(b.substr(1));
    return i == j || i / 3 != j / 3;
  };
}

// Deterministic pseudo-random trust relations (not symmetric).
struct RandomTrust {
  std::vector<std::vector<bool>> accepts;
  RandomTrust(int n, unsigned seed, int percent) : accepts(static_cast<std::size_t>(n), std::vector<bool>(static_cast<std::size_t>(n))) {
    std::uint64_t x = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    for (auto& row : accepts)
      for (std::size_t j = 0; j < row.size(); ++j) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        row[j] = static_cast<int>((x >> 33) % 100) < percent;
      }
  }
  bool operator()(const std::string& a, const std::string& b) const {
    return accepts[static_cast<std::size_t>(std::stoi(a.substr(1)))][static_cast<std::size_t>(std::stoi(b.substr(1)))];
  }
};

bool is_mutual_trust_set(const std::vector<std::string>& members,
                         const std::function<bool(const std::string&, const std::string&)>& trusts) {
  for (const auto& a : members)
    for (const auto& b : members)
      if (a != b && !trusts(a, b)) return false;
  return true;
}

// Every subset, the largest mutual-trust set, ties to the lexicographically smallest sorted list.
std::vector<std::string> brute_force(int n, const std::function<bool(const std::string&, const std::string&)>& trusts) {
  std::vector<std::string> best;
  bool have = false;
  for (std::uint32_t mask = 0; mask < (1u << n); ++mask) {
    std::vector<std::string> set;
    for (int i = 0; i < n; ++i)
      if (mask & (1u << i)) set.push_back(name_of(i));
    if (!is_mutual_trust_set(set, trusts)) continue;
    if (!have || set.size() > best.size() || (set.size() == best.size() && set < best)) best = set, have = true;
  }
  return best;
}

}  // namespace

TEST(JobTrustSet, ExactEqualsBruteForceOnSmallInputs) {
  for (int n = 1; n <= 12; ++n)
    for (unsigned seed = 0; seed < 12; ++seed)
      for (int percent : {50, 80, 95}) {
        const RandomTrust trust(n, seed * 131 + static_cast<unsigned>(n), percent);
        std::vector<std::string> names;
        for (int i = n - 1; i >= 0; --i) names.push_back(name_of(i));  // order must not matter
        auto r = largest_mutual_trust_set(names, std::cref(trust));
        ASSERT_TRUE(r.exact);
        EXPECT_EQ(r.method, "exact");
        EXPECT_EQ(r.members, brute_force(n, std::cref(trust))) << "n=" << n << " seed=" << seed << " p=" << percent;
        EXPECT_EQ(r.members.size() + r.dropped.size(), static_cast<std::size_t>(n));
      }
}

TEST(JobTrustSet, GreedyResultIsAlwaysAValidMutualTrustSet) {
  // A node budget of 1 forces the greedy answer on every input; > 64 candidates too.
  for (int n : {2, 7, 20, 64, 90})
    for (unsigned seed = 0; seed < 8; ++seed)
      for (int percent : {30, 70, 95}) {
        const RandomTrust trust(n, seed + 1000u * static_cast<unsigned>(n), percent);
        std::vector<std::string> names;
        for (int i = 0; i < n; ++i) names.push_back(name_of(i));
        auto r = largest_mutual_trust_set(names, std::cref(trust), {.deadline = std::chrono::seconds(10), .node_budget = 1});
        EXPECT_FALSE(r.exact);
        EXPECT_EQ(r.method.rfind("greedy (", 0), 0u) << r.method;
        EXPECT_FALSE(r.members.empty());
        EXPECT_TRUE(is_mutual_trust_set(r.members, std::cref(trust))) << "n=" << n << " seed=" << seed;
        EXPECT_EQ(r.members.size() + r.dropped.size(), static_cast<std::size_t>(n));
        // Maximal: every dropped site distrusts, or is distrusted by, some member.
        for (const auto& [site, why] : r.dropped) EXPECT_NE(why, "not in the largest mutually trusting set") << site;
      }
}

TEST(JobTrustSet, GroupsOfThreeAtSixtyFourSitesStayExactAndCheap) {
  // Issue 9: 57 sites in this pattern kept the old search busy for 370 s. The colouring bound
  // ends it after one descent; the node count says so without timing anything.
  std::vector<std::string> names;
  for (int i = 0; i < 64; ++i) names.push_back(name_of(i));
  auto r = largest_mutual_trust_set(names, grouped_declines(), {.deadline = std::chrono::seconds(60), .node_budget = 0});
  ASSERT_TRUE(r.exact) << r.method;
  EXPECT_EQ(r.members.size(), 22u);  // one of each of 21 groups of three, and s63 alone
  EXPECT_EQ(r.members.front(), "s00");
  EXPECT_LT(r.nodes, 100'000u);
  EXPECT_TRUE(is_mutual_trust_set(r.members, grouped_declines()));
}

TEST(JobTrustSet, SearchBoundGivesTheGreedyAnswerAndSaysSo) {
  std::vector<std::string> names;
  for (int i = 0; i < 64; ++i) names.push_back(name_of(i));
  const RandomTrust trust(64, 7, 85);
  auto r = largest_mutual_trust_set(names, std::cref(trust), {.deadline = std::chrono::seconds(60), .node_budget = 10});
  EXPECT_FALSE(r.exact);
  EXPECT_EQ(r.method.rfind("greedy (search bound reached after ", 0), 0u) << r.method;
  EXPECT_NE(r.method.find("11 nodes"), std::string::npos) << r.method;
  EXPECT_TRUE(is_mutual_trust_set(r.members, std::cref(trust)));
  // A zero deadline stops it too.
  auto late = largest_mutual_trust_set(names, std::cref(trust), {.deadline = std::chrono::milliseconds(0), .node_budget = 0});
  EXPECT_TRUE(is_mutual_trust_set(late.members, std::cref(trust)));
}
