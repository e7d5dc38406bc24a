#pragma once
// Peer-trust resolution for `peer_trust = "mutual"`: the largest set of sites in which every
// member trusts every other member. Exact (maximum clique, branch and bound over 64-bit sets)
// up to 64 candidates; greedy beyond. Ties are broken by name so the outcome is deterministic:
// among sets of equal size, the one whose sorted member list is lexicographically smallest.
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace cchost::job {

struct TrustSetResult {
  std::vector<std::string> members;               // sorted
  std::map<std::string, std::string> dropped;     // name -> why (who it distrusts / is distrusted by)
  bool exact = true;                              // false when the greedy path was taken
};

// trusts(a, b): does a accept b? Need not be symmetric; both directions must hold.
TrustSetResult largest_mutual_trust_set(
    std::vector<std::string> candidates,
    const std::function<bool(const std::string&, const std::string&)>& trusts);

inline constexpr std::size_t kExactTrustSetLimit = 64;

}  // namespace cchost::job
