#pragma once
// Server-side idempotency: a retried request (same sender, same message id) gets the reply
// that was computed the first time, and the handler does not run again. Bounded (LRU) so a
// peer cannot grow it without limit. Keyed by sender *and* id so one peer cannot read another
// peer's replies by replaying its message id. Not thread-safe: use it on the io thread.
#include <cstddef>
#include <functional>
#include <list>
#include <optional>
#include <string>
#include <unordered_map>

#include "cchost/net/message.hpp"

namespace cchost::net {

class ReplyCache {
 public:
  explicit ReplyCache(std::size_t capacity = 4096);

  std::optional<Message> find(const std::string& sender, const std::string& id);
  void put(const std::string& sender, const std::string& id, Message reply);

  // Returns the cached reply, or runs `compute`, caches and returns its reply.
  Message reply_once(const std::string& sender, const std::string& id,
                     const std::function<Message()>& compute);

  std::size_t size() const { return index_.size(); }
  std::size_t capacity() const { return capacity_; }

 private:
  using Entry = std::pair<std::string, Message>;  // key, reply
  std::size_t capacity_;
  std::list<Entry> lru_;  // most recent first
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;
};

}  // namespace cchost::net
