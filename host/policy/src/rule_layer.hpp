#pragma once
// One layer of a policy: the defaults, one [role.x] or one [peer."name"] table, compiled.
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cchost/policy/rule.hpp"

namespace cchost::policy::detail {

struct RuleLayer {
  // Knob position in schema order (table index * 256 + knob index) -> the rules it compiled to.
  std::map<std::size_t, std::vector<Rule>> knobs;
  std::vector<Rule> generic;  // [[rule]] in file order
  // An override's own `require` (policies/README.md "Overrides"): replaces the defaults' for
  // the peers it applies to. Never set on the defaults layer ([policy] require is).
  std::optional<std::vector<std::string>> require;
};

// The merge rule (policies/README.md "Overrides"): per knob, the last layer that sets the
// knob wins (defaults < role < peer); generic rules of every layer all apply, appended in
// layer order. The result is flat: knob rules in schema order, then generic rules.
std::vector<Rule> merge_layers(const std::vector<const RuleLayer*>& layers);

}  // namespace cchost::policy::detail
