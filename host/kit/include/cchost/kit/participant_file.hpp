#pragma once
// participant.toml and keys/participants.toml: their in-memory form, a strict parser and the
// writer the provisioner uses, kept side by side so that what is written is what is read.
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "cchost/kit/kit.hpp"
#include "cchost/result.hpp"

namespace cchost::kit {

struct AuthorizerDecl {
  std::string ns;           // "x-acme"
  std::string plugin;       // a file name inside <kit>/plugins/
  std::string sha256;       // lowercase hex pin of that file
  std::string config_toml;  // the plugin's own TOML config text (must parse as TOML)
  // The participant only verifies this namespace's evidence (its peers on another platform
  // present it) and presents none of its own.
  bool verify_only = false;
};

struct ParticipantFile {
  std::string root_fingerprint;  // hex SHA-256 of root.pub's SPKI
  ParticipantInfo participant;
  ServerEndpoint server;
  RuntimeSettings runtime;
  std::vector<AuthorizerDecl> authorizers;
};

// Strict: unknown keys, wrong types, bad names, duplicate namespaces and a config that is not
// TOML are errors "SOURCE:LINE: message". `text` is untrusted.
Result<ParticipantFile> parse_participant_toml(std::string_view text, const std::string& source);
std::string format_participant_toml(const ParticipantFile& file);

// keys/participants.toml (server kits): [participants."NAME"] role, public_key.
Result<std::map<std::string, PeerKey>> parse_participants_toml(std::string_view text,
                                                               const std::string& source);
std::string format_participants_toml(const std::map<std::string, PeerKey>& peers);

}  // namespace cchost::kit
