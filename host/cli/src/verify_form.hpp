#pragma once
// Which form a `cchost verify` command line uses:
//   single: --namespace NS --evidence FILE [--collateral DIR] [--config FILE]
//           (the original form; its output, cchost.verify/v1, is unchanged)
//   multi:  --evidence NS=FILE ... [--collateral NS=DIR ...] [--config NS=FILE ...]
//           (one or more namespaces, then the composite stages; cchost.verify.multi/v1)
// A value is NS=VALUE when the text before its first '=' is a namespace (x-[a-z0-9-]+, at most
// 64 characters); anything else is a plain path (so /data/a=b stays a path; a file literally
// named x-acme=1 is written ./x-acme=1).
#include <map>
#include <string>
#include <vector>

#include "cchost/result.hpp"
#include "verify_options.hpp"

namespace cchost::cli {

struct NamespaceInput {
  std::string ns;
  std::string evidence_file;
  std::string collateral_dir;  // "" for none
};

struct VerifyForm {
  bool multi = false;
  std::vector<NamespaceInput> inputs;          // multi: in the order given
  std::map<std::string, std::string> configs;  // multi: --config NS=FILE, by namespace
};

// Resolves the form and checks it is given unambiguously. Single: fills options.evidence_file,
// collateral_dir and config_file. An Error is a usage error naming the option.
Result<VerifyForm> resolve_verify_form(VerifyOptions& options);

}  // namespace cchost::cli
