#include "cchost/net/peer.hpp"

#include <zmq.h>

#include <array>
#include <cstdint>
#include <cstdio>

namespace cchost::net {

std::string_view role_name(Role role) {
  switch (role) {
    case Role::site: return "site";
    case Role::admin: return "admin";
    case Role::server: return "server";
  }
  return "unknown";
}

std::optional<Role> parse_role(std::string_view text) {
  if (text == "site") return Role::site;
  if (text == "admin") return Role::admin;
  if (text == "server") return Role::server;
  return std::nullopt;
}

std::string key_fingerprint(std::string_view public_z85) {
  if (public_z85.size() != 40) return "invalid-key";
  std::string z85(public_z85);
  std::array<std::uint8_t, 32> raw{};
  if (zmq_z85_decode(raw.data(), z85.c_str()) == nullptr) return "invalid-key";
  std::string hex;
  char buf[3];
  for (std::size_t i = 0; i < 8; ++i) {
    std::snprintf(buf, sizeof buf, "%02x", raw[i]);
    hex += buf;
  }
  return hex;
}

}  // namespace cchost::net
