// Reloading provisioned simulated devices (sim_board_source.hpp).
#include "sim/sim_board_source.hpp"

#include <cctype>

#include <nlohmann/json.hpp>

#include "cchost/verify/key_files.hpp"
#include "sim/sim_nv_provision.hpp"

namespace cchost::nv::sim {
namespace {

constexpr std::size_t kMaxSpecBytes = 64 * 1024;
constexpr std::size_t kMaxChainBytes = 0x1400;  // NVML's attestationCertChain buffer
constexpr std::size_t kMaxDevices = 64;

bool plain_name(const std::string& n) {
  if (n.empty() || n.size() > 64 || n[0] == '.') return false;
  for (char c : n) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-')) return false;
  }
  return true;
}

std::string text_of(const Bytes& b) { return std::string(b.begin(), b.end()); }

}  // namespace

Result<SimBoardSource> SimBoardSource::load(const std::filesystem::path& dir) {
  auto index = vkit::read_small_file(dir / kSimDevicesFile, kMaxSpecBytes);
  if (!index) return make_error("sim NVIDIA devices: " + index.message());
  const auto names = nlohmann::json::parse(text_of(*index), nullptr, /*allow_exceptions=*/false);
  if (names.is_discarded() || !names.is_array() || names.empty() || names.size() > kMaxDevices) {
    return make_error("sim NVIDIA devices: " + (dir / kSimDevicesFile).string() + " must be a JSON array of 1.." +
                      std::to_string(kMaxDevices) + " device names");
  }
  SimBoardSource source;
  for (const auto& n : names) {
    if (!n.is_string() || !plain_name(n.get<std::string>())) {
      return make_error("sim NVIDIA devices: device name " + n.dump() + " is not a plain name ([A-Za-z0-9_-], 1..64)");
    }
    const std::string name = n.get<std::string>();
    auto key = vkit::load_private_key_file(dir / (name + ".key"));
    if (!key) return make_error("sim NVIDIA device " + name + ": " + key.message());
    auto chain = vkit::read_small_file(dir / (name + "_chain.pem"), kMaxChainBytes);
    if (!chain) return make_error("sim NVIDIA device " + name + ": " + chain.message());
    auto spec_text = vkit::read_small_file(dir / (name + ".json"), kMaxSpecBytes);
    if (!spec_text) return make_error("sim NVIDIA device " + name + ": " + spec_text.message());
    auto spec = spec_from_json(text_of(*spec_text));
    if (!spec) return make_error("sim NVIDIA device " + name + ": " + spec.message());
    if (!source.devices_.empty() && spec->device_class != source.devices_.front().spec.device_class) {
      return make_error("sim NVIDIA device " + name + ": its class differs from the first device's; one class per folder");
    }
    source.devices_.push_back(SimDevice{std::move(*spec), std::move(*key), text_of(*chain)});
  }
  return source;
}

Result<std::string> SimBoardSource::evidence_json(ByteView nonce) const { return sim_evidence_list(devices_, nonce); }

void SimBoardSource::report_driver_version(const std::string& driver_version) {
  for (auto& d : devices_) {
    if (d.spec.device_class == DeviceClass::gpu) d.spec.driver_version = driver_version;
  }
}

}  // namespace cchost::nv::sim
