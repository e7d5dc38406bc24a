// SimDeviceSpec to and from JSON (sim_device_spec.hpp). The file lives in a provisioned secret/
// folder, but a damaged or hand-edited one must fail with the field named, not crash.
#include "sim/sim_device_spec.hpp"

#include <limits>
#include <set>

#include <nlohmann/json.hpp>

#include "cchost/crypto/encoding.hpp"

namespace cchost::nv::sim {
namespace {

using nlohmann::json;

template <std::size_t N>
std::string hex(const std::array<std::uint8_t, N>& a) {
  return crypto::hex_encode(ByteView(a.data(), a.size()));
}

template <std::size_t N>
json hex_list(const std::vector<std::array<std::uint8_t, N>>& list) {
  json out = json::array();
  for (const auto& a : list) out.push_back(hex(a));
  return out;
}

// Reads fields from one object, remembering the first failure (with the field's name).
class FieldReader {
 public:
  explicit FieldReader(const json& obj) : obj_(obj) {}
  const std::string& error() const { return error_; }
  bool ok() const { return error_.empty(); }

  void string(const char* key, std::string& out) {
    const json* v = find(key, json::value_t::string, "a string");
    if (v) out = v->get<std::string>();
  }
  void uint(const char* key, std::uint64_t max, std::uint64_t& out) {
    const json* v = find(key, json::value_t::number_unsigned, "an unsigned integer");
    if (!v) return;
    out = v->get<std::uint64_t>();
    if (out > max) fail(std::string("\"") + key + "\": expected at most " + std::to_string(max) + ", got " + std::to_string(out));
  }
  template <class T>
  void small_uint(const char* key, T& out) {
    std::uint64_t v = 0;
    uint(key, std::numeric_limits<T>::max(), v);
    out = static_cast<T>(v);
  }
  Bytes bytes(const char* key) {
    const json* v = find(key, json::value_t::string, "a hex string");
    if (!v) return {};
    auto decoded = crypto::hex_decode(v->get<std::string>());
    if (!decoded) fail(std::string("\"") + key + "\": " + decoded.message());
    return decoded ? *decoded : Bytes{};
  }
  template <std::size_t N>
  void fixed(const char* key, std::array<std::uint8_t, N>& out) {
    const json* v = find(key, json::value_t::string, "a hex string");
    if (v) decode_fixed(key, v->get<std::string>(), out);
  }
  template <std::size_t N>
  void fixed_list(const char* key, std::vector<std::array<std::uint8_t, N>>& out) {
    const json* v = find(key, json::value_t::array, "an array of hex strings");
    if (!v) return;
    out.clear();
    for (const auto& item : *v) {
      if (!item.is_string()) return fail(std::string("\"") + key + "\": every entry must be a hex string");
      out.emplace_back();
      decode_fixed(key, item.get<std::string>(), out.back());
    }
  }
  void u32_list(const char* key, std::vector<std::uint32_t>& out) {
    const json* v = find(key, json::value_t::array, "an array of integers");
    if (!v) return;
    out.clear();
    for (const auto& item : *v) {
      if (!item.is_number_unsigned() || item.get<std::uint64_t>() > 0xffffffffu) {
        return fail(std::string("\"") + key + "\": every entry must be an integer 0..4294967295");
      }
      out.push_back(static_cast<std::uint32_t>(item.get<std::uint64_t>()));
    }
  }

  void fail(const std::string& message) {
    if (error_.empty()) error_ = message;
  }

 private:
  const json* find(const char* key, json::value_t type, const char* what) {
    auto it = obj_.find(key);
    if (it == obj_.end()) {
      fail(std::string("\"") + key + "\" is missing");
      return nullptr;
    }
    const bool type_ok = it->type() == type || (type == json::value_t::number_unsigned && it->is_number_unsigned());
    if (!type_ok) {
      fail(std::string("\"") + key + "\" must be " + what + ", got " + it->type_name());
      return nullptr;
    }
    return &*it;
  }
  template <std::size_t N>
  void decode_fixed(const char* key, const std::string& text, std::array<std::uint8_t, N>& out) {
    auto decoded = crypto::hex_decode(text);
    if (!decoded) return fail(std::string("\"") + key + "\": " + decoded.message());
    if (decoded->size() != N) {
      return fail(std::string("\"") + key + "\": expected " + std::to_string(N) + " bytes, got " + std::to_string(decoded->size()));
    }
    std::copy(decoded->begin(), decoded->end(), out.begin());
  }

  const json& obj_;
  std::string error_;
};

const std::set<std::string> kFields = {
    "device_class", "hwmodel", "measurements", "msrscnt", "vbios_version", "fwid", "driver_version", "chip_sku",
    "chip_sku_mod", "project", "project_sku", "project_sku_mod", "nvdec0_status", "protected_pcie_status",
    "switch_pdis", "board_id", "opaque_data_version", "feature_flag", "device_pdi", "position_id", "gpu_pdis",
    "gpu_pdi_ports", "disabled_ports", "lock_status", "extra_opaque"};

}  // namespace

std::string spec_to_json(const SimDeviceSpec& s) {
  json extra = json::array();
  for (const auto& [type, value] : s.extra_opaque) extra.push_back({{"type", type}, {"value", crypto::hex_encode(value)}});
  json out = {{"device_class", s.device_class == DeviceClass::gpu ? "gpu" : "nvswitch"},
              {"hwmodel", s.hwmodel},
              {"measurements", hex_list(s.measurements)},
              {"msrscnt", s.msrscnt},
              {"vbios_version", s.vbios_version},
              {"fwid", hex(s.fwid)},
              {"driver_version", s.driver_version},
              {"chip_sku", s.chip_sku},
              {"chip_sku_mod", s.chip_sku_mod},
              {"project", s.project},
              {"project_sku", s.project_sku},
              {"project_sku_mod", s.project_sku_mod},
              {"nvdec0_status", s.nvdec0_status},
              {"protected_pcie_status", s.protected_pcie_status},
              {"switch_pdis", hex_list(s.switch_pdis)},
              {"board_id", s.board_id},
              {"opaque_data_version", s.opaque_data_version},
              {"feature_flag", s.feature_flag},
              {"device_pdi", hex(s.device_pdi)},
              {"position_id", s.position_id},
              {"gpu_pdis", hex_list(s.gpu_pdis)},
              {"gpu_pdi_ports", crypto::hex_encode(s.gpu_pdi_ports)},
              {"disabled_ports", s.disabled_ports},
              {"lock_status", s.lock_status},
              {"extra_opaque", extra}};
  return out.dump(1);
}

Result<SimDeviceSpec> spec_from_json(std::string_view text) {
  const json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return make_error("sim device spec: not valid JSON");
  if (!doc.is_object()) return make_error("sim device spec: expected a JSON object, got " + std::string(doc.type_name()));
  for (const auto& [key, value] : doc.items()) {
    (void)value;
    if (!kFields.count(key)) return make_error("sim device spec: unknown field \"" + key + "\"");
  }
  SimDeviceSpec s;
  FieldReader r(doc);
  std::string device_class;
  r.string("device_class", device_class);
  if (r.ok() && device_class != "gpu" && device_class != "nvswitch") {
    r.fail("\"device_class\": expected \"gpu\" or \"nvswitch\", got \"" + device_class + "\"");
  }
  s.device_class = device_class == "nvswitch" ? DeviceClass::nvswitch : DeviceClass::gpu;
  r.string("hwmodel", s.hwmodel);
  r.fixed_list("measurements", s.measurements);
  r.u32_list("msrscnt", s.msrscnt);
  r.string("vbios_version", s.vbios_version);
  r.fixed("fwid", s.fwid);
  r.string("driver_version", s.driver_version);
  r.string("chip_sku", s.chip_sku);
  r.string("chip_sku_mod", s.chip_sku_mod);
  r.string("project", s.project);
  r.string("project_sku", s.project_sku);
  r.string("project_sku_mod", s.project_sku_mod);
  r.small_uint("nvdec0_status", s.nvdec0_status);
  r.small_uint("protected_pcie_status", s.protected_pcie_status);
  r.fixed_list("switch_pdis", s.switch_pdis);
  r.small_uint("board_id", s.board_id);
  r.uint("opaque_data_version", std::numeric_limits<std::uint64_t>::max(), s.opaque_data_version);
  r.uint("feature_flag", std::numeric_limits<std::uint64_t>::max(), s.feature_flag);
  r.fixed("device_pdi", s.device_pdi);
  r.small_uint("position_id", s.position_id);
  r.fixed_list("gpu_pdis", s.gpu_pdis);
  s.gpu_pdi_ports = r.bytes("gpu_pdi_ports");
  r.small_uint("disabled_ports", s.disabled_ports);
  r.small_uint("lock_status", s.lock_status);
  if (!r.ok()) return make_error("sim device spec: " + r.error());
  auto extra = doc.find("extra_opaque");
  if (extra == doc.end() || !extra->is_array()) return make_error("sim device spec: \"extra_opaque\" must be an array");
  for (const auto& item : *extra) {
    if (!item.is_object() || item.size() != 2) return make_error("sim device spec: \"extra_opaque\" entries must be {type, value}");
    FieldReader e(item);
    std::uint16_t type = 0;
    e.small_uint("type", type);
    Bytes value = e.bytes("value");
    if (!e.ok()) return make_error("sim device spec: \"extra_opaque\": " + e.error());
    s.extra_opaque.emplace_back(type, std::move(value));
  }
  return s;
}

}  // namespace cchost::nv::sim
