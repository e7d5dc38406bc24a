#pragma once
// The composite stage (verify -> claims -> composite -> policy; sdk/README.md "Composite
// stage"): each plugin that relates other namespaces derives its records from their verified
// claims. One definition for the runtime (plugin_attestor.cpp) and `cchost verify`, so the
// two can never derive differently.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cchost/claims/namespace_claims.hpp"
#include "cchost/plugin/loader.hpp"

namespace cchost::attest {

struct CompositeStageFailure {
  std::string ns;       // the composite namespace whose stage failed
  std::string message;  // the plugin's (or the host's validation) message
};

struct CompositeStageSkip {
  std::string ns;                    // the composite namespace not derived
  std::vector<std::string> missing;  // the consumed namespaces `verified` does not hold, in relates order
};

struct CompositeOutcome {
  std::map<std::string, claims::NamespaceClaims> derived;  // by composite namespace
  std::vector<CompositeStageFailure> failed;               // in `authorizers` order
  std::vector<CompositeStageSkip> skipped;                 // in `authorizers` order
};

// Runs the stage of every authorizer whose info().relates is not empty (others are passed
// over) on `verified`, the verified claims by namespace. Stages read verified namespaces
// only, never another stage's output, so their order does not matter and no cycle can form.
// A stage whose inputs are not all in `verified` is not run (skipped). Derived claims are
// simulated when any input is, and keep the earliest input issued_at: they are no more real,
// and no fresher, than what they were derived from.
CompositeOutcome run_composite_stages(const std::vector<std::shared_ptr<plugin::Authorizer>>& authorizers,
                                      const std::map<std::string, claims::NamespaceClaims>& verified);

}  // namespace cchost::attest
