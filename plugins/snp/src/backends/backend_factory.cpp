// make_backend: picks the report source named by `backend`. "auto" looks for real SEV-SNP
// interfaces only; it never falls back to the simulator, so a misconfigured production guest
// fails loudly instead of presenting simulated evidence.
#include <string>

#include "backends/backend.hpp"
#include "backends/configfs_tsm_backend.hpp"
#include "backends/sev_guest_backend.hpp"
#include "backends/sim_backend.hpp"
#include "backends/sim_config.hpp"
#include "cchost/verify/strict_toml.hpp"

namespace cchost::snp {
using vkit::StrictTable;

Result<std::unique_ptr<ReportBackend>> make_backend(const toml::table& config) {
  StrictTable t(config, "snp config");
  auto backend = t.string("backend");
  if (!backend) return backend.error();
  const std::string kind = backend->value_or("auto");
  auto vmpl_value = t.integer("vmpl", 0, 3);
  if (!vmpl_value) return vmpl_value.error();
  std::optional<std::uint32_t> vmpl;
  if (*vmpl_value) vmpl = static_cast<std::uint32_t>(**vmpl_value);
  auto configfs_root = t.string("configfs_root");
  if (!configfs_root) return configfs_root.error();
  auto device = t.string("device");
  if (!device) return device.error();
  auto sim_table = t.table("sim");
  if (!sim_table) return sim_table.error();

  ConfigfsTsmOptions configfs;
  configfs.root = configfs_root->value_or(std::string(kDefaultConfigfsTsmRoot));
  configfs.privlevel = vmpl;
  SevGuestOptions sev_guest;
  sev_guest.device = device->value_or(std::string(kDefaultSevGuestDevice));
  sev_guest.vmpl = vmpl.value_or(0);

  if (kind == "sim") {
    if (*sim_table == nullptr) {
      return make_error("snp config: backend = \"sim\" needs a [sim] table with at least ca_dir "
                        "(see plugins/snp/src/sim/README-sim.md)");
    }
    auto sim_config = parse_sim_config(**sim_table, vmpl);
    if (!sim_config) return sim_config.error();
    return make_sim_backend(std::move(*sim_config));
  }
  if (kind == "configfs-tsm") return make_configfs_tsm_backend(std::move(configfs));
  if (kind == "sev-guest") return make_sev_guest_backend(std::move(sev_guest));
  if (kind != "auto") {
    return make_error("snp config backend: expected \"auto\", \"configfs-tsm\", \"sev-guest\" or "
                      "\"sim\", got \"" + kind + "\"");
  }
  const std::string root = configfs.root.string();
  const std::string dev = sev_guest.device.string();
  auto from_configfs = make_configfs_tsm_backend(std::move(configfs));
  if (from_configfs) return from_configfs;
  auto from_device = make_sev_guest_backend(std::move(sev_guest));
  if (from_device) return from_device;
  return make_error(
      "snp config backend = \"auto\": no SEV-SNP report interface found. configfs-tsm at " + root +
      ": " + from_configfs.message() + "; sev-guest at " + dev + ": " + from_device.message() +
      ". On a machine without SEV-SNP, set backend = \"sim\" explicitly (auto never simulates).");
}

}  // namespace cchost::snp
