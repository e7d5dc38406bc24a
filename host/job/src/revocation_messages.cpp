#include "revocation_messages.hpp"

namespace cchost::job {
namespace {

Status only(const net::Message& m, std::initializer_list<std::string_view> keys) {
  if (!m.body.is_object()) return make_error(m.type + " body must be an object");
  if (!m.blobs.empty()) return make_error(m.type + ": expected no blobs, got " + std::to_string(m.blobs.size()));
  for (const auto& [k, _] : m.body.items()) {
    bool known = false;
    for (auto key : keys) known = known || k == key;
    if (!known) return make_error(m.type + "." + k.substr(0, 64) + " is not a known field");
  }
  return {};
}

}  // namespace

Result<AdminRevokeRequest> parse_admin_revoke(const net::Message& m) {
  if (m.type != "admin.revoke") return make_error("expected admin.revoke, got " + m.type);
  if (auto s = only(m, {"site", "reason"}); !s) return s.error();
  const auto site = m.body.find("site");
  if (site == m.body.end() || !site->is_string() || site->get_ref<const std::string&>().empty() ||
      site->get_ref<const std::string&>().size() > 64)
    return make_error("admin.revoke.site must be a participant name (1..64 characters)");
  const auto reason = m.body.find("reason");
  if (reason == m.body.end() || !reason->is_string() || reason->get_ref<const std::string&>().empty() ||
      reason->get_ref<const std::string&>().size() > kMaxRevocationReason)
    return make_error("admin.revoke.reason must be a string of 1.." + std::to_string(kMaxRevocationReason) +
                      " characters");
  return AdminRevokeRequest{site->get<std::string>(), reason->get<std::string>()};
}

Result<RevocationPush> parse_revocation_push(const net::Message& m) {
  if (m.type != "revocation") return make_error("expected revocation, got " + m.type);
  if (auto s = only(m, {"list"}); !s) return s.error();
  const auto list = m.body.find("list");
  if (list == m.body.end()) return make_error("revocation.list is missing");
  auto parsed = revocation_list_from_json(*list, "revocation.list");
  if (!parsed) return parsed.error();
  return RevocationPush{std::move(*parsed)};
}

}  // namespace cchost::job
