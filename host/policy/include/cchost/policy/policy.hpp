#pragma once
// A loaded relying-party policy: the [policy] settings the runtime reads, and the flat rule
// vectors, precompiled for every (peer, role) combination the file names.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cchost/policy/rule.hpp"

namespace cchost::policy {

enum class OnFailure { Exclude, Shutdown };
enum class PeerTrust { Decline, Mutual };
// `composite`: whether a peer's device evidence must be committed to by its CPU evidence
// (host/job/PROTOCOL.md "Composite binding").
enum class CompositeMode { Optional, Required };

std::string_view on_failure_name(OnFailure v);
std::string_view peer_trust_name(PeerTrust v);
std::string_view composite_mode_name(CompositeMode v);

struct PolicySettings {
  std::string name;
  std::vector<std::string> require;                 // namespaces every peer must present
  bool accept_unattested = false;                   // the only way to say `require = []`
  bool allow_simulated = false;
  std::optional<std::int64_t> max_evidence_age_seconds;  // unset: no age limit
  OnFailure on_failure = OnFailure::Exclude;
  PeerTrust peer_trust = PeerTrust::Decline;
  CompositeMode composite = CompositeMode::Optional;
};

class Policy {
 public:
  const PolicySettings& settings() const { return settings_; }
  const std::string& name() const { return settings_.name; }
  const std::vector<std::string>& require() const { return settings_.require; }
  bool allow_simulated() const { return settings_.allow_simulated; }
  std::optional<std::int64_t> max_evidence_age_seconds() const { return settings_.max_evidence_age_seconds; }
  OnFailure on_failure() const { return settings_.on_failure; }
  PeerTrust peer_trust() const { return settings_.peer_trust; }
  CompositeMode composite() const { return settings_.composite; }

  // The merged rules for a peer: defaults, then [role.ROLE], then [peer."NAME"] (see
  // policies/README.md "Overrides"). An unknown peer or role falls back to the defaults.
  // Never allocates: the combinations are built at load.
  const std::vector<Rule>& rules_for(std::string_view peer, std::string_view role) const;
  // The namespaces a peer must present: [policy] require, unless its [role.ROLE] or
  // [peer."NAME"] table says `require` (the peer's wins). Never allocates.
  const std::vector<std::string>& require_for(std::string_view peer, std::string_view role) const;

  std::vector<std::string> peers() const;  // names with a [peer."..."] table
  std::vector<std::string> roles() const;  // names with a [role.x] table

  // Built by the loader only.
  using RulesByRole = std::map<std::string, std::vector<Rule>, std::less<>>;
  using RequireByRole = std::map<std::string, std::vector<std::string>, std::less<>>;
  Policy(PolicySettings settings, std::map<std::string, RulesByRole, std::less<>> rule_sets,
         std::map<std::string, RequireByRole, std::less<>> require_sets = {})
      : settings_(std::move(settings)), rule_sets_(std::move(rule_sets)), require_sets_(std::move(require_sets)) {}

 private:
  PolicySettings settings_;
  // [peer or ""][role or ""] -> merged rules; [""][""] = the defaults.
  std::map<std::string, RulesByRole, std::less<>> rule_sets_;
  // [peer][role] -> require, only for combinations an override's `require` changes.
  std::map<std::string, RequireByRole, std::less<>> require_sets_;
};

}  // namespace cchost::policy
