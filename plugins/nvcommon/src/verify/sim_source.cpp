// The simulated board as an evidence source and the provisioning hook (see sim_source.hpp).
#include "verify/sim_source.hpp"

#include "sim/sim_board_source.hpp"
#include "sim/sim_nv_provision.hpp"

namespace cchost::nv {
namespace {

class SimSource : public EvidenceSource {
 public:
  explicit SimSource(sim::SimBoardSource board) : board_(std::move(board)) {}
  const char* name() const override { return "sim"; }
  Result<std::vector<EvidenceEntry>> collect(const std::array<std::uint8_t, kSpdmNonceSize>& nonce) override {
    auto json = board_.evidence_json(nonce);
    if (!json) return json.error();
    return parse_evidence_list(*json);
  }

 private:
  sim::SimBoardSource board_;
};

}  // namespace

Result<std::unique_ptr<EvidenceSource>> open_sim_source(const NvPluginConfig& config) {
  if (config.sim_ca_dir.empty()) return make_error("backend sim needs [sim] ca_dir (the kit's simulated devices)");
  auto board = sim::SimBoardSource::load(config.sim_ca_dir);
  if (!board) return make_error("sim: " + board.message());
  if (!config.sim_driver_version.empty()) board->report_driver_version(config.sim_driver_version);
  return std::unique_ptr<EvidenceSource>(std::make_unique<SimSource>(std::move(*board)));
}

sdk::Outcome provision_sim(DeviceClass device, const std::string& dir, std::string& out_json) {
  auto made = sim::provision_sim_nvidia(dir, device);
  if (!made) return sdk::Outcome::failure(CCHOST_E_INTERNAL, std::string(sim::sim_namespace(device)) + " sim: " + made.message());
  out_json = *made;
  return sdk::Outcome::success();
}

}  // namespace cchost::nv
