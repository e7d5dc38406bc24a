#pragma once
// What a server does with the signed audit head in a site's heartbeat: keep it only when the
// site's own audit key (listed in the server's kit) signed it, and write at most one per site per
// `min_interval`. Without the check a site could pin a head it never signed (a huge seq that
// blocks every later mark); without the interval every heartbeat would be an fsync'd write.
#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "cchost/audit/received_heads.hpp"
#include "cchost/crypto/public_key.hpp"
#include "cchost/result.hpp"

namespace cchost::audit {

class HeadReceiver {
 public:
  using Clock = std::chrono::steady_clock;
  enum class Outcome { kept, not_newer, too_soon };

  // `keys`: each site's audit public key. A site without one has its heads refused.
  HeadReceiver(std::filesystem::path dir, std::map<std::string, crypto::PublicKey> keys,
               std::chrono::milliseconds min_interval);

  // Not thread-safe: the server calls it on its io thread. An error names the site and what is
  // wrong (unknown site, malformed head, wrong key, bad signature, write failure).
  Result<Outcome> receive(const std::string& site, const nlohmann::json& value, Clock::time_point now);

 private:
  struct Mark {
    bool loaded = false;
    std::optional<std::uint64_t> seq;            // the highest seq kept so far
    std::optional<Clock::time_point> last_write;  // by this process
  };
  std::filesystem::path dir_;
  std::map<std::string, crypto::PublicKey> keys_;
  std::chrono::milliseconds min_interval_;
  std::map<std::string, Mark> marks_;
};

}  // namespace cchost::audit
