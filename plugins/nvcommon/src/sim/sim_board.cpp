// The simulated HGX board (sim_board.hpp).
#include "sim/sim_board.hpp"

#include <openssl/rand.h>

#include "cchost/crypto/hash.hpp"
#include "evidence/evidence_list.hpp"
#include "sim/spdm_writer.hpp"

namespace cchost::nv::sim {
namespace {

Digest384 golden_value(const std::string& hwmodel, const std::string& what, const std::string& version, std::size_t index) {
  const Bytes h = crypto::sha384(as_bytes("cchost SIMULATED NVIDIA golden measurement|" + hwmodel + "|" + what + "|" +
                                          version + "|" + std::to_string(index)));
  Digest384 out{};
  std::copy(h.begin(), h.end(), out.begin());
  return out;
}

Pdi derived_pdi(const SimBoardOptions& o, const char* what, std::size_t i) {
  const Bytes h = crypto::sha256(as_bytes("cchost SIMULATED NVIDIA PDI|" + o.board_seed + "|" + what + "|" + std::to_string(i)));
  Pdi out{};
  std::copy(h.begin(), h.begin() + 8, out.begin());
  return out;
}

Result<Fwid> random_fwid() {
  Fwid f{};
  if (RAND_bytes(f.data(), static_cast<int>(f.size())) != 1) return make_error("sim board: RAND_bytes failed for an FWID");
  return f;
}

}  // namespace

const std::vector<std::size_t>& sim_driver_indices() {
  static const std::vector<std::size_t> v = [] {
    std::vector<std::size_t> out = {7};
    for (std::size_t i = 21; i <= 40; ++i) out.push_back(i);
    return out;
  }();
  return v;
}

const std::vector<std::size_t>& sim_vbios_indices() {
  static const std::vector<std::size_t> v = {0, 1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12};
  return v;
}

std::vector<Digest384> sim_golden_measurements(DeviceClass device_class, const std::string& hwmodel,
                                               const std::string& driver_version, const std::string& firmware_version) {
  if (device_class == DeviceClass::nvswitch) {
    std::vector<Digest384> out(kSwitchBlocks);
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = golden_value(hwmodel, "bios", firmware_version, i);
    return out;
  }
  std::vector<Digest384> out(kGpuBlocks);  // indices no RIM covers stay zero, as unused blocks do
  for (std::size_t i : sim_driver_indices()) out[i] = golden_value(hwmodel, "driver", driver_version, i);
  for (std::size_t i : sim_vbios_indices()) out[i] = golden_value(hwmodel, "vbios", firmware_version, i);
  return out;
}

Pdi sim_gpu_pdi(const SimBoardOptions& options, std::size_t g) { return derived_pdi(options, "gpu", g); }
Pdi sim_switch_pdi(const SimBoardOptions& options, std::size_t s) { return derived_pdi(options, "switch", s); }

Result<std::vector<SimDeviceSpec>> sim_board_specs(const SimBoardOptions& o, DeviceClass device_class) {
  if (o.disabled_links > kGpuNvlinkSlots) {
    return make_error("sim board: disabled_links must be at most " + std::to_string(kGpuNvlinkSlots) + ", got " +
                      std::to_string(o.disabled_links));
  }
  if (o.switches > 0 && kGpuNvlinkSlots - o.disabled_links < o.switches) {
    return make_error("sim board: " + std::to_string(kGpuNvlinkSlots - o.disabled_links) +
                      " enabled NVLink slots cannot reach " + std::to_string(o.switches) + " switches");
  }
  std::vector<SimDeviceSpec> out;
  if (device_class == DeviceClass::gpu) {
    for (std::size_t g = 0; g < o.gpus; ++g) {
      SimDeviceSpec s;
      s.device_class = DeviceClass::gpu;
      s.hwmodel = o.gpu_hwmodel;
      s.driver_version = o.driver_version;
      s.vbios_version = o.gpu_vbios_version;
      s.measurements = sim_golden_measurements(DeviceClass::gpu, o.gpu_hwmodel, o.driver_version, o.gpu_vbios_version);
      s.protected_pcie_status = o.ppcie ? 0xaa : 0x55;
      s.feature_flag = o.ppcie ? 2 : 0;
      // Enabled slots go round-robin over the switches (each switch on several links, as on
      // the genuine PPCIE box); the last `disabled_links` slots are zero.
      if (o.switches > 0) {
        for (std::size_t slot = 0; slot < kGpuNvlinkSlots; ++slot) {
          s.switch_pdis.push_back(slot < kGpuNvlinkSlots - o.disabled_links ? sim_switch_pdi(o, (slot + g) % o.switches) : Pdi{});
        }
      }
      auto fwid = random_fwid();
      if (!fwid) return fwid.error();
      s.fwid = *fwid;
      out.push_back(std::move(s));
    }
    return out;
  }
  if (o.gpus != kSwitchGpuSlots) {
    return make_error("sim board: an LS10 switch reports " + std::to_string(kSwitchGpuSlots) + " GPU PDIs, the board has " +
                      std::to_string(o.gpus) + " GPUs");
  }
  for (std::size_t sw = 0; sw < o.switches; ++sw) {
    SimDeviceSpec s;
    s.device_class = DeviceClass::nvswitch;
    s.hwmodel = o.switch_hwmodel;
    s.vbios_version = o.switch_bios_version;
    s.measurements = sim_golden_measurements(DeviceClass::nvswitch, o.switch_hwmodel, "", o.switch_bios_version);
    s.device_pdi = sim_switch_pdi(o, sw);
    s.position_id = static_cast<std::uint16_t>(sw);
    // Each switch lists the GPUs in its own port order (rotated per switch, as genuine lists differ).
    for (std::size_t k = 0; k < kSwitchGpuSlots; ++k) s.gpu_pdis.push_back(sim_gpu_pdi(o, (k + sw) % kSwitchGpuSlots));
    s.gpu_pdi_ports.assign(kSwitchPortEntries, 0xff);
    for (std::size_t p = 0; p < 2 * kSwitchGpuSlots; ++p) s.gpu_pdi_ports[p] = static_cast<std::uint8_t>(p / 2);
    auto fwid = random_fwid();
    if (!fwid) return fwid.error();
    s.fwid = *fwid;
    out.push_back(std::move(s));
  }
  return out;
}

Result<SimBoard> make_sim_board(const SimDevicePki& pki, const SimBoardOptions& options) {
  SimBoard board;
  for (auto [device_class, list] : {std::pair{DeviceClass::gpu, &board.gpus}, std::pair{DeviceClass::nvswitch, &board.switches}}) {
    auto specs = sim_board_specs(options, device_class);
    if (!specs) return specs.error();
    for (std::size_t i = 0; i < specs->size(); ++i) {
      auto& spec = (*specs)[i];
      const Pdi own = device_class == DeviceClass::gpu ? sim_gpu_pdi(options, i) : spec.device_pdi;
      auto cert = issue_sim_device(pki, device_class, spec.hwmodel, spec.fwid, own);
      if (!cert) return cert.error();
      list->push_back(SimDevice{std::move(spec), std::move(cert->leaf.key), std::move(cert->chain_pem)});
    }
  }
  return board;
}

Result<std::string> sim_evidence_list(const std::vector<SimDevice>& devices, ByteView nonce) {
  std::vector<EvidenceEntry> entries;
  for (std::size_t i = 0; i < devices.size(); ++i) {
    const SimDevice& d = devices[i];
    if (d.spec.device_class != devices.front().spec.device_class) {
      return make_error("sim board: device " + std::to_string(i) + " is of another class than device 0; one list per class");
    }
    auto report = write_spdm_report(d.spec, nonce, d.leaf_key.get());
    if (!report) return make_error("sim board: device " + std::to_string(i) + ": " + report.message());
    EvidenceEntry e;
    e.arch = d.spec.device_class == DeviceClass::gpu ? "HOPPER" : "LS10";
    e.nonce = Bytes(nonce.begin(), nonce.end());
    e.report = std::move(*report);
    e.certificate_pem = d.chain_pem;
    entries.push_back(std::move(e));
  }
  return write_evidence_list(entries);
}

}  // namespace cchost::nv::sim
