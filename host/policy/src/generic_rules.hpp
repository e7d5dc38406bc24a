#pragma once
// [[rule]] table -> Rule.
#include <functional>
#include <optional>
#include <string>

#include <toml++/toml.h>

#include "cchost/policy/rule.hpp"
#include "error_sink.hpp"

namespace cchost::policy::detail {

// Reports (into the sink) a namespace that is malformed or not in `require`.
using NamespaceCheck = std::function<void(const std::string& ns, const toml::source_region& where, const std::string& what)>;

// Reports (into the sink) a claim the namespace's plugin does not declare.
using ClaimCheck = std::function<void(const std::string& ns, const std::string& claim, const toml::source_region& where,
                                      const std::string& what)>;

// `index` is 0-based within its table; `id_prefix` is "" or "peer.NAME." / "role.NAME.".
std::optional<Rule> compile_generic_rule(const toml::node& node, std::size_t index, const std::string& id_prefix,
                                         const NamespaceCheck& check_ns, const ClaimCheck& check_claim, ErrorSink& sink);

}  // namespace cchost::policy::detail
