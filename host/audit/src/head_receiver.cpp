#include "cchost/audit/head_receiver.hpp"

namespace cchost::audit {

HeadReceiver::HeadReceiver(std::filesystem::path dir, std::map<std::string, crypto::PublicKey> keys,
                           std::chrono::milliseconds min_interval)
    : dir_(std::move(dir)), keys_(std::move(keys)), min_interval_(min_interval) {}

Result<HeadReceiver::Outcome> HeadReceiver::receive(const std::string& site, const nlohmann::json& value,
                                                    Clock::time_point now) {
  auto key = keys_.find(site);
  if (key == keys_.end()) return make_error("audit_head from " + site + ": no audit key for it in this kit");
  auto head = signed_head_from_json(value, "audit_head in a heartbeat of " + site);
  if (!head) return head.error();
  Mark& mark = marks_[site];
  if (!mark.loaded) {
    // The mark survives restarts in the file; a missing or unreadable file means none yet.
    if (auto kept = read_received_head(dir_ / (site + ".json")); kept) mark.seq = kept->seq;
    mark.loaded = true;
  }
  // Cheap refusals first, so a site repeating itself costs no signature check.
  if (mark.seq && head->seq <= *mark.seq) return Outcome::not_newer;
  const bool sealing = head->reason == kHeadReasonShutdown;
  if (mark.last_write && !sealing && now - *mark.last_write < min_interval_) return Outcome::too_soon;
  if (auto checked = verify_signed_head(*head, key->second); !checked) {
    return make_error("audit_head from " + site + ": " + checked.message());
  }
  if (auto kept = keep_received_head(dir_, site, *head); !kept) return kept.error();
  mark.seq = head->seq;
  mark.last_write = now;
  return Outcome::kept;
}

}  // namespace cchost::audit
