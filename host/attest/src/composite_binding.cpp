#include "composite_binding.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "cchost/crypto/encoding.hpp"

namespace cchost::attest {
namespace {

plugin::CompositeRole role_of(const Authorizers& ours, const std::string& ns) {
  for (const auto& a : ours)
    if (a->info().ns == ns) return a->info().composite_role;
  return plugin::CompositeRole::None;
}

std::string short_hex(const Bytes& digest) { return crypto::hex_encode(digest).substr(0, 16) + "…"; }

// The namespaces of our device evidence that the bundle holds but does not list.
std::set<std::string> uncommitted_devices(const EvidenceBundle& bundle, const Authorizers& ours) {
  std::set<std::string> out;
  for (const auto& t : bundle.tokens)
    if (role_of(ours, t.ns) == plugin::CompositeRole::Member && !lists_device(bundle, t.ns)) out.insert(t.ns);
  return out;
}

std::string joined(const std::set<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

}  // namespace

CompositeFindings check_device_list(const EvidenceBundle& bundle, const Authorizers& ours) {
  CompositeFindings f;
  if (bundle.devices.empty()) return f;
  std::vector<const EvidenceToken*> listed;
  for (const auto& t : bundle.tokens)
    if (lists_device(bundle, t.ns)) listed.push_back(&t);
  if (listed.size() != bundle.devices.size()) {
    f.failures.push_back("the device list the CPU evidence commits to names " + std::to_string(bundle.devices.size()) +
                         " device tokens, the bundle holds " + std::to_string(listed.size()) +
                         " tokens of those namespaces");
    return f;
  }
  std::map<std::string, std::size_t> index_in_ns;
  for (std::size_t i = 0; i < listed.size(); ++i) {
    const auto& token = *listed[i];
    const auto& entry = bundle.devices[i];
    const std::string which = token.ns + " token " + std::to_string(index_in_ns[token.ns]++);
    if (entry.ns != token.ns) {
      f.failures.push_back("device list entry " + std::to_string(i) + " names " + entry.ns + ", the bundle's device token there is " +
                           token.ns);
      continue;
    }
    const Bytes actual = device_entry_of(token.ns, token.token).sha256;
    if (actual != entry.sha256)
      f.failures.push_back(which + " is not the one the CPU evidence commits to (its SHA-256 is " + short_hex(actual) +
                           ", the committed list says " + short_hex(entry.sha256) + ")");
  }
  std::set<std::string> not_devices;
  for (const auto& entry : bundle.devices)
    if (role_of(ours, entry.ns) != plugin::CompositeRole::Member) not_devices.insert(entry.ns);
  if (!not_devices.empty())
    f.failures.push_back("the bundle lists " + joined(not_devices) + " as device evidence; our plugin for it is not one");
  if (auto missing = uncommitted_devices(bundle, ours); !missing.empty())
    f.failures.push_back(joined(missing) + " evidence is not in the device list the CPU evidence commits to");
  return f;
}

CompositeFindings check_composite_outcome(const EvidenceBundle& bundle, const Authorizers& ours, bool anchor_committed,
                                          policy::CompositeMode mode, const std::vector<std::string>& required_namespaces) {
  CompositeFindings f;
  const auto uncommitted = uncommitted_devices(bundle, ours);
  const bool has_devices = std::any_of(bundle.tokens.begin(), bundle.tokens.end(), [&](const EvidenceToken& t) {
    return role_of(ours, t.ns) == plugin::CompositeRole::Member;
  });
  const bool devices_required =
      std::any_of(required_namespaces.begin(), required_namespaces.end(),
                  [&](const std::string& ns) { return role_of(ours, ns) == plugin::CompositeRole::Member; });
  if (mode == policy::CompositeMode::Required && devices_required) {
    if (!has_devices)
      f.failures.push_back("composite binding required: the bundle holds no device evidence");
    else if (bundle.devices.empty())
      f.failures.push_back("composite binding required: no CPU evidence commits to the " + joined(uncommitted) + " evidence");
    else if (!anchor_committed)
      f.failures.push_back("composite binding required: no CPU evidence verified with the device list in its binding");
    return f;
  }
  if (has_devices && bundle.devices.empty())
    f.notes.push_back("composite binding absent: no CPU evidence commits to the " + joined(uncommitted) + " evidence");
  else if (has_devices && !anchor_committed)
    f.notes.push_back("composite binding absent: the bundle lists its device tokens, but no CPU evidence we verify "
                      "committed to the list");
  return f;
}

}  // namespace cchost::attest
