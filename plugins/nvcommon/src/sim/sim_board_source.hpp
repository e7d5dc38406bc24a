#pragma once
// The sim evidence backend's prover side: reloads the devices provisioning wrote into a
// secret/ folder (a kit's sim/<ns>/, sim_nv_provision.hpp) and produces NVIDIA's evidence list
// of freshly signed reports for each nonce, as NVML / NSCQ collection would.
#include <filesystem>
#include <string>
#include <vector>

#include "cchost/bytes.hpp"
#include "cchost/result.hpp"
#include "sim/sim_board.hpp"

namespace cchost::nv::sim {

class SimBoardSource {
 public:
  // Reads devices.json, then per device <name>.key (refused when group/world-readable),
  // <name>_chain.pem and <name>.json. All devices must be of one class.
  static Result<SimBoardSource> load(const std::filesystem::path& secret_dir);

  // The evidence-list JSON for `nonce` (32 bytes): one entry per device, reports signed now.
  Result<std::string> evidence_json(ByteView nonce) const;

  const std::vector<SimDevice>& devices() const { return devices_; }

  // Test hook: every GPU of the board reports `driver_version` from now on (a site running an
  // older driver than its peers require). The RIMs provisioned for the board then no longer
  // match its reports, as on a real host after a driver change.
  void report_driver_version(const std::string& driver_version);

 private:
  std::vector<SimDevice> devices_;
};

}  // namespace cchost::nv::sim
