#pragma once
// A simulated MAA instance: what sim_provision() creates and what the simulated sidecar signs
// with. Its tokens have the shape of a genuine ACI token (NOTES §3) and verify only where a
// relying party pinned its JWKS as sim_maa.<host>.jwks.json, which marks them simulated.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "cchost/bytes.hpp"
#include "cchost/result.hpp"
#include "sim/maa_signer.hpp"

namespace cchost::aci::sim {

inline constexpr const char* kSimMaaHost = "sim-maa.cchost.invalid";
inline constexpr const char* kSimKeyFile = "maa_key.pem";
inline constexpr const char* kSimJwksFile = "sim_maa.sim-maa.cchost.invalid.jwks.json";

// What the simulated guest reports; the defaults pass policies/aci.toml except for `simulated`.
struct SimGuest {
  Bytes host_data;                 // 32 bytes; default SHA-256 of kSimCcePolicy
  bool debuggable = false;
  std::int64_t uvm_svn = 101;
};
inline constexpr const char* kSimCcePolicy = "package policy\n# cchost simulated CCE policy\n";

// Writes `dir`/maa_key.pem (RSA-2048, mode 0600) and `dir`/sim_maa.<host>.jwks.json. Refuses to
// overwrite.
Status create_sim_maa(const std::filesystem::path& dir);

class SimMaa {
 public:
  static Result<SimMaa> load(const std::filesystem::path& ca_dir);
  // A token for `runtime_data` (the caller's bytes, which must be a JSON object), issued at `now`.
  Result<std::string> issue(std::string_view runtime_data, std::int64_t now, const SimGuest& guest) const;

 private:
  explicit SimMaa(MaaSigner key) : key_(std::move(key)) {}
  MaaSigner key_;
};

}  // namespace cchost::aci::sim
