// Decoding the opaque-data TLVs of an NVIDIA MEASUREMENTS response (see opaque_data.hpp).
#include "spdm/opaque_data.hpp"

#include <algorithm>
#include <set>

namespace cchost::nv {
namespace {

constexpr std::uint16_t kMaxGpuType = 36;
constexpr std::uint16_t kMaxSwitchType = 27;
constexpr std::size_t kFwidSize = 48;
constexpr std::size_t kSwitchGpuPdiCount = 8;

const char* device_name(DeviceClass d) { return d == DeviceClass::gpu ? "GPU" : "NVSwitch"; }

// ASCII text up to the first NUL (vendors pad with NULs); a non-printable byte is refused.
Result<std::string> ascii(const Bytes& value, std::uint16_t type) {
  std::string out;
  for (std::uint8_t c : value) {
    if (c == 0) break;
    if (c < 0x20 || c > 0x7E) {
      return make_error("opaque data type " + std::to_string(type) + ": byte " + std::to_string(c) +
                        " is not printable ASCII");
    }
    out.push_back(static_cast<char>(c));
  }
  return out;
}

Result<std::uint64_t> uint_le(const Bytes& value, std::uint16_t type) {
  if (value.empty() || value.size() > 8) {
    return make_error("opaque data type " + std::to_string(type) + ": an unsigned integer of 1..8 bytes expected, got " +
                      std::to_string(value.size()));
  }
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < value.size(); ++i) v |= static_cast<std::uint64_t>(value[i]) << (8 * i);
  return v;
}

Result<std::uint8_t> one_byte(const Bytes& value, std::uint16_t type) {
  if (value.size() != 1) {
    return make_error("opaque data type " + std::to_string(type) + ": 1 byte expected, got " + std::to_string(value.size()));
  }
  return value[0];
}

bool all_zero(const Pdi& p) {
  return std::all_of(p.begin(), p.end(), [](std::uint8_t b) { return b == 0; });
}

std::vector<Pdi> pdis(const Bytes& value, std::size_t count, bool reversed) {
  std::vector<Pdi> out;
  for (std::size_t i = 0; i < count; ++i) {
    Pdi p{};
    std::copy_n(value.begin() + static_cast<std::ptrdiff_t>(8 * i), 8, p.begin());
    if (reversed) std::reverse(p.begin(), p.end());
    if (!all_zero(p)) out.push_back(p);
  }
  return out;
}

// Fills the decoded views from the raw entries.
Status decode(OpaqueData& d) {
  auto text = [&](std::uint16_t type, std::optional<std::string>& out) -> Status {
    auto it = d.raw.find(type);
    if (it == d.raw.end()) return {};
    auto s = ascii(it->second, type);
    if (!s) return s.error();
    out = *s;
    return {};
  };
  if (auto s = text(opaque_type::driver_version, d.driver_version); !s) return s;
  for (auto [type, field] : {std::pair{opaque_type::chip_sku, &d.chip_sku}, std::pair{opaque_type::chip_sku_mod, &d.chip_sku_mod},
                             std::pair{opaque_type::project, &d.project}, std::pair{opaque_type::project_sku, &d.project_sku},
                             std::pair{opaque_type::project_sku_mod, &d.project_sku_mod}}) {
    if (auto s = text(type, *field); !s) return s;
  }
  if (auto it = d.raw.find(opaque_type::vbios_version); it != d.raw.end()) {
    if (d.device == DeviceClass::gpu) {
      if (it->second.size() != 8) {
        return make_error("opaque data VBIOS_VERSION: 8 packed bytes expected, got " + std::to_string(it->second.size()));
      }
      d.vbios_version = format_packed_vbios(it->second);
    } else {
      if (auto s = text(opaque_type::vbios_version, d.vbios_version); !s) return s;
    }
  }
  if (auto it = d.raw.find(opaque_type::nvdec0_status); it != d.raw.end()) {
    auto v = one_byte(it->second, opaque_type::nvdec0_status);
    if (!v) return v.error();
    d.nvdec0_status = *v;
  }
  if (auto it = d.raw.find(opaque_type::protected_pcie_status); it != d.raw.end()) {
    auto v = one_byte(it->second, opaque_type::protected_pcie_status);
    if (!v) return v.error();
    d.protected_pcie_status = *v;
  }
  if (auto it = d.raw.find(opaque_type::fwid); it != d.raw.end()) {
    if (it->second.size() != kFwidSize) {
      return make_error("opaque data FWID: " + std::to_string(kFwidSize) + " bytes expected, got " + std::to_string(it->second.size()));
    }
    d.fwid = it->second;
  }
  if (d.device == DeviceClass::gpu) {
    if (auto s = text(opaque_type::chip_info, d.chip_info); !s) return s;
    if (auto it = d.raw.find(opaque_type::opaque_data_version); it != d.raw.end()) {
      auto v = uint_le(it->second, opaque_type::opaque_data_version);
      if (!v) return v.error();
      d.opaque_data_version = *v;
    }
    if (auto it = d.raw.find(opaque_type::feature_flag); it != d.raw.end() && d.opaque_data_version >= 1) {
      auto v = uint_le(it->second, opaque_type::feature_flag);
      if (!v) return v.error();
      d.feature_flag = *v;
    }
    if (auto it = d.raw.find(opaque_type::pdi); it != d.raw.end()) {
      if (it->second.size() % 8 != 0) {
        return make_error("opaque data SWITCH_PDI: a multiple of 8 bytes expected, got " + std::to_string(it->second.size()));
      }
      d.switch_pdis = pdis(it->second, it->second.size() / 8, /*reversed=*/true);
    }
  } else {
    if (auto it = d.raw.find(opaque_type::pdi); it != d.raw.end()) {
      if (it->second.size() != 8) return make_error("opaque data DEVICE_PDI: 8 bytes expected, got " + std::to_string(it->second.size()));
      Pdi p{};
      std::copy_n(it->second.begin(), 8, p.begin());
      d.device_pdi = p;
    }
    if (auto it = d.raw.find(opaque_type::switch_gpu_pdis); it != d.raw.end()) {
      if (it->second.size() < 8 * kSwitchGpuPdiCount) {
        return make_error("opaque data SWITCH_GPU_PDIS: at least " + std::to_string(8 * kSwitchGpuPdiCount) + " bytes expected, got " +
                          std::to_string(it->second.size()));
      }
      d.gpu_pdis = pdis(it->second, kSwitchGpuPdiCount, /*reversed=*/false);
    }
    if (auto it = d.raw.find(opaque_type::switch_position_id); it != d.raw.end()) {
      if (it->second.size() != 2) return make_error("opaque data SWITCH_POSITION_ID: 2 bytes expected, got " + std::to_string(it->second.size()));
      d.switch_position_id = static_cast<std::uint16_t>(it->second[0] | (it->second[1] << 8));
    }
  }
  return {};
}

}  // namespace

Result<OpaqueData> parse_opaque_data(ByteView opaque, DeviceClass device) {
  OpaqueData d;
  d.device = device;
  const std::uint16_t max_type = device == DeviceClass::gpu ? kMaxGpuType : kMaxSwitchType;
  std::size_t pos = 0;
  while (pos < opaque.size()) {
    if (opaque.size() - pos < 4) {
      return make_error("opaque data: a TLV header at offset " + std::to_string(pos) + " needs 4 bytes, " +
                        std::to_string(opaque.size() - pos) + " left");
    }
    const std::uint16_t type = static_cast<std::uint16_t>(opaque[pos] | (opaque[pos + 1] << 8));
    const std::size_t length = static_cast<std::size_t>(opaque[pos + 2] | (opaque[pos + 3] << 8));
    pos += 4;
    if (type == 0 || type > max_type) {
      return make_error("opaque data: type " + std::to_string(type) + " at offset " + std::to_string(pos - 4) + " is not a " +
                        device_name(device) + " type (1.." + std::to_string(max_type) + ")");
    }
    if (opaque.size() - pos < length) {
      return make_error("opaque data: type " + std::to_string(type) + " claims " + std::to_string(length) + " bytes, " +
                        std::to_string(opaque.size() - pos) + " left");
    }
    Bytes value(opaque.begin() + static_cast<std::ptrdiff_t>(pos), opaque.begin() + static_cast<std::ptrdiff_t>(pos + length));
    if (!d.raw.emplace(type, std::move(value)).second) {
      return make_error("opaque data: type " + std::to_string(type) + " appears twice");
    }
    pos += length;
  }
  if (auto s = decode(d); !s) return s.error();
  return d;
}

std::string format_packed_vbios(ByteView packed) {
  static const char* digits = "0123456789ABCDEF";
  std::string h;
  for (auto it = packed.rbegin(); it != packed.rend(); ++it) {
    h.push_back(digits[*it >> 4]);
    h.push_back(digits[*it & 0xF]);
  }
  if (h.size() != 16) return {};
  const std::string t = h.substr(8, 8) + h.substr(6, 2);
  std::string out;
  for (std::size_t i = 0; i < t.size(); i += 2) {
    if (!out.empty()) out.push_back('.');
    out += t.substr(i, 2);
  }
  return out;
}

std::string pdi_hex(const Pdi& pdi) {
  static const char* digits = "0123456789ABCDEF";
  std::string out;
  for (std::uint8_t b : pdi) {
    out.push_back(digits[b >> 4]);
    out.push_back(digits[b & 0xF]);
  }
  return out;
}

}  // namespace cchost::nv
