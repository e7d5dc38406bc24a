#pragma once
// Writes one participant's startup kit folder (format: provision/README.md) and signs it.
#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "cchost/kit/kit.hpp"
#include "project_config.hpp"
#include "root_key.hpp"
#include "state_store.hpp"

namespace cchost::provision {

struct KitInputs {
  const ProjectConfig* project = nullptr;
  const ParticipantSpec* who = nullptr;
  CurveKeyPair own;
  std::optional<AuditKeyPair> audit;           // servers and sites: signs their audit log heads
  std::optional<AuditKeyPair> receipt;         // sites: signs the receipt of every payload stored
  std::string server_public;                   // Z85
  std::string server_audit_public_pem;         // site kits: keys/server-audit.pub (checks revocation lists)
  std::map<std::string, kit::PeerKey> peers;   // server kit only
  const RootKey* root = nullptr;
  const StateStore* state = nullptr;
  std::filesystem::path plugin_dir;
  std::vector<std::string> sim_namespaces;     // namespaces with a simulated CA in the state
};

// `kit_dir` must not exist yet.
Status build_kit(const KitInputs& in, const std::filesystem::path& kit_dir);

}  // namespace cchost::provision
