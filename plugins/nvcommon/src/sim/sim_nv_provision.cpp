// The simulated NVIDIA devices on disk (sim_nv_provision.hpp).
#include "sim/sim_nv_provision.hpp"

#include <system_error>

#include <nlohmann/json.hpp>

#include "cchost/verify/key_files.hpp"
#include "sim/sim_rim_writer.hpp"

namespace cchost::nv::sim {
namespace {

namespace fs = std::filesystem;

constexpr unsigned kPublicMode = 0644;
constexpr unsigned kKeyMode = 0600;

Status write_text(const fs::path& path, const std::string& text, unsigned mode) {
  return vkit::write_new_file(path, as_bytes(text), mode);
}

}  // namespace

Result<std::string> provision_sim_nvidia(const fs::path& dir, DeviceClass device_class, const SimBoardOptions& options) {
  std::error_code ec;
  fs::create_directories(dir / "secret", ec);
  if (!ec) fs::permissions(dir / "secret", fs::perms::owner_all, ec);
  if (!ec) fs::create_directories(dir / "trust", ec);
  if (ec) return make_error("sim NVIDIA provisioning: cannot create " + dir.string() + ": " + ec.message());

  auto device_pki = make_sim_device_pki();
  if (!device_pki) return device_pki.error();
  auto rim_pki = make_sim_rim_pki();
  if (!rim_pki) return rim_pki.error();
  auto specs = sim_board_specs(options, device_class);
  if (!specs) return specs.error();

  nlohmann::json trust = nlohmann::json::array();
  nlohmann::json secret = nlohmann::json::array();
  for (auto [file, cert] : {std::pair{kSimDeviceRootFile, device_pki->root.cert.get()}, std::pair{kSimRimRootFile, rim_pki->root.cert.get()}}) {
    auto pem = certificate_pem_text(cert);
    if (!pem) return pem.error();
    if (auto s = write_text(dir / "trust" / file, *pem, kPublicMode); !s) return s.error();
    trust.push_back(file);
  }
  // Every device of a class shares the model and versions, so one set of RIMs covers them all.
  if (!specs->empty()) {
    auto rims = rims_for_device(specs->front(), sim_driver_indices(), sim_vbios_indices());
    if (!rims) return rims.error();
    for (const auto& rim : *rims) {
      auto xml = write_signed_rim(rim, *rim_pki);
      if (!xml) return xml.error();
      const std::string file = rim.id + ".xml";
      if (auto s = write_text(dir / "trust" / file, *xml, kPublicMode); !s) return s.error();
      trust.push_back(file);
    }
  }

  nlohmann::json names = nlohmann::json::array();
  const std::string prefix = device_class == DeviceClass::gpu ? "gpu" : "switch";
  for (std::size_t i = 0; i < specs->size(); ++i) {
    const SimDeviceSpec& spec = (*specs)[i];
    const Pdi own = device_class == DeviceClass::gpu ? sim_gpu_pdi(options, i) : spec.device_pdi;
    auto cert = issue_sim_device(*device_pki, device_class, spec.hwmodel, spec.fwid, own);
    if (!cert) return cert.error();
    auto key = vkit::private_key_pkcs8_pem(cert->leaf.key.get());
    if (!key) return key.error();
    const std::string name = prefix + std::to_string(i);
    if (auto s = vkit::write_new_file(dir / "secret" / (name + ".key"), *key, kKeyMode); !s) return s.error();
    if (auto s = write_text(dir / "secret" / (name + "_chain.pem"), cert->chain_pem, kPublicMode); !s) return s.error();
    if (auto s = write_text(dir / "secret" / (name + ".json"), spec_to_json(spec) + "\n", kPublicMode); !s) return s.error();
    for (const std::string& f : {name + ".key", name + "_chain.pem", name + ".json"}) secret.push_back(f);
    names.push_back(name);
  }
  if (auto s = write_text(dir / "secret" / kSimDevicesFile, names.dump() + "\n", kPublicMode); !s) return s.error();
  secret.push_back(kSimDevicesFile);

  const std::string ns = sim_namespace(device_class);
  nlohmann::json answer = {
      {"trust", trust},
      {"secret", secret},
      {"verifier_config",
       {{"sim_roots", {"trust/" + ns + "/" + kSimDeviceRootFile}},
        {"sim_rim_roots", {"trust/" + ns + "/" + kSimRimRootFile}}}},
      {"prover_config", {{"sim", {{"ca_dir", "sim/" + ns}}}}},
  };
  return answer.dump();
}

}  // namespace cchost::nv::sim
