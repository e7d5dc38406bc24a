#pragma once
// Single-use challenge nonces chosen by the relying party (never by the prover: NVFlare's
// prover-chosen nonces gave no freshness). A nonce is outstanding from issue() until the
// first consume(), which succeeds once; a second consume (a replayed bundle) fails.
//
// The registry is bounded twice: per peer (a peer past its quota loses its own oldest entry)
// and in all (when full, the peer holding the most entries loses its oldest). A peer that
// floods requests which each draw a nonce (register) therefore only ever evicts its own
// challenges, never another peer's outstanding one (issue 9, defect 7).
//
// When given a file, it persists issue/consume events so that a restarted relying party still
// honours challenges it sent before the restart and still refuses nonces already used, for the
// validity window.
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
    std::size_t per_peer_capacity = 256;         // entries one peer may hold; its oldest go first
  };

  static Result<std::unique_ptr<NonceRegistry>> open(Options options);

  // A fresh 32-byte nonce for `peer` (the participant expected to answer it).
  Result<Bytes> issue(const std::string& peer);
  // Accepts `nonce` once, only from `peer`, only within the validity window.
  Status consume(ByteView nonce, const std::string& peer);

  // When `nonce` was issued (seconds since the epoch), while the registry still knows it,
  // outstanding or used: the relying party's own challenge time, from which evidence age is
  // measured (never from the prover's unsigned issued_at).
  std::optional<std::int64_t> issued_at(ByteView nonce) const;

  std::size_t outstanding() const;
  std::size_t held_by(const std::string& peer) const;  // entries (outstanding + used) of `peer`

 private:
  struct Entry {
    std::string peer;
    std::int64_t expires_at = 0;
    bool used = false;
    std::int64_t issued_at = 0;  // expires_at - validity (the log keeps only expires_at)
  };
  explicit NonceRegistry(Options options);
  Status load();
  Status append_event(char kind, const std::string& hex, const Entry& e);
  void evict_expired(std::int64_t now);
  void evict_to_capacity();
  bool evict_oldest_of(const std::string& peer);
  void forget(std::map<std::string, Entry>::iterator it);
  std::int64_t now() const;

  Options options_;
  mutable std::mutex mu_;
  std::map<std::string, Entry> entries_;  // key: nonce hex
  std::deque<std::string> order_;         // insertion order, for bounded eviction (may hold
                                          // hexes already forgotten; skipped when met)
  std::map<std::string, std::size_t> per_peer_;  // peer -> entries it holds
};

}  // namespace cchost::attest
