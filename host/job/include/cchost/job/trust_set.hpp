#pragma once
// Peer-trust resolution for `peer_trust = "mutual"`: the largest set of sites in which every
// member trusts every other member. Exact (maximum clique, branch and bound over 64-bit sets
// with a greedy-colouring bound) up to 64 candidates; greedy beyond, and greedy too when the
// exact search reaches its bound (a deadline and a node budget), so a hostile vote pattern can
// cost at most that bound. Ties are broken by name so the outcome is deterministic: among sets
// of equal size, the one whose sorted member list is lexicographically smallest.
//
// Pure and thread-safe: the server runs it on a worker thread, never on its io thread.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace cchost::job {

struct TrustSetLimits {
  // Wall-clock bound on the exact search; checked every few hundred nodes.
  std::chrono::milliseconds deadline{500};
  // Bound on search nodes (deterministic, unlike the deadline); 0 = no node bound.
  std::uint64_t node_budget = 5'000'000;
};

struct TrustSetResult {
  std::vector<std::string> members;               // sorted
  std::map<std::string, std::string> dropped;     // name -> why (who it distrusts / is distrusted by)
  bool exact = true;                              // false when the greedy path was taken
  std::string method;                             // "exact", or "greedy (<why>)": for the decision record
  std::uint64_t nodes = 0;                        // exact-search nodes visited
  std::chrono::milliseconds elapsed{0};           // time spent in the search
};

// trusts(a, b): does a accept b? Need not be symmetric; both directions must hold.
TrustSetResult largest_mutual_trust_set(
    std::vector<std::string> candidates,
    const std::function<bool(const std::string&, const std::string&)>& trusts,
    TrustSetLimits limits = {});

inline constexpr std::size_t kExactTrustSetLimit = 64;

}  // namespace cchost::job
