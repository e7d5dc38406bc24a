#pragma once
// A thread-safe cache of verified results (certificate chains, collateral) that each hold only
// inside a validity window [valid_from, valid_until): the intersection of the certificates'
// notBefore..notAfter and any CRL's thisUpdate..nextUpdate. A hit is returned only when the
// request's time lies inside the entry's window, so an expired chain is never reused, however
// warm the cache. Keys are the caller's digest of everything the result depends on.
#include <cstddef>
#include <ctime>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace cchost::vkit {

template <class Value>
class ValidityCache {
 public:
  explicit ValidityCache(std::size_t capacity = 256) : capacity_(capacity) {}

  // The value cached under `key` if `at` is inside its window.
  std::optional<Value> find(const std::string& key, std::time_t at) const {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(key);
    if (it == entries_.end() || at < it->second.valid_from || at >= it->second.valid_until) {
      return std::nullopt;
    }
    return it->second.value;
  }

  // Stores `value` for [valid_from, valid_until); an empty window stores nothing. At capacity
  // the cache starts over (a simple bound: the chips and roots a host sees are few).
  void put(const std::string& key, Value value, std::time_t valid_from, std::time_t valid_until) {
    if (valid_until <= valid_from || capacity_ == 0) return;
    std::lock_guard lock(mutex_);
    if (entries_.size() >= capacity_ && entries_.find(key) == entries_.end()) entries_.clear();
    entries_.insert_or_assign(key, Entry{std::move(value), valid_from, valid_until});
  }

  std::size_t size() const {
    std::lock_guard lock(mutex_);
    return entries_.size();
  }

  void clear() {
    std::lock_guard lock(mutex_);
    entries_.clear();
  }

 private:
  struct Entry {
    Value value;
    std::time_t valid_from;
    std::time_t valid_until;
  };
  std::size_t capacity_;
  mutable std::mutex mutex_;
  std::map<std::string, Entry> entries_;
};

}  // namespace cchost::vkit
