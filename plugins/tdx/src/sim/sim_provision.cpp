// The simulated Intel CA on disk (sim_provision.hpp).
#include "sim/sim_provision.hpp"

#include <ctime>
#include <fstream>
#include <system_error>

#include "cchost/verify/key_files.hpp"
#include "sim/sim_collateral.hpp"

namespace cchost::tdx::sim {
namespace {

namespace fs = std::filesystem;

Status write_text(const fs::path& p, const std::string& text, fs::perms perms) {
  {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) return make_error("cannot write " + p.string());
  }
  std::error_code ec;
  fs::permissions(p, perms, ec);
  if (ec) return make_error("cannot set the mode of " + p.string() + ": " + ec.message());
  return {};
}

}  // namespace

Status write_sim_ca(const fs::path& dir, const PkiOptions& options, std::optional<std::array<std::uint8_t, 6>> tcb_info_fmspc) {
  std::error_code ec;
  fs::create_directories(dir / "secret", ec);
  if (!ec) fs::permissions(dir / "secret", fs::perms::owner_all, ec);
  if (!ec) fs::create_directories(dir / "trust", ec);
  if (ec) return make_error("cannot create " + dir.string() + ": " + ec.message());
  auto pki = make_sim_pki(options);
  if (!pki) return pki.error();
  auto root = cert_pem(pki->root.get());
  auto ca = cert_pem(pki->ca.get());
  auto leaf = cert_pem(pki->pck.get());
  auto key = vkit::private_key_pkcs8_pem(pki->pck_key.get());
  if (!root || !ca || !leaf || !key) return make_error("encoding the simulated PKI");
  const auto pub = fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read | fs::perms::others_read;
  if (auto s = write_text(dir / "trust" / kSimRootFile, *root, pub); !s) return s;
  if (auto s = write_text(dir / "secret" / kPckChainFile, *leaf + *ca + *root, pub); !s) return s;
  if (auto s = write_text(dir / "secret" / kPckKeyFile, std::string(key->begin(), key->end()),
                          fs::perms::owner_read | fs::perms::owner_write);
      !s) {
    return s;
  }
  CollateralOptions collateral;
  collateral.now = options.now;
  collateral.fmspc = tcb_info_fmspc;
  return write_collateral_dir(dir / "trust", *pki, options.platform, collateral);
}

Result<std::string> provision_sim_ca(const fs::path& dir) {
  PkiOptions options;
  options.now = std::time(nullptr);
  if (auto s = write_sim_ca(dir, options); !s) return s.error();
  return std::string(
      R"({"trust":["sim_root.pem","tcbinfo.json","qe_identity.json","tcb_info_issuer_chain.pem",)"
      R"("qe_identity_issuer_chain.pem","pck_crl.der","root_ca_crl.der"],"secret":["pck.key","pck_chain.pem"],)"
      R"("verifier_config":{"sim_roots":["trust/x-tdx/sim_root.pem"]},)"
      R"("prover_config":{"sim":{"ca_dir":"sim/x-tdx"}}})");
}

}  // namespace cchost::tdx::sim
