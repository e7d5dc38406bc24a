#pragma once
// Flood control for anything a peer can make us do over and over: log lines, audit entries
// and expensive handlers. Both classes are plain state machines over a caller-supplied clock
// (tested without sleeping) and are not thread-safe: use them on the io thread.
//
// - Throttle: per key, the first `burst` events of each `interval` are reported one by one;
//   the rest are only counted, and take_due() hands out one summary per key and interval
//   ("denied 495 more handshakes in the last 10s"). 500 bad handshakes then cost a handful of
//   log lines, not 495.
// - RateLimiter: per peer, a token bucket (`burst` requests at once, `per_second` after that).
//   A peer that runs dry is refused for a back-off that doubles with every block (from
//   `backoff_min` to `backoff_max`) and resets once its bucket has refilled.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace cchost::net {

using FloodClock = std::chrono::steady_clock;

class Throttle {
 public:
  struct Options {
    std::size_t burst = 3;
    std::chrono::milliseconds interval{10000};
    std::size_t max_keys = 4096;  // beyond: one shared "(other)" key, so memory stays bounded
  };
  struct Summary {
    std::string key;
    std::uint64_t suppressed = 0;   // events counted but not reported in the interval
    std::string last_detail;        // the latest of them
    std::chrono::milliseconds interval{0};
  };

  Throttle() : Throttle(Options{}) {}
  explicit Throttle(Options options) : options_(options) {}

  // True: report this event now. False: it was counted for the key's next summary.
  bool admit(const std::string& key, FloodClock::time_point now, const std::string& detail = {});
  // Summaries of every key whose interval has ended with suppressed events; their counts reset.
  std::vector<Summary> take_due(FloodClock::time_point now);
  // When the next summary falls due; nullopt when nothing is suppressed.
  std::optional<FloodClock::time_point> next_due() const;

 private:
  struct Window {
    FloodClock::time_point start;
    std::size_t reported = 0;
    std::uint64_t suppressed = 0;
    std::string last_detail;
  };
  Options options_;
  std::map<std::string, Window> windows_;
};

class RateLimiter {
 public:
  struct Options {
    double burst = 5;                                // requests a peer may make at once
    double per_second = 0.1;                         // sustained rate after that
    std::chrono::milliseconds backoff_min{5000};     // first block
    std::chrono::milliseconds backoff_max{300000};   // longest block
    std::size_t max_peers = 4096;
  };
  struct Decision {
    bool allowed = true;
    std::chrono::milliseconds retry_after{0};  // when refused: until the block ends
  };

  RateLimiter() : RateLimiter(Options{}) {}
  explicit RateLimiter(Options options) : options_(options) {}

  Decision check(const std::string& peer, FloodClock::time_point now);

 private:
  struct Bucket {
    double tokens = 0;
    FloodClock::time_point refilled;
    FloodClock::time_point blocked_until;
    std::chrono::milliseconds next_backoff{0};
  };
  Options options_;
  std::map<std::string, Bucket> buckets_;
};

}  // namespace cchost::net
