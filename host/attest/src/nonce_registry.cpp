#include "cchost/attest/nonce_registry.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "cchost/attest/binding.hpp"
#include "cchost/crypto/encoding.hpp"
#include "cchost/crypto/random.hpp"

namespace cchost::attest {

NonceRegistry::NonceRegistry(Options options) : options_(std::move(options)) {
  if (!options_.clock) {
    options_.clock = [] {
      return static_cast<std::int64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                           std::chrono::system_clock::now().time_since_epoch())
                                           .count());
    };
  }
}

Result<std::unique_ptr<NonceRegistry>> NonceRegistry::open(Options options) {
  if (options.capacity == 0) return make_error("nonce registry: capacity must be > 0");
  if (options.validity_seconds <= 0) return make_error("nonce registry: validity must be > 0");
  if (options.per_peer_capacity == 0) return make_error("nonce registry: per-peer capacity must be > 0");
  std::unique_ptr<NonceRegistry> registry(new NonceRegistry(std::move(options)));
  if (auto st = registry->load(); !st) return st.error();
  return registry;
}

std::int64_t NonceRegistry::now() const { return options_.clock(); }

// File format: one event per line, "I <hex> <expires_at> <peer>" (issued) or
// "U <hex> <expires_at> <peer>" (used). Expired events are dropped and the file is rewritten
// compactly on load, so it never grows past the capacity for long.
Status NonceRegistry::load() {
  if (!options_.file) return {};
  const auto& path = *options_.file;
  std::ifstream in(path);
  if (in) {
    std::string line;
    std::size_t lineno = 0;
    while (std::getline(in, line)) {
      ++lineno;
      std::istringstream fields(line);
      char kind = 0;
      std::string hex, peer;
      std::int64_t expires = 0;
      if (!(fields >> kind >> hex >> expires >> peer) || (kind != 'I' && kind != 'U') ||
          hex.size() != 2 * kNonceSize) {
        // A torn last line (crash mid-write) is expected; anything is safe to drop here because
        // a dropped "I" only makes a challenge fail, and a dropped "U" concerns a nonce that
        // then is no longer outstanding either (it is simply unknown).
        continue;
      }
      auto it = entries_.find(hex);
      if (it == entries_.end()) {
        order_.push_back(hex);
        per_peer_[peer] += 1;
      } else if (it->second.peer != peer) {
        continue;  // a "U" naming another peer than its "I": not ours to trust
      }
      entries_[hex] = Entry{peer, expires, kind == 'U', expires - options_.validity_seconds};
      if (per_peer_[peer] > options_.per_peer_capacity) evict_oldest_of(peer);
    }
  }
  evict_expired(now());
  evict_to_capacity();
  // Rewrite compactly (temp + rename: no partial file on crash).
  const auto tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    if (!out) return make_error("nonce registry: cannot write " + tmp);
    std::error_code mode_ec;  // owner only, like audit.log: it names peers and their challenges
    std::filesystem::permissions(tmp, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write, mode_ec);
    if (mode_ec) return make_error("nonce registry: cannot make " + tmp + " 0600: " + mode_ec.message());
    for (const auto& hex : order_) {
      const auto& e = entries_.at(hex);
      out << (e.used ? 'U' : 'I') << ' ' << hex << ' ' << e.expires_at << ' ' << e.peer << '\n';
    }
    out.flush();
    if (!out) return make_error("nonce registry: write failed for " + tmp);
  }
  std::error_code ec;
  // Private like audit.log (issue 9, defect 9): which peers were challenged when is nobody
  // else's business; ofstream would leave the umask's mode.
  std::filesystem::permissions(tmp, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
                               std::filesystem::perm_options::replace, ec);
  if (ec) return make_error("nonce registry: cannot restrict " + tmp + ": " + ec.message());
  std::filesystem::rename(tmp, path, ec);
  if (ec) return make_error("nonce registry: cannot replace " + path.string() + ": " + ec.message());
  return {};
}

Status NonceRegistry::append_event(char kind, const std::string& hex, const Entry& e) {
  if (!options_.file) return {};
  const std::string line = std::string(1, kind) + ' ' + hex + ' ' + std::to_string(e.expires_at) +
                           ' ' + e.peer + '\n';
  const int fd = ::open(options_.file->c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return make_error("nonce registry: cannot open " + options_.file->string());
  const ssize_t n = ::write(fd, line.data(), line.size());
  // A used nonce must be on disk before the decision that used it is acted on.
  const int sync_rc = ::fdatasync(fd);
  ::close(fd);
  if (n != static_cast<ssize_t>(line.size()) || sync_rc != 0)
    return make_error("nonce registry: write failed for " + options_.file->string());
  return {};
}

void NonceRegistry::forget(std::map<std::string, Entry>::iterator it) {
  auto count = per_peer_.find(it->second.peer);
  if (count != per_peer_.end() && --count->second == 0) per_peer_.erase(count);
  entries_.erase(it);
}

void NonceRegistry::evict_expired(std::int64_t t) {
  std::deque<std::string> kept;
  for (const auto& hex : order_) {
    auto it = entries_.find(hex);
    if (it == entries_.end()) continue;
    if (it->second.expires_at <= t) {
      forget(it);
    } else {
      kept.push_back(hex);
    }
  }
  order_.swap(kept);
}

bool NonceRegistry::evict_oldest_of(const std::string& peer) {
  for (const auto& hex : order_) {
    auto it = entries_.find(hex);
    if (it != entries_.end() && it->second.peer == peer) {
      forget(it);  // its hex stays in order_ until the next evict_expired pass skips it
      return true;
    }
  }
  return false;
}

// Full: the peer holding the most entries gives up its oldest. A peer within its fair share
// keeps its challenges however hard another floods (ties: the first such peer by name).
void NonceRegistry::evict_to_capacity() {
  while (entries_.size() > options_.capacity && !per_peer_.empty()) {
    auto heaviest = per_peer_.begin();
    for (auto it = per_peer_.begin(); it != per_peer_.end(); ++it)
      if (it->second > heaviest->second) heaviest = it;
    if (!evict_oldest_of(std::string(heaviest->first))) break;  // counts out of step: never spin
  }
}

Result<Bytes> NonceRegistry::issue(const std::string& peer) {
  if (peer.empty() || peer.find_first_of(" \n\t") != std::string::npos)
    return make_error("nonce registry: bad peer name '" + peer + "'");
  Bytes nonce = crypto::random_bytes(kNonceSize);
  const std::string hex = crypto::hex_encode(nonce);
  std::lock_guard lock(mu_);
  const auto t = now();
  evict_expired(t);
  Entry e{peer, t + options_.validity_seconds, false, t};
  if (auto st = append_event('I', hex, e); !st) return st.error();
  entries_[hex] = e;
  order_.push_back(hex);
  if (++per_peer_[peer] > options_.per_peer_capacity) evict_oldest_of(peer);
  evict_to_capacity();
  return nonce;
}

Status NonceRegistry::consume(ByteView nonce, const std::string& peer) {
  if (nonce.size() != kNonceSize)
    return make_error("nonce: expected " + std::to_string(kNonceSize) + " bytes, got " +
                      std::to_string(nonce.size()));
  const std::string hex = crypto::hex_encode(nonce);
  std::lock_guard lock(mu_);
  const auto t = now();
  auto it = entries_.find(hex);
  if (it == entries_.end())
    return make_error("nonce " + hex.substr(0, 16) + "… was not issued by this relying party (or has expired)");
  Entry& e = it->second;
  if (e.used) return make_error("nonce " + hex.substr(0, 16) + "… already used: replayed evidence");
  if (e.expires_at <= t) return make_error("nonce " + hex.substr(0, 16) + "… expired");
  if (e.peer != peer)
    return make_error("nonce " + hex.substr(0, 16) + "… was issued to '" + e.peer + "', not '" + peer + "'");
  Entry used = e;
  used.used = true;
  if (auto st = append_event('U', hex, used); !st) return st;
  e.used = true;
  return {};
}

std::optional<std::int64_t> NonceRegistry::issued_at(ByteView nonce) const {
  if (nonce.size() != kNonceSize) return std::nullopt;
  std::lock_guard lock(mu_);
  auto it = entries_.find(crypto::hex_encode(nonce));
  if (it == entries_.end()) return std::nullopt;
  return it->second.issued_at;
}

std::size_t NonceRegistry::held_by(const std::string& peer) const {
  std::lock_guard lock(mu_);
  auto it = per_peer_.find(peer);
  return it == per_peer_.end() ? 0 : it->second;
}

std::size_t NonceRegistry::outstanding() const {
  std::lock_guard lock(mu_);
  std::size_t n = 0;
  for (const auto& [hex, e] : entries_) n += e.used ? 0 : 1;
  return n;
}

}  // namespace cchost::attest
