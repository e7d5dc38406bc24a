// Which RIMs a device's report selects (NOTES.md §5): the ids NVIDIA's RIM service and its
// offline stores use, built from the report's own version and product fields.
#include <algorithm>
#include <cctype>

#include "verify/references.hpp"

namespace cchost::nv {
namespace {

std::string without_dots_upper(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c != '.') out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  return out;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> rim_ids_for(const VerifiedDevice& device) {
  const OpaqueData& o = device.opaque;
  std::vector<std::pair<std::string, std::string>> ids;
  if (device.device == DeviceClass::nvswitch) {
    // LS10 switches: project, SKU and chip are constants of the part.
    ids.emplace_back("bios", "NV_SWITCH_BIOS_5612_0002_890_" + without_dots_upper(o.vbios_version.value_or("")));
    return ids;
  }
  const std::string driver = o.driver_version.value_or("");
  if (device.arch == "BLACKWELL") {
    ids.emplace_back("driver", "NV_GPU_CC_DRIVER_" + o.chip_info.value_or("GB100") + "_" + driver);
  } else {
    ids.emplace_back("driver", "NV_GPU_DRIVER_GH100_" + driver);
  }
  ids.emplace_back("vbios", "NV_GPU_VBIOS_" + o.project.value_or("") + "_" + o.project_sku.value_or("") + "_" +
                                o.chip_sku.value_or("") + "_" + without_dots_upper(o.vbios_version.value_or("")));
  return ids;
}

}  // namespace cchost::nv
