// Which RIMs a device's report selects (NOTES.md §5), with the RIM store's id builders.
#include "rim/rim_store.hpp"
#include "verify/references.hpp"

namespace cchost::nv {
namespace {

// An id the builders refuse (a report field outside [A-Za-z0-9._-]) selects nothing: it is
// reported as the literal "invalid:<reason>", which no store file can carry.
std::string or_invalid(const Result<std::string>& id) { return id ? *id : "invalid: " + id.message(); }

}  // namespace

std::vector<std::pair<std::string, std::string>> rim_ids_for(const VerifiedDevice& device) {
  const OpaqueData& o = device.opaque;
  std::vector<std::pair<std::string, std::string>> ids;
  if (device.device == DeviceClass::nvswitch) {
    ids.emplace_back("bios", or_invalid(switch_bios_rim_id(o.vbios_version.value_or(""))));
    return ids;
  }
  const std::string driver = o.driver_version.value_or("");
  ids.emplace_back("driver", or_invalid(device.arch == "BLACKWELL" ? blackwell_driver_rim_id(o.chip_info.value_or(""), driver)
                                                                   : hopper_driver_rim_id(driver)));
  ids.emplace_back("vbios", or_invalid(vbios_rim_id(o.project.value_or(""), o.project_sku.value_or(""), o.chip_sku.value_or(""),
                                                    o.vbios_version.value_or(""))));
  return ids;
}

}  // namespace cchost::nv
