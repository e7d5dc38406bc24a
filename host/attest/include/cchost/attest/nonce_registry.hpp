#pragma once
// Single-use challenge nonces chosen by the relying party (never by the prover: NVFlare's
// prover-chosen nonces gave no freshness). A nonce is outstanding from issue() until the
// first consume(), which succeeds once; a second consume (a replayed bundle) fails.
//
// The registry is bounded (oldest outstanding nonce evicted first) and, when given a file,
// persists issue/consume events so that a restarted relying party still honours challenges
// it sent before the restart and still refuses nonces already used, for the validity window.
#include <chrono>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "cchost/bytes.hpp"
#include "cchost/result.hpp"

namespace cchost::attest {

class NonceRegistry {
 public:
  using Clock = std::function<std::int64_t()>;  // seconds since the epoch

  struct Options {
    std::size_t capacity = 4096;                 // outstanding + remembered-used entries
    std::int64_t validity_seconds = 300;         // a nonce older than this is refused
    std::optional<std::filesystem::path> file;   // persistence; none = memory only
    Clock clock;                                 // default: system clock
  };

  static Result<std::unique_ptr<NonceRegistry>> open(Options options);

  // A fresh 32-byte nonce for `peer` (the participant expected to answer it).
  Result<Bytes> issue(const std::string& peer);
  // Accepts `nonce` once, only from `peer`, only within the validity window.
  Status consume(ByteView nonce, const std::string& peer);

  std::size_t outstanding() const;

 private:
  struct Entry {
    std::string peer;
    std::int64_t expires_at = 0;
    bool used = false;
  };
  explicit NonceRegistry(Options options);
  Status load();
  Status append_event(char kind, const std::string& hex, const Entry& e);
  void evict_expired(std::int64_t now);
  void evict_to_capacity();
  std::int64_t now() const;

  Options options_;
  mutable std::mutex mu_;
  std::map<std::string, Entry> entries_;  // key: nonce hex
  std::deque<std::string> order_;         // insertion order, for bounded eviction
};

}  // namespace cchost::attest
