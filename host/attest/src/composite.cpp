#include "cchost/attest/composite.hpp"

namespace cchost::attest {

CompositeOutcome run_composite_stages(const std::vector<std::shared_ptr<plugin::Authorizer>>& authorizers,
                                      const std::map<std::string, claims::NamespaceClaims>& verified) {
  CompositeOutcome outcome;
  for (const auto& a : authorizers) {
    const auto& info = a->info();
    if (info.relates.empty()) continue;
    std::vector<const claims::NamespaceClaims*> inputs;
    CompositeStageSkip skip{info.ns, {}};
    for (const auto& ns : info.relates) {
      const auto it = verified.find(ns);
      if (it == verified.end()) skip.missing.push_back(ns);
      else inputs.push_back(&it->second);
    }
    if (!skip.missing.empty()) {
      outcome.skipped.push_back(std::move(skip));
      continue;
    }
    auto out = a->relate(inputs);
    if (!out) {
      outcome.failed.push_back({info.ns, out.message()});
      continue;
    }
    for (const auto* in : inputs) {
      out->simulated = out->simulated || in->simulated;
      if (in->issued_at && (!out->issued_at || *in->issued_at < *out->issued_at)) out->issued_at = in->issued_at;
    }
    outcome.derived[info.ns] = std::move(*out);
  }
  return outcome;
}

}  // namespace cchost::attest
