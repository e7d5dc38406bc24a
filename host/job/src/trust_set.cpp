#include "cchost/job/trust_set.hpp"

#include <algorithm>
#include <bit>
#include <cstdint>

namespace cchost::job {
namespace {

using Set = std::uint64_t;
using Clock = std::chrono::steady_clock;

// Maximum clique by branch and bound. Candidates are visited in name order and, at equal
// size, the first clique found wins; since lower indices (smaller names) are always tried
// before higher ones, that is the lexicographically smallest maximum clique. The bound only
// prunes branches that cannot beat the best strictly, so a tighter bound changes how much is
// searched, never which clique is found.
//
// Bound: a greedy colouring of the candidates. Members of one colour class are pairwise
// distrusting, so a clique holds at most one per class. Counting candidates instead (the
// first version) let 57 sites declining within groups of three run for minutes: every one of
// the 3^19 equally large cliques had to be walked. With colours, one clique found ends it.
class MaxClique {
 public:
  MaxClique(std::vector<Set> adjacency, const TrustSetLimits& limits)
      : adj_(std::move(adjacency)), limits_(limits), deadline_(Clock::now() + limits.deadline) {}

  // False when the bound was reached first: best() is then only the best found so far.
  bool solve() {
    const std::size_t n = adj_.size();
    Set all = n == 64 ? ~Set{0} : ((Set{1} << n) - 1);
    expand(0, all);
    return !stopped_;
  }
  Set best() const { return best_; }
  std::uint64_t nodes() const { return nodes_; }

 private:
  // Colour classes needed for `candidates`, counting no further than `enough`.
  int colour_bound(Set candidates, int enough) const {
    int colours = 0;
    while (candidates != 0 && colours < enough) {
      ++colours;
      Set q = candidates;  // grow one class: each pick removes itself and its neighbours
      while (q != 0) {
        const int v = std::countr_zero(q);
        const Set bit = Set{1} << v;
        q &= ~bit & ~adj_[static_cast<std::size_t>(v)];
        candidates &= ~bit;
      }
    }
    return colours + (candidates != 0 ? 1 : 0);
  }

  bool out_of_budget() {
    ++nodes_;
    if (limits_.node_budget != 0 && nodes_ > limits_.node_budget) stopped_ = true;
    if ((nodes_ & 0xff) == 0 && Clock::now() >= deadline_) stopped_ = true;
    return stopped_;
  }

  void expand(Set current, Set candidates) {
    if (out_of_budget()) return;
    const int size = std::popcount(current);
    if (candidates == 0) {
      if (size > std::popcount(best_)) best_ = current;
      return;
    }
    while (candidates != 0) {
      // Bound: even the best case for the remaining candidates cannot beat the best (ties keep the first).
      const int need = std::popcount(best_) - size + 1;
      if (colour_bound(candidates, need) < need) return;
      const int v = std::countr_zero(candidates);
      const Set bit = Set{1} << v;
      expand(current | bit, candidates & adj_[static_cast<std::size_t>(v)]);
      if (stopped_) return;
      candidates &= ~bit;
    }
    if (size > std::popcount(best_)) best_ = current;
  }

  std::vector<Set> adj_;
  TrustSetLimits limits_;
  Clock::time_point deadline_;
  Set best_ = 0;
  std::uint64_t nodes_ = 0;
  bool stopped_ = false;
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

// Most-trusted first (ties by name), add whoever is mutually trusted by all chosen. Always a
// valid mutual-trust set; not always the largest.
std::vector<bool> greedy_set(std::size_t n, const std::vector<std::vector<bool>>& mutual) {
  std::vector<std::size_t> degree(n, 0), order(n);
  for (std::size_t i = 0; i < n; ++i) {
    order[i] = i;
    for (std::size_t j = 0; j < n; ++j) degree[i] += mutual[i][j] ? 1 : 0;
  }
  std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return degree[a] > degree[b]; });
  std::vector<bool> chosen(n, false);
  std::vector<std::size_t> members;
  for (auto i : order) {
    if (std::all_of(members.begin(), members.end(), [&](auto m) { return mutual[i][m]; })) {
      members.push_back(i);
      chosen[i] = true;
    }
  }
  return chosen;
}

}  // namespace

TrustSetResult largest_mutual_trust_set(
    std::vector<std::string> candidates,
    const std::function<bool(const std::string&, const std::string&)>& trusts, TrustSetLimits limits) {
  const auto started = Clock::now();
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
  const std::size_t n = candidates.size();
  std::vector<std::vector<bool>> mutual(n, std::vector<bool>(n, false));
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = i + 1; j < n; ++j)
      mutual[i][j] = mutual[j][i] = trusts(candidates[i], candidates[j]) && trusts(candidates[j], candidates[i]);

  TrustSetResult result;
  result.method = "exact";
  std::vector<bool> chosen(n, false);
  bool solved = false;
  if (n <= kExactTrustSetLimit) {
    std::vector<Set> adj(n, 0);
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < n; ++j)
        if (mutual[i][j]) adj[i] |= Set{1} << j;
    MaxClique search(std::move(adj), limits);
    solved = search.solve();
    result.nodes = search.nodes();
    if (solved)
      for (std::size_t i = 0; i < n; ++i) chosen[i] = (search.best() >> i) & 1;
  }
  result.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
  if (!solved) {
    result.exact = false;
    result.method = n > kExactTrustSetLimit
                        ? "greedy (more than " + std::to_string(kExactTrustSetLimit) + " candidates)"
                        : "greedy (search bound reached after " + std::to_string(result.elapsed.count()) + " ms, " +
                              std::to_string(result.nodes) + " nodes)";
    chosen = greedy_set(n, mutual);
  }
  for (std::size_t i = 0; i < n; ++i)
    if (chosen[i]) result.members.push_back(candidates[i]);
  for (std::size_t i = 0; i < n; ++i)
    if (!chosen[i]) result.dropped[candidates[i]] = distrust_reason(candidates[i], result.members, trusts);
  return result;
}

}  // namespace cchost::job
