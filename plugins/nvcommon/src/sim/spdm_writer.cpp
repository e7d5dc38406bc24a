// The simulated device's SPDM GET_MEASUREMENTS report (spdm_writer.hpp). Field order, fixed
// widths and values follow the genuine captures (gpu/atsdk_hopper_580.159.03,
// switch/atsdk_ls10_96.10.55.00.01, topology/ppcie_8gpu_4switch): the ASCII SKU fields are
// NUL-padded to the widths firmware uses, and constant TLVs (GPU_INFO, CPRINFO) carry the
// values seen there.
#include "sim/spdm_writer.hpp"

#include <algorithm>

#include <openssl/rand.h>

#include "cchost/verify/test_ca.hpp"

namespace cchost::nv::sim {
namespace {

void put_u16(Bytes& out, std::uint64_t v) {
  out.push_back(static_cast<std::uint8_t>(v));
  out.push_back(static_cast<std::uint8_t>(v >> 8));
}

void put_u24(Bytes& out, std::uint64_t v) {
  put_u16(out, v);
  out.push_back(static_cast<std::uint8_t>(v >> 16));
}

Bytes le(std::uint64_t v, std::size_t n) {
  Bytes out;
  for (std::size_t i = 0; i < n; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  return out;
}

// ASCII, NUL-terminated and NUL-padded to at least `width` bytes.
Bytes ascii_z(const std::string& text, std::size_t width) {
  Bytes out(text.begin(), text.end());
  out.resize(std::max(width, text.size() + 1), 0);
  return out;
}

template <std::size_t N>
Bytes pdi_list(const std::vector<std::array<std::uint8_t, N>>& pdis, bool reversed) {
  Bytes out;
  for (const auto& p : pdis) {
    if (reversed) {
      out.insert(out.end(), p.rbegin(), p.rend());
    } else {
      out.insert(out.end(), p.begin(), p.end());
    }
  }
  return out;
}

class TlvWriter {
 public:
  Status add(std::uint16_t type, ByteView value) {
    if (value.size() > 0xffff) {
      return make_error("sim SPDM: opaque TLV " + std::to_string(type) + " value is " + std::to_string(value.size()) +
                        " bytes, at most 65535 fit");
    }
    put_u16(out_, type);
    put_u16(out_, value.size());
    out_.insert(out_.end(), value.begin(), value.end());
    return {};
  }
  Bytes take() { return std::move(out_); }

 private:
  Bytes out_;
};

Bytes msrscnt(const SimDeviceSpec& spec) {
  Bytes out;
  if (spec.msrscnt.empty()) {
    for (std::size_t i = 0; i < spec.measurements.size(); ++i) out.push_back(1), out.push_back(0), out.push_back(0), out.push_back(0);
  } else {
    for (auto c : spec.msrscnt) {
      Bytes v = le(c, 4);
      out.insert(out.end(), v.begin(), v.end());
    }
  }
  return out;
}

Result<Bytes> gpu_opaque(const SimDeviceSpec& s) {
  auto vbios = pack_gpu_vbios_version(s.vbios_version);
  if (!vbios) return vbios.error();
  const std::vector<std::pair<std::uint16_t, Bytes>> tlvs = {
      {kVbiosVersion, *vbios},
      {kBoardId, le(s.board_id, 4)},
      {kChipSku, ascii_z(s.chip_sku, 9)},
      {kChipSkuMod, ascii_z(s.chip_sku_mod, 5)},
      {kProject, ascii_z(s.project, 5)},
      {kProjectSku, ascii_z(s.project_sku, 5)},
      {kProjectSkuMod, ascii_z(s.project_sku_mod, 2)},
      {kDriverVersion, ascii_z(s.driver_version, 0)},
      {kGpuInfo, {0x80, 0x01, 0, 0, 0, 0, 0, 0}},
      {kMsrsCount, msrscnt(s)},
      {kCprInfo, {0x00, 0xc0, 0x01, 0x00}},
      {kNvdec0Status, {s.nvdec0_status}},
      {kFwid, Bytes(s.fwid.begin(), s.fwid.end())},
      {kProtectedPcieStatus, {s.protected_pcie_status}},
  };
  TlvWriter w;
  for (const auto& [type, value] : tlvs) {
    if (auto st = w.add(type, value); !st) return st.error();
  }
  // Single-GPU captures carry no SWITCH_PDI; an NVLink-connected GPU lists every slot.
  if (!s.switch_pdis.empty()) {
    if (auto st = w.add(kSwitchPdi, pdi_list(s.switch_pdis, /*reversed=*/true)); !st) return st.error();
  }
  if (auto st = w.add(kOpaqueDataVersion, le(s.opaque_data_version, 2)); !st) return st.error();
  if (auto st = w.add(kFeatureFlag, le(s.feature_flag, 2)); !st) return st.error();
  for (const auto& [type, value] : s.extra_opaque) {
    if (auto st = w.add(type, value); !st) return st.error();
  }
  return w.take();
}

Result<Bytes> switch_opaque(const SimDeviceSpec& s) {
  if (s.gpu_pdis.size() != kSwitchGpuSlots) {
    return make_error("sim SPDM: an LS10 switch lists " + std::to_string(kSwitchGpuSlots) + " GPU PDIs, the spec has " +
                      std::to_string(s.gpu_pdis.size()));
  }
  if (s.gpu_pdi_ports.size() != kSwitchPortEntries) {
    return make_error("sim SPDM: an LS10 switch has " + std::to_string(kSwitchPortEntries) +
                      " GPU port entries, the spec has " + std::to_string(s.gpu_pdi_ports.size()));
  }
  Bytes gpu_pdis = pdi_list(s.gpu_pdis, /*reversed=*/false);
  gpu_pdis.insert(gpu_pdis.end(), s.gpu_pdi_ports.begin(), s.gpu_pdi_ports.end());
  const std::vector<std::pair<std::uint16_t, Bytes>> tlvs = {
      {kVbiosVersion, Bytes(s.vbios_version.begin(), s.vbios_version.end())},
      {kDevicePdi, Bytes(s.device_pdi.begin(), s.device_pdi.end())},
      {kMsrsCount, msrscnt(s)},
      {kSwitchGpuPdis, gpu_pdis},
      {kDisabledPorts, le(s.disabled_ports, 2)},
      {kSwitchPositionId, le(s.position_id, 2)},
      {kSwitchLockStatus, le(s.lock_status, 2)},
  };
  TlvWriter w;
  for (const auto& [type, value] : tlvs) {
    if (auto st = w.add(type, value); !st) return st.error();
  }
  for (const auto& [type, value] : s.extra_opaque) {
    if (auto st = w.add(type, value); !st) return st.error();
  }
  return w.take();
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

Result<Bytes> pack_gpu_vbios_version(std::string_view version) {
  // Five dot-separated two-digit hex fields: 14 characters.
  const auto bad = [&] {
    return make_error("sim SPDM: GPU VBIOS version must look like \"96.00.74.00.20\" (5 hex pairs), got \"" +
                      std::string(version) + "\"");
  };
  if (version.size() != 14) return bad();
  std::array<std::uint8_t, 5> f{};
  for (std::size_t i = 0; i < 5; ++i) {
    const std::size_t at = i * 3;
    if (i < 4 && version[at + 2] != '.') return bad();
    const int hi = hex_digit(version[at]), lo = hex_digit(version[at + 1]);
    if (hi < 0 || lo < 0) return bad();
    f[i] = static_cast<std::uint8_t>(hi * 16 + lo);
  }
  // NOTES §1.1: h = hex(reverse(raw)); text = h[8:16] + h[6:8]. So reverse(raw) =
  // 00 00 00 EE AA BB CC DD, i.e. raw = DD CC BB AA EE 00 00 00.
  return Bytes{f[3], f[2], f[1], f[0], f[4], 0, 0, 0};
}

Result<Bytes> write_opaque_data(const SimDeviceSpec& spec) {
  return spec.device_class == DeviceClass::gpu ? gpu_opaque(spec) : switch_opaque(spec);
}

Result<Bytes> write_spdm_report(const SimDeviceSpec& spec, ByteView nonce, EVP_PKEY* leaf_key) {
  if (nonce.size() != kSpdmNonceSize) {
    return make_error("sim SPDM: nonce must be 32 bytes, got " + std::to_string(nonce.size()));
  }
  const std::size_t blocks = spec.measurements.size();
  if (blocks == 0 || blocks > 0xff) {
    return make_error("sim SPDM: NumberOfBlocks must be 1..255, the spec has " + std::to_string(blocks));
  }
  auto opaque = write_opaque_data(spec);
  if (!opaque) return opaque.error();
  if (opaque->empty() || opaque->size() > 0xffff) {
    return make_error("sim SPDM: opaque data must be 1..65535 bytes, got " + std::to_string(opaque->size()));
  }
  Bytes r = {0x11, 0xe0, 0x01, 0xff};  // SPDM 1.1 GET_MEASUREMENTS, signature requested, all blocks
  r.insert(r.end(), nonce.begin(), nonce.end());
  r.push_back(0x00);  // SlotIDParam
  r.insert(r.end(), {0x11, 0x60, 0x00, 0x00, static_cast<std::uint8_t>(blocks)});
  put_u24(r, blocks * kSpdmBlockSize);
  for (std::size_t i = 0; i < blocks; ++i) {
    r.push_back(static_cast<std::uint8_t>(i + 1));  // Index, 1-based
    r.push_back(0x01);                              // MeasurementSpecification: DMTF
    put_u16(r, 3 + 48);                             // MeasurementSize
    r.push_back(0x01);                              // DMTFSpecMeasurementValueType
    put_u16(r, 48);                                 // DMTFSpecMeasurementValueSize
    r.insert(r.end(), spec.measurements[i].begin(), spec.measurements[i].end());
  }
  std::array<std::uint8_t, kSpdmNonceSize> responder_nonce{};
  if (RAND_bytes(responder_nonce.data(), static_cast<int>(responder_nonce.size())) != 1) {
    return make_error("sim SPDM: RAND_bytes failed for the responder nonce");
  }
  r.insert(r.end(), responder_nonce.begin(), responder_nonce.end());
  put_u16(r, opaque->size());
  r.insert(r.end(), opaque->begin(), opaque->end());
  auto signature = vkit::sign_ecdsa_rs(leaf_key, r, 48);
  if (!signature) return signature.error();
  r.insert(r.end(), signature->begin(), signature->end());
  return r;
}

}  // namespace cchost::nv::sim
