#include "cchost/kit/names.hpp"

#include <charconv>
#include <string>

namespace cchost::kit {

namespace {
bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}
}  // namespace

std::string_view role_name(Role role) {
  switch (role) {
    case Role::Server: return "server";
    case Role::Site: return "site";
    case Role::Admin: return "admin";
  }
  return "unknown";
}

Result<Role> parse_role(std::string_view text) {
  if (text == "server") return Role::Server;
  if (text == "site") return Role::Site;
  if (text == "admin") return Role::Admin;
  return make_error("role must be \"server\", \"site\" or \"admin\", got \"" + std::string(text) +
                    "\"");
}

bool is_safe_name(std::string_view name) {
  if (name.empty() || name.size() > 64 || name.front() == '.') return false;
  for (char c : name) {
    if (!is_name_char(c)) return false;
  }
  return true;
}

bool is_safe_relative_path(std::string_view path) {
  if (path.empty() || path.size() > 512) return false;
  std::size_t start = 0;
  while (true) {
    std::size_t slash = path.find('/', start);
    std::string_view segment = path.substr(start, slash == std::string_view::npos
                                                      ? std::string_view::npos
                                                      : slash - start);
    if (!is_safe_name(segment)) return false;  // also refuses "", "." and ".."
    if (slash == std::string_view::npos) return true;
    start = slash + 1;
  }
}

bool is_z85_key(std::string_view text) {
  static constexpr std::string_view kAlphabet =
      "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";
  if (text.size() != 40) return false;
  for (char c : text) {
    if (kAlphabet.find(c) == std::string_view::npos) return false;
  }
  return true;
}

bool is_sha256_hex(std::string_view text) {
  if (text.size() != 64) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

Result<std::uint64_t> parse_duration(std::string_view text) {
  auto bad = [&] {
    return make_error("duration must be a positive number with a unit s, m, h or d (\"30s\", "
                      "\"10m\"), got \"" + std::string(text) + "\"");
  };
  if (text.size() < 2 || text.size() > 12) return bad();
  std::uint64_t unit = 0;
  switch (text.back()) {
    case 's': unit = 1; break;
    case 'm': unit = 60; break;
    case 'h': unit = 3600; break;
    case 'd': unit = 86400; break;
    default: return bad();
  }
  std::string_view digits = text.substr(0, text.size() - 1);
  std::uint64_t n = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (ec != std::errc{} || end != digits.data() + digits.size() || n == 0) return bad();
  if (n > (std::uint64_t{1} << 40) / unit) return bad();  // no overflow, and nothing absurd
  return n * unit;
}

std::string format_duration(std::uint64_t seconds) {
  if (seconds != 0 && seconds % 86400 == 0) return std::to_string(seconds / 86400) + "d";
  if (seconds != 0 && seconds % 3600 == 0) return std::to_string(seconds / 3600) + "h";
  if (seconds != 0 && seconds % 60 == 0) return std::to_string(seconds / 60) + "m";
  return std::to_string(seconds) + "s";
}

}  // namespace cchost::kit
