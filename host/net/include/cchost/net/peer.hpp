#pragma once
// Who may talk to a server: the allow-list maps a CURVE public key (Z85) to the participant
// bound to it. Roles come from the kit; the runtime refuses message types by role.
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace cchost::net {

enum class Role { site, admin, server };

std::string_view role_name(Role role);
std::optional<Role> parse_role(std::string_view text);

struct Peer {
  std::string name;  // the only sender name this key may claim
  Role role = Role::site;
  bool operator==(const Peer&) const = default;
};

// Z85 public key (40 chars) -> Peer. A key absent here cannot complete a CURVE handshake.
using AllowList = std::map<std::string, Peer>;

// Short, loggable identifier of a public key: hex of its first 8 raw bytes. Public data only.
std::string key_fingerprint(std::string_view public_z85);

}  // namespace cchost::net
