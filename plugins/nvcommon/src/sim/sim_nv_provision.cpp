// The simulated NVIDIA devices on disk (sim_nv_provision.hpp).
#include "sim/sim_nv_provision.hpp"
#include "sim/sim_ocsp.hpp"

#include <system_error>
#include <tuple>

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

// One "good" OCSP response (trust/<file>), for the kit's offline OCSP check.
Status write_ocsp(const fs::path& dir, const std::string& file, X509* cert, const SimIssuer& issuer, nlohmann::json& trust) {
  constexpr int kOcspYears = 10;  // the simulated responder answers once, at provisioning
  auto der = sim_ocsp_good(cert, issuer, kOcspYears);
  if (!der) return der.error();
  if (auto s = write_text(dir / "trust" / file, std::string(der->begin(), der->end()), kPublicMode); !s) return s;
  trust.push_back(file);
  return {};
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
  // OCSP for the chain CAs NVIDIA's verifiers query (device: identity, provisioner ICA; RIM:
  // CA, L3, L4); each device's BROM response follows below.
  const SimIssuer& ica = device_class == DeviceClass::gpu ? device_pki->gpu_ica : device_pki->switch_ica;
  for (auto [file, cert, issuer] : {std::tuple{"ocsp_identity.der", device_pki->identity.cert.get(), &device_pki->root},
                                    std::tuple{"ocsp_ica.der", ica.cert.get(), &device_pki->identity},
                                    std::tuple{"ocsp_rim_ca.der", rim_pki->ca.cert.get(), &rim_pki->root},
                                    std::tuple{"ocsp_rim_l3.der", rim_pki->l3.cert.get(), &rim_pki->ca},
                                    std::tuple{"ocsp_rim_l4.der", rim_pki->l4.cert.get(), &rim_pki->l3}}) {
    if (auto s = write_ocsp(dir, file, cert, *issuer, trust); !s) return s.error();
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
    if (auto s = write_ocsp(dir, "ocsp_" + name + "_brom.der", cert->brom.cert.get(), ica, trust); !s) return s.error();
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
