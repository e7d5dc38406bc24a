#pragma once
// project.toml: the provisioner's input (schema in provision/README.md). Parsed strictly:
// every error is "FILE:LINE: message" and nothing is written before the whole file is valid.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <toml++/toml.h>

#include "cchost/kit/kit.hpp"
#include "cchost/result.hpp"

namespace cchost::provision {

struct AuthorizerSpec {
  std::string ns;                        // "x-acme"
  std::string plugin;                    // file name in --plugin-dir
  std::string backend;                   // the plugin's evidence source, e.g. "sim"
  bool backend_given = false;            // written into the config only when the project says it
  toml::table args;                      // merged into the plugin config last
  std::vector<std::filesystem::path> trust;  // extra trust files copied to trust/<ns>/
  std::string where;                     // "FILE:LINE" of the entry, for later errors
  // Verifies peers' evidence of this namespace and presents none (a peer on another
  // platform): no backend, no prover config, no simulated secrets in the kit.
  bool verify_only = false;
};

struct PolicySource {
  std::optional<std::filesystem::path> file;  // absolute, resolved against project.toml
  std::optional<toml::table> inline_table;
  std::string where;                          // "FILE:LINE" of the policy key or table
  bool present() const { return file.has_value() || inline_table.has_value(); }
};

struct ParticipantSpec {
  std::string name;
  kit::Role role = kit::Role::Site;
  std::string org;
  PolicySource policy;
  std::vector<AuthorizerSpec> authorizers;
  std::string where;
};

struct ProjectConfig {
  std::filesystem::path file;
  std::string name;
  bool simulate = false;
  std::string host;
  std::uint16_t port = 0;
  kit::RuntimeSettings runtime;
  ParticipantSpec server;
  std::vector<ParticipantSpec> sites;
  std::optional<ParticipantSpec> admin;

  std::vector<const ParticipantSpec*> participants() const;  // server, sites, admin
  const ParticipantSpec* find(std::string_view name) const;
};

Result<ProjectConfig> load_project(const std::filesystem::path& file);

// The bytes of a participant's policy.toml: the file as is, or the inline table written out.
// Empty for an admin without a policy.
Result<std::string> policy_text(const ParticipantSpec& who);

}  // namespace cchost::provision
