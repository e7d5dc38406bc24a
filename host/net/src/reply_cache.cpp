#include "cchost/net/reply_cache.hpp"

namespace cchost::net {
namespace {
// '\n' cannot occur in a sender name or an id (both validated tokens), so keys are unambiguous.
std::string cache_key(const std::string& sender, const std::string& id) { return sender + '\n' + id; }
}  // namespace

ReplyCache::ReplyCache(std::size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

std::optional<Message> ReplyCache::find(const std::string& sender, const std::string& id) {
  const auto it = index_.find(cache_key(sender, id));
  if (it == index_.end()) return std::nullopt;
  lru_.splice(lru_.begin(), lru_, it->second);
  return it->second->second;
}

void ReplyCache::put(const std::string& sender, const std::string& id, Message reply) {
  auto key = cache_key(sender, id);
  if (const auto it = index_.find(key); it != index_.end()) {
    it->second->second = std::move(reply);
    lru_.splice(lru_.begin(), lru_, it->second);
    return;
  }
  lru_.emplace_front(key, std::move(reply));
  index_.emplace(std::move(key), lru_.begin());
  while (index_.size() > capacity_) {
    index_.erase(lru_.back().first);
    lru_.pop_back();
  }
}

Message ReplyCache::reply_once(const std::string& sender, const std::string& id,
                               const std::function<Message()>& compute) {
  if (auto cached = find(sender, id)) return std::move(*cached);
  Message reply = compute();
  put(sender, id, reply);
  return reply;
}

}  // namespace cchost::net
