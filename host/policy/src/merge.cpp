// Overrides: per-knob replacement, generic rules appended (see rule_layer.hpp).
#include "rule_layer.hpp"

namespace cchost::policy::detail {

std::vector<Rule> merge_layers(const std::vector<const RuleLayer*>& layers) {
  std::map<std::size_t, const std::vector<Rule>*> winner;
  for (const RuleLayer* layer : layers) {
    for (const auto& [knob, rules] : layer->knobs) winner[knob] = &rules;  // later layer replaces
  }
  std::vector<Rule> out;
  for (const auto& [knob, rules] : winner) out.insert(out.end(), rules->begin(), rules->end());
  for (const RuleLayer* layer : layers) out.insert(out.end(), layer->generic.begin(), layer->generic.end());
  return out;
}

}  // namespace cchost::policy::detail
