#pragma once
// A startup kit as `cchost run` consumes it: loaded only after its manifest signature, every
// file hash and the key-file permissions have been checked (provision/README.md, "Kit format").
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cchost/result.hpp"

namespace cchost::kit {

enum class Role { Server, Site, Admin };
std::string_view role_name(Role role);  // "server", "site", "admin"

struct ParticipantInfo {
  std::string name;
  Role role = Role::Site;
  std::string project;
  std::string org;
};

struct ServerEndpoint {
  std::string name;
  std::string host;
  std::uint16_t port = 0;
  std::string public_key;  // Z85 CURVE public key (40 characters)
};

struct RuntimeSettings {
  std::uint64_t reattest_interval_s = 600;
  std::uint64_t request_timeout_s = 30;
};

struct AuthorizerEntry {
  std::string ns;                      // "x-acme"
  std::filesystem::path plugin_path;   // absolute: <kit>/plugins/<file>
  std::string sha256;                  // lowercase hex pin, already checked against the file
  std::string config_toml;             // the plugin's TOML config; its paths are kit-relative
  bool verify_only = false;            // verifies peers' evidence of this namespace, presents none
};

struct PeerKey {
  Role role = Role::Site;
  std::string public_key;  // Z85
  // Sites: the SPKI PEM of the site's audit key (keys/audit.pub in its kit), so the server can
  // check the signed audit heads a site sends in its heartbeats. Empty for an admin.
  std::string audit_public_pem;
  // Sites: the SPKI PEM of the site's receipt key (keys/receipt.pub), which checks the receipt
  // it signs for every payload it stores (host/job/receipt.hpp). Empty for an admin.
  std::string receipt_public_pem;
};

// A CURVE secret key. Kept in its own type so that it is never formatted by accident:
// there is no operator<< and no implicit conversion to string.
class SecretKey {
 public:
  SecretKey() = default;
  explicit SecretKey(std::string z85) : z85_(std::move(z85)) {}
  const std::string& reveal() const { return z85_; }
  bool empty() const { return z85_.empty(); }

 private:
  std::string z85_;
};

struct Kit {
  std::filesystem::path dir;            // absolute kit folder
  std::string root_fingerprint;         // hex SHA-256 of root.pub's SPKI
  ParticipantInfo participant;
  ServerEndpoint server;
  RuntimeSettings runtime;
  std::vector<AuthorizerEntry> authorizers;
  std::filesystem::path policy_path;    // <kit>/policy.toml; empty for an admin kit without one
  std::string curve_public;             // Z85
  SecretKey curve_secret;               // Z85; never log
  std::string server_public;            // Z85
  std::map<std::string, PeerKey> participants;  // server kits only: every site and admin
  std::filesystem::path audit_key_path;  // servers and sites: <kit>/keys/audit.key; empty for an admin
  std::string audit_public_pem;          // the matching public key, for `cchost audit verify --kit`
  // Sites: the server's audit public key (keys/server-audit.pub), which checks the server's
  // signed revocation list; empty in a kit provisioned before it existed.
  std::string server_audit_public_pem;
  // Sites: the Ed25519 key that signs a receipt for every payload stored (keys/receipt.key)
  // and its public half; empty for a server or an admin.
  std::filesystem::path receipt_key_path;
  std::string receipt_public_pem;
  std::filesystem::path trust_dir;      // <kit>/trust

  // Resolves a path found in a plugin config: relative paths are relative to the kit folder.
  std::filesystem::path resolve(const std::filesystem::path& p) const;
};

struct LoadOptions {
  // The root fingerprint (hex SHA-256 of the root public key's SPKI) the operator was told
  // out of band; when set, a kit signed by any other root is refused. Unset, a kit is checked
  // only against its own root.pub, which proves nothing about who made it: `cchost` always
  // sets it, or compares the loaded kit's root with a workspace pin (root_pin.hpp).
  std::optional<std::string> expected_root_fingerprint;
};

// Verifies and loads the kit in `dir`. Every refusal names the offending file.
Result<Kit> load_kit(const std::filesystem::path& dir, const LoadOptions& options = {});

}  // namespace cchost::kit
