#include "cchost/net/flood_control.hpp"

#include <algorithm>

namespace cchost::net {

bool Throttle::admit(const std::string& key, FloodClock::time_point now, const std::string& detail) {
  const std::string& slot = windows_.size() >= options_.max_keys && !windows_.count(key) ? "(other)" : key;
  auto [it, fresh] = windows_.try_emplace(slot);
  Window& w = it->second;
  // A new interval starts with the first event after the last one ended, and only once its
  // summary has been taken (take_due); an unsummarised window keeps counting.
  if (fresh || (now - w.start >= options_.interval && w.suppressed == 0)) {
    w.start = now;
    w.reported = 0;
  }
  if (w.reported < options_.burst && w.suppressed == 0) {
    ++w.reported;
    return true;
  }
  ++w.suppressed;
  w.last_detail = detail;
  return false;
}

std::vector<Throttle::Summary> Throttle::take_due(FloodClock::time_point now) {
  std::vector<Summary> out;
  for (auto it = windows_.begin(); it != windows_.end();) {
    Window& w = it->second;
    if (now - w.start < options_.interval) {
      ++it;
      continue;
    }
    if (w.suppressed > 0) {
      out.push_back({it->first, w.suppressed, w.last_detail,
                     std::chrono::duration_cast<std::chrono::milliseconds>(now - w.start)});
      // The flood may go on: the next interval starts now, already throttled (no new burst
      // of single lines every interval while it lasts).
      w.start = now;
      w.reported = options_.burst;
      w.suppressed = 0;
      ++it;
    } else {
      it = windows_.erase(it);  // quiet for a whole interval: forget it
    }
  }
  return out;
}

std::optional<FloodClock::time_point> Throttle::next_due() const {
  std::optional<FloodClock::time_point> due;
  for (const auto& [key, w] : windows_)
    if (w.suppressed > 0 && (!due || w.start + options_.interval < *due)) due = w.start + options_.interval;
  return due;
}

RateLimiter::Decision RateLimiter::check(const std::string& peer, FloodClock::time_point now) {
  if (buckets_.size() >= options_.max_peers && !buckets_.count(peer)) {
    // Full of peers that are all still refilling: drop those that have refilled completely.
    std::erase_if(buckets_, [&](const auto& kv) {
      const double secs = std::chrono::duration<double>(now - kv.second.refilled).count();
      return kv.second.tokens + secs * options_.per_second >= options_.burst && now >= kv.second.blocked_until;
    });
  }
  auto [it, fresh] = buckets_.try_emplace(peer);
  Bucket& b = it->second;
  if (fresh) {
    b.tokens = options_.burst;
    b.refilled = now;
    b.next_backoff = options_.backoff_min;
  }
  if (now < b.blocked_until)
    return {false, std::chrono::duration_cast<std::chrono::milliseconds>(b.blocked_until - now)};
  const double secs = std::chrono::duration<double>(now - b.refilled).count();
  b.tokens = std::min(options_.burst, b.tokens + secs * options_.per_second);
  b.refilled = now;
  if (b.tokens >= options_.burst) b.next_backoff = options_.backoff_min;  // behaved: forgive
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return {true, {}};
  }
  const auto block = b.next_backoff;
  b.blocked_until = now + block;
  b.next_backoff = std::min(options_.backoff_max, block * 2);
  return {false, block};
}

}  // namespace cchost::net
