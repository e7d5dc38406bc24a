#include "cchost/job/trust_set.hpp"

#include <algorithm>
#include <bit>
#include <cstdint>

namespace cchost::job {
namespace {

using Set = std::uint64_t;

// Maximum clique by branch and bound. Candidates are visited in name order and, at equal
// size, the first clique found wins; since lower indices (smaller names) are always tried
// before higher ones, that is the lexicographically smallest maximum clique.
class MaxClique {
 public:
  explicit MaxClique(std::vector<Set> adjacency) : adj_(std::move(adjacency)) {}

  Set solve() {
    const std::size_t n = adj_.size();
    Set all = n == 64 ? ~Set{0} : ((Set{1} << n) - 1);
    expand(0, all);
    return best_;
  }

 private:
  void expand(Set current, Set candidates) {
    if (candidates == 0) {
      if (std::popcount(current) > std::popcount(best_)) best_ = current;
      return;
    }
    while (candidates != 0) {
      // Bound: even taking every remaining candidate cannot beat the best (ties keep the first).
      if (std::popcount(current) + std::popcount(candidates) <= std::popcount(best_)) return;
      const int v = std::countr_zero(candidates);
      const Set bit = Set{1} << v;
      expand(current | bit, candidates & adj_[static_cast<std::size_t>(v)]);
      candidates &= ~bit;
    }
    if (std::popcount(current) > std::popcount(best_)) best_ = current;
  }

  std::vector<Set> adj_;
  Set best_ = 0;
};

std::string distrust_reason(const std::string& name, const std::vector<std::string>& members,
                            const std::function<bool(const std::string&, const std::string&)>& trusts) {
  std::vector<std::string> reasons;
  for (const auto& m : members) {
    if (!trusts(name, m)) reasons.push_back("declines " + m);
    if (!trusts(m, name)) reasons.push_back("declined by " + m);
  }
  if (reasons.empty()) return "not in the largest mutually trusting set";
  std::string out;
  for (const auto& r : reasons) out += (out.empty() ? "" : ", ") + r;
  return out;
}

}  // namespace

TrustSetResult largest_mutual_trust_set(
    std::vector<std::string> candidates,
    const std::function<bool(const std::string&, const std::string&)>& trusts) {
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
  const std::size_t n = candidates.size();
  auto mutual = [&](std::size_t i, std::size_t j) {
    return trusts(candidates[i], candidates[j]) && trusts(candidates[j], candidates[i]);
  };

  TrustSetResult result;
  std::vector<bool> chosen(n, false);
  if (n <= kExactTrustSetLimit) {
    std::vector<Set> adj(n, 0);
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < n; ++j)
        if (i != j && mutual(i, j)) adj[i] |= Set{1} << j;
    const Set best = MaxClique(std::move(adj)).solve();
    for (std::size_t i = 0; i < n; ++i) chosen[i] = (best >> i) & 1;
  } else {
    // Greedy: most-trusted first (ties by name), add whoever is mutually trusted by all chosen.
    result.exact = false;
    std::vector<std::size_t> degree(n, 0), order(n);
    for (std::size_t i = 0; i < n; ++i) {
      order[i] = i;
      for (std::size_t j = 0; j < n; ++j) degree[i] += (i != j && mutual(i, j)) ? 1 : 0;
    }
    std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return degree[a] > degree[b]; });
    std::vector<std::size_t> members;
    for (auto i : order) {
      bool ok = std::all_of(members.begin(), members.end(), [&](auto m) { return mutual(i, m); });
      if (ok) {
        members.push_back(i);
        chosen[i] = true;
      }
    }
  }
  for (std::size_t i = 0; i < n; ++i)
    if (chosen[i]) result.members.push_back(candidates[i]);
  for (std::size_t i = 0; i < n; ++i)
    if (!chosen[i]) result.dropped[candidates[i]] = distrust_reason(candidates[i], result.members, trusts);
  return result;
}

}  // namespace cchost::job
