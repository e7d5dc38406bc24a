// Policy accessors and the precompiled (peer, role) lookup.
#include "cchost/policy/policy.hpp"

namespace cchost::policy {

std::string_view on_failure_name(OnFailure v) { return v == OnFailure::Exclude ? "exclude" : "shutdown"; }
std::string_view peer_trust_name(PeerTrust v) { return v == PeerTrust::Decline ? "decline" : "mutual"; }
std::string_view composite_mode_name(CompositeMode v) { return v == CompositeMode::Optional ? "optional" : "required"; }

const std::vector<Rule>& Policy::rules_for(std::string_view peer, std::string_view role) const {
  auto by_peer = rule_sets_.find(peer);
  if (by_peer == rule_sets_.end()) by_peer = rule_sets_.find(std::string_view{});
  auto rules = by_peer->second.find(role);
  if (rules == by_peer->second.end()) rules = by_peer->second.find(std::string_view{});
  return rules->second;
}

const std::vector<std::string>& Policy::require_for(std::string_view peer, std::string_view role) const {
  auto by_peer = require_sets_.find(peer);
  if (by_peer == require_sets_.end()) by_peer = require_sets_.find(std::string_view{});
  if (by_peer == require_sets_.end()) return settings_.require;
  auto require = by_peer->second.find(role);
  if (require == by_peer->second.end()) require = by_peer->second.find(std::string_view{});
  return require == by_peer->second.end() ? settings_.require : require->second;
}

std::vector<std::string> Policy::peers() const {
  std::vector<std::string> out;
  for (const auto& [peer, _] : rule_sets_) {
    if (!peer.empty()) out.push_back(peer);
  }
  return out;
}

std::vector<std::string> Policy::roles() const {
  std::vector<std::string> out;
  for (const auto& [role, _] : rule_sets_.at("")) {
    if (!role.empty()) out.push_back(role);
  }
  return out;
}

}  // namespace cchost::policy
