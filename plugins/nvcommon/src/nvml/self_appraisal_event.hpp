#pragma once
// The host's `attest.self_appraisal` event as a plugin's on_event receives it (host/attest
// self_appraisal.hpp; sdk/README.md "Events"):
//   {"name": "attest.self_appraisal", "sequence": N, "time": T,
//    "payload": {"accepted": bool, "namespaces": [..], "failed_rules": [..], "reasons": [..]}}
// and the activation decision the GPU plugin takes from it: activate only when the appraisal
// accepted AND our own namespace's evidence was part of it (an accepted bundle that carried no
// GPU evidence says nothing about the GPUs). The document comes through the host but is
// checked like any input: every field's type is checked, sizes are bounded.
#include <string>
#include <string_view>
#include <vector>

#include "cchost/result.hpp"

namespace cchost::nv {

inline constexpr std::string_view kSelfAppraisalEventName = "attest.self_appraisal";
inline constexpr std::size_t kMaxSelfAppraisalEventBytes = 1u << 20;
inline constexpr std::size_t kMaxSelfAppraisalItems = 1024;

struct SelfAppraisalEvent {
  bool accepted = false;
  std::vector<std::string> namespaces;
  std::vector<std::string> failed_rules;
  std::vector<std::string> reasons;
};

// Parses the on_event document; refuses another event name, a missing or mistyped field.
Result<SelfAppraisalEvent> parse_self_appraisal_event(std::string_view event_json);

struct ActivationDecision {
  bool activate = false;
  std::string reason;  // for the log: why activate or not
};

ActivationDecision decide_activation(const SelfAppraisalEvent& event, std::string_view own_namespace);

}  // namespace cchost::nv
