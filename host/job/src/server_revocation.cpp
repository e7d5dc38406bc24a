// Revocation (PROTOCOL.md "Revocation"): `admin.revoke` drops a site's key from the
// allow-list at once, quarantines the site, takes it out of every running job, records it, and
// sends the signed revocation list to every other site. The list lives in the workspace
// (revocations.json), so a restarted server keeps refusing the site from its first handshake.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "cchost/crypto/encoding.hpp"
#include "revocation_messages.hpp"
#include "server_impl.hpp"

namespace cchost::job {
namespace {

std::filesystem::path list_path(const StateStore& store) { return store.workspace() / "revocations.json"; }

}  // namespace

Status ServerRuntime::Impl::load_revocations() {
  const auto path = list_path(store);
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return {};
  auto bytes = read_file_limited(path, kMaxRevocationListBytes);
  if (!bytes) return make_error("revocation list: " + bytes.message());
  auto list = parse_revocation_list(std::string_view(reinterpret_cast<const char*>(bytes->data()), bytes->size()),
                                    path.string());
  if (!list) return list.error();
  // Fail closed: a server that cannot vouch for its own list does not start and forget it.
  if (!config.revocation_signer)
    return make_error(path.string() + ": a revocation list is held but this server has no signing key to check it");
  if (auto s = verify_revocation_list(*list, config.revocation_signer->public_key()); !s)
    return make_error(path.string() + ": " + s.message());
  if (list->issuer != config.name)
    return make_error(path.string() + ": issued by \"" + list->issuer + "\", not this server \"" + config.name + "\"");
  for (auto it = config.net.allow_list.begin(); it != config.net.allow_list.end();) {
    if (it->second.role == net::Role::site && list->revokes(it->second.name)) {
      spdlog::warn("server: {} is revoked (revocation list serial {}): its key stays out of the allow-list",
                   it->second.name, list->serial);
      it = config.net.allow_list.erase(it);
    } else {
      ++it;
    }
  }
  revocations = std::move(*list);
  return {};
}

void ServerRuntime::Impl::quarantine_revoked() {
  if (!revocations) return;
  for (const auto& e : revocations->entries) {
    auto& rec = sites[e.site];
    rec.registered = false;
    rec.quarantined = true;
    rec.quarantine_reason = "revoked: " + e.reason;
  }
}

net::Message ServerRuntime::Impl::handle_revoke(const net::Delivery& d) {
  auto request = parse_admin_revoke(d.message);
  if (!request) return error_reply(request.message());
  const std::string& site = request->site;
  if (!config.revocation_signer) return error_reply("this server has no signing key for revocation lists");
  if (is_revoked(site))
    return error_reply(site + " is already revoked (revocation list serial " + std::to_string(revocations->serial) + ")");
  const auto key = key_by_name.find(site);
  const auto peer = key == key_by_name.end() ? config.net.allow_list.end() : config.net.allow_list.find(key->second);
  if (peer == config.net.allow_list.end()) return error_reply("no site '" + site + "' in this server's kit");
  if (peer->second.role != net::Role::site)
    return error_reply("'" + site + "' is " + std::string(net::role_name(peer->second.role)) + ", only a site can be revoked");

  RevocationList next = revocations.value_or(RevocationList{config.name, 0, 0, {}, {}, {}});
  next.serial += 1;
  next.issued_at = now();
  RevocationEntry entry{site, curve_key_sha256(key->second), request->reason, next.issued_at};
  next.entries.insert(std::upper_bound(next.entries.begin(), next.entries.end(), entry,
                                       [](const auto& a, const auto& b) { return a.site < b.site; }),
                      entry);
  if (auto s = sign_revocation_list(next, *config.revocation_signer); !s) return error_reply(s.message());
  // Durable before it takes effect or anyone hears of it: the list first (what a restart
  // applies), then the audit entry.
  const std::string text = revocation_list_to_json(next).dump();
  if (auto s = atomic_write_file(list_path(store), as_bytes(text), 0600); !s)
    return error_reply("cannot keep the revocation list: " + s.message());
  if (auto s = record("site.revoked", {{"site", site}, {"key_sha256", entry.key_sha256}, {"reason", entry.reason},
                                       {"by", d.peer.name}, {"serial", next.serial}});
      !s)
    spdlog::error("server: revocation of {} applied but not audited: {}", site, s.message());
  revocations = next;

  server->revoke(key->second);
  config.net.allow_list.erase(peer);
  auto& rec = sites[site];
  rec.registered = false;
  rec.quarantined = true;
  rec.quarantine_reason = "revoked: " + entry.reason;
  rec.last_accept = false;
  save_registry();
  exclude_revoked_from_jobs(site, entry.reason);
  publish("participant.revoked", {{"site", site}, {"reason", entry.reason}, {"serial", next.serial}});
  spdlog::warn("server: revoked {} (key sha256 {}) at the request of {}: {}", site, entry.key_sha256.substr(0, 16),
               d.peer.name, entry.reason);
  for (const auto& [name, other] : sites) {
    if (name != site && other.connected_this_session) send_revocations(name);
  }
  return reply_to("revoked", {{"site", site}, {"serial", next.serial}, {"key_sha256", entry.key_sha256}});
}

// A running job forgets the site in whatever phase it is: no more waiting for it, its evidence
// and votes are gone, and delivery (which cannot push to it any more) excludes it at its deadline.
void ServerRuntime::Impl::exclude_revoked_from_jobs(const std::string& site, const std::string& reason) {
  for (auto& [id, job] : jobs) {
    if (job->terminal()) continue;
    const bool involved = std::find(job->spec.deploy_map.begin(), job->spec.deploy_map.end(), site) !=
                          job->spec.deploy_map.end();
    if (!involved) continue;
    job->excluded[site] = {"revocation", "revoked: " + reason, {"revocation.revoked"}};
    job->verified.erase(site);
    job->votes.erase(site);
    audit_note("job.excluded", {{"job", id}, {"site", site}, {"stage", "revocation"}, {"reason", "revoked: " + reason}});
    save_job(*job);
    if (job->phase.awaiting.count(site)) settle(job, job->phase.seq, site);
  }
}

void ServerRuntime::Impl::send_revocations(const std::string& site) {
  if (!revocations || is_revoked(site)) return;
  auto msg = net::make_message("revocation", config.name, {{"list", revocation_list_to_json(*revocations)}});
  const std::uint64_t serial = revocations->serial;
  push_request(site, std::move(msg), [site, serial](Result<net::Message> reply) {
    if (!reply)
      spdlog::warn("server: {} did not take revocation list serial {}: {}", site, serial, reply.message());
    else if (reply->type != "ack")
      spdlog::warn("server: {} answered revocation list serial {} with {}", site, serial, reply->type);
  });
}

}  // namespace cchost::job
