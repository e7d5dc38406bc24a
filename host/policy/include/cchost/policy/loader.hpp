#pragma once
// TOML -> Policy. Every problem is collected (not only the first) with its FILE:LINE:COL.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cchost/policy/policy.hpp"
#include "cchost/policy/vocabulary.hpp"

namespace cchost::policy {

struct PolicyError {
  std::string file;
  std::uint32_t line = 0;
  std::uint32_t column = 0;
  std::string message;
  std::string to_string() const;  // "FILE:LINE:COL: message"
};

struct PolicyLoad {
  std::optional<Policy> policy;      // set only when `errors` is empty
  std::vector<PolicyError> errors;   // in file order
  bool ok() const { return policy.has_value(); }
};

// `source_name` is the FILE part of the error locations. `catalog`: the vocabularies of the
// plugins in use (their describe() knob tables and claims); a plugin section ([snp] or [x-snp])
// compiles only from its plugin's table, and [[rule]] claims are checked against its claims.
// The loader calls no plugin.
PolicyLoad load_policy_text(std::string_view toml_text, std::string_view source_name, const Catalog& catalog = {});
PolicyLoad load_policy_file(const std::string& path, const Catalog& catalog = {});

}  // namespace cchost::policy
