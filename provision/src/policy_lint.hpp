#pragma once
// Checks each participant's policy with the real policy loader (host/policy) at provisioning
// time, so a project admin sees "FILE:LINE" for a policy typo now rather than an operator
// seeing a host refuse to start later. Compiled out when cchost_policy is not in the build.
#include <filesystem>
#include <string>
#include <vector>

#include "cchost/result.hpp"

namespace cchost::provision {

bool policy_lint_available();

// `text` is the policy as it will be written to the kit; `source` names it in errors (the
// policy file, or "project.toml:LINE (inline policy of NAME)"). `plugins`: the participant's
// own authorizer plugins, whose describe() knob tables and claims the policy compiles with, as
// `cchost run` will.
Status lint_policy(const std::string& text, const std::string& source,
                   const std::vector<std::filesystem::path>& plugins);

}  // namespace cchost::provision
