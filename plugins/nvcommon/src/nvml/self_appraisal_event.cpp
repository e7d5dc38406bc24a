#include "nvml/self_appraisal_event.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace cchost::nv {

namespace {

Result<std::vector<std::string>> string_list(const nlohmann::json& payload, const char* key) {
  auto it = payload.find(key);
  if (it == payload.end()) return make_error(std::string("self-appraisal event: payload.") + key + ": expected a list of strings, got nothing");
  if (!it->is_array()) return make_error(std::string("self-appraisal event: payload.") + key + ": expected a list, got " + it->type_name());
  if (it->size() > kMaxSelfAppraisalItems)
    return make_error(std::string("self-appraisal event: payload.") + key + ": expected at most " + std::to_string(kMaxSelfAppraisalItems) +
                      " items, got " + std::to_string(it->size()));
  std::vector<std::string> out;
  for (const auto& item : *it) {
    if (!item.is_string())
      return make_error(std::string("self-appraisal event: payload.") + key + ": expected strings, got " + item.type_name());
    out.push_back(item.get<std::string>());
  }
  return out;
}

std::string joined(const std::vector<std::string>& items) {
  std::string s;
  for (const auto& i : items) s += (s.empty() ? "" : ", ") + i;
  return s;
}

}  // namespace

Result<SelfAppraisalEvent> parse_self_appraisal_event(std::string_view event_json) {
  if (event_json.size() > kMaxSelfAppraisalEventBytes)
    return make_error("self-appraisal event: expected at most " + std::to_string(kMaxSelfAppraisalEventBytes) + " bytes, got " +
                      std::to_string(event_json.size()));
  const auto doc = nlohmann::json::parse(event_json, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return make_error("self-appraisal event: expected a JSON object");
  auto name = doc.find("name");
  if (name == doc.end() || !name->is_string() || name->get<std::string>() != kSelfAppraisalEventName)
    return make_error("self-appraisal event: name: expected \"" + std::string(kSelfAppraisalEventName) + "\", got " +
                      (name == doc.end() ? std::string("nothing") : name->dump()));
  auto payload = doc.find("payload");
  if (payload == doc.end() || !payload->is_object()) return make_error("self-appraisal event: payload: expected an object");
  auto accepted = payload->find("accepted");
  if (accepted == payload->end() || !accepted->is_boolean())
    return make_error("self-appraisal event: payload.accepted: expected a boolean, got " +
                      (accepted == payload->end() ? std::string("nothing") : std::string(accepted->type_name())));
  SelfAppraisalEvent out;
  out.accepted = accepted->get<bool>();
  auto namespaces = string_list(*payload, "namespaces");
  if (!namespaces) return namespaces.error();
  auto failed = string_list(*payload, "failed_rules");
  if (!failed) return failed.error();
  auto reasons = string_list(*payload, "reasons");
  if (!reasons) return reasons.error();
  out.namespaces = std::move(*namespaces);
  out.failed_rules = std::move(*failed);
  out.reasons = std::move(*reasons);
  return out;
}

ActivationDecision decide_activation(const SelfAppraisalEvent& event, std::string_view own_namespace) {
  const bool ours = std::find(event.namespaces.begin(), event.namespaces.end(), own_namespace) != event.namespaces.end();
  if (!event.accepted) {
    std::string why = "own evidence rejected";
    if (!event.failed_rules.empty()) why += ": failed " + joined(event.failed_rules);
    if (!event.reasons.empty()) why += " (" + joined(event.reasons) + ")";
    return {false, why};
  }
  if (!ours) return {false, "own bundle was accepted but carried no " + std::string(own_namespace) + " evidence"};
  return {true, std::string(own_namespace) + " evidence verified and passed own policy"};
}

}  // namespace cchost::nv
