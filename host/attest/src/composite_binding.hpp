#pragma once
// The relying party's side of composite CPU+device binding (device_list.hpp): what a bundle's
// device list must match, judged by our own plugins' declared roles, never the bundle's word.
#include <memory>
#include <string>
#include <vector>

#include "cchost/attest/bundle.hpp"
#include "cchost/plugin/loader.hpp"
#include "cchost/policy/policy.hpp"

namespace cchost::attest {

struct CompositeFindings {
  std::vector<std::string> failures;  // each a reason for rule `binding.composite`
  std::vector<std::string> notes;     // for the appraisal's `errors`
};

using Authorizers = std::vector<std::shared_ptr<plugin::Authorizer>>;

// Before any token is verified: the listed device tokens, in token order, are exactly the
// list's entries (namespace and SHA-256); every listed namespace is device evidence to us and
// every token of ours that is device evidence is listed.
CompositeFindings check_device_list(const EvidenceBundle& bundle, const Authorizers& ours);

// After verification: `anchor_committed` says whether CPU evidence (an anchor to us) verified
// with the device list's digest in its binding. `required` fails a bundle without that;
// optional notes "composite binding absent" where device evidence went uncommitted.
// `required` applies to a peer the policy requires device evidence of (`require` for that peer
// and role lists a namespace whose plugin is a member): a CPU-only peer of a mixed deployment
// is not held to it.
CompositeFindings check_composite_outcome(const EvidenceBundle& bundle, const Authorizers& ours, bool anchor_committed,
                                          policy::CompositeMode mode, const std::vector<std::string>& required_namespaces);

}  // namespace cchost::attest
