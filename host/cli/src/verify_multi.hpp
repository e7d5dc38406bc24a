#pragma once
// `cchost verify --evidence NS=FILE ...`: every namespace verified by its own plugin, then the
// composite stages of the plugin folder, then (with --policy) one appraisal of everything.
#include "verify_form.hpp"
#include "verify_options.hpp"

namespace cchost::cli {

// Prints the report (cchost.verify.multi/v1 with --json) and returns the exit code:
// 0 all verified (and accepted), 1 a namespace or a stage failed or the policy rejected,
// 2 a usage error (reported on stderr, or in the JSON's "errors" with --json).
int run_multi_verify(const VerifyOptions& options, const VerifyForm& form);

}  // namespace cchost::cli
