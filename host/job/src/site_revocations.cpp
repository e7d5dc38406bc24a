#include "site_revocations.hpp"

#include <spdlog/spdlog.h>

#include "revocation_messages.hpp"

namespace cchost::job {

SiteRevocations::SiteRevocations(std::string site, std::string server_name,
                                 std::shared_ptr<const crypto::PublicKey> signer, const StateStore& store, Note note)
    : site_(std::move(site)), server_name_(std::move(server_name)), signer_(std::move(signer)), store_(store),
      note_(std::move(note)) {}

Status SiteRevocations::load() {
  std::error_code ec;
  if (!std::filesystem::exists(path(), ec)) return {};
  auto bytes = read_file_limited(path(), kMaxRevocationListBytes);
  if (!bytes) return make_error("revocation list: " + bytes.message());
  auto list = parse_revocation_list(std::string_view(reinterpret_cast<const char*>(bytes->data()), bytes->size()),
                                    path().string());
  if (!list) return list.error();
  if (!signer_) return make_error(path().string() + ": a revocation list is held but the kit has no server signing key");
  if (auto s = check_revocation_update(*list, std::nullopt, *signer_, server_name_); !s)
    return make_error(path().string() + ": " + s.message());
  held_ = std::move(*list);
  spdlog::info("site {}: holds revocation list serial {} ({} revoked)", site_, held_->serial, held_->entries.size());
  return {};
}

Result<bool> SiteRevocations::accept(const RevocationList& list) {
  if (!signer_) return make_error("this site's kit has no server signing key (keys/server-audit.pub): re-provision");
  if (auto s = check_revocation_update(list, held_, *signer_, server_name_); !s) return s.error();
  if (held_ && held_->serial == list.serial) return false;  // the same list again (sent after every registration)
  const std::string text = revocation_list_to_json(list).dump();
  if (auto s = atomic_write_file(path(), as_bytes(text), 0600); !s) return make_error("cannot keep it: " + s.message());
  held_ = list;
  return true;
}

net::Message SiteRevocations::on_push(const net::Message& push) {
  auto parsed = parse_revocation_push(push);
  Result<bool> outcome = parsed ? accept(parsed->list) : Result<bool>(parsed.error());
  net::Message reply;
  if (outcome) {
    if (*outcome) {
      nlohmann::json revoked = nlohmann::json::array();
      for (const auto& e : held_->entries) revoked.push_back(e.site);
      note_("revocation.accepted", {{"serial", held_->serial}, {"revoked", revoked}});
      spdlog::info("site {}: revocation list serial {} accepted ({} revoked)", site_, held_->serial, revoked.size());
    }
    reply = net::make_message("ack", site_, {{"serial", held_->serial}});
  } else {
    note_("revocation.refused", {{"reason", outcome.message()}});
    spdlog::warn("site {}: revocation list refused: {}", site_, outcome.message());
    reply = net::make_message(net::kErrorType, site_, {{"reason", "revocation list refused: " + outcome.message()}});
  }
  reply.corr = push.id;
  return reply;
}

void SiteRevocations::filter_votes(net::Message& vote) const {
  if (!held_) return;
  auto votes = vote.body.find("votes");
  if (votes == vote.body.end() || !votes->is_object()) return;
  for (auto& [peer, v] : votes->items()) {
    const RevocationEntry* e = held_->entry_for(peer);
    if (e == nullptr) continue;
    v = {{"accept", false}, {"failed", {"revocation.revoked"}}};
    note_("peer.refused", {{"job", vote.body.value("job_id", std::string())}, {"peer", peer}, {"kind", "revoked"},
                           {"reason", e->reason}, {"serial", held_->serial}});
    spdlog::warn("site {}: declining revoked peer {} (revocation list serial {})", site_, peer, held_->serial);
  }
}

}  // namespace cchost::job
