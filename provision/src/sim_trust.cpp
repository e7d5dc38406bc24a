#include "sim_trust.hpp"

#include "file_io.hpp"

#if CCHOST_PROVISION_HAVE_SNP_SIM
#include "cchost/snp/sim_ca.hpp"
#endif

namespace fs = std::filesystem;

namespace cchost::provision {

namespace {
constexpr std::string_view kSnpNamespace = "x-snp";
}

bool sim_ca_supported(std::string_view ns) {
#if CCHOST_PROVISION_HAVE_SNP_SIM
  return ns == kSnpNamespace;
#else
  (void)ns;
  return false;
#endif
}

Status ensure_sim_ca(const StateStore& state, const std::string& ns) {
  if (ns != kSnpNamespace) return make_error("simulate: no simulated CA is known for " + ns);
#if CCHOST_PROVISION_HAVE_SNP_SIM
  const fs::path dir = state.sim_ca_dir(ns);
  if (fs::exists(dir / "ark.pem")) return {};  // made on an earlier run: keep it
  if (auto s = make_dir(dir, 0700); !s) return s;
  if (auto s = snp::sim::create_sim_ca(dir, kSimSnpProduct); !s) {
    return make_error("simulate: creating the SNP sim CA in " + dir.string() + " failed: " +
                      s.message());
  }
  return {};
#else
  // Built without plugins/snp's cchost_snp_sim (CMake: target absent when this was configured).
  (void)state;
  return make_error("simulate: SNP sim CA unavailable in this build");
#endif
}

Status copy_sim_trust(const StateStore& state, const std::string& ns, const fs::path& kit_dir) {
  const fs::path from = state.sim_ca_dir(ns);
  const fs::path to = kit_dir / "trust" / ns;
  if (auto s = copy_file(from / "ark.pem", to / "sim_ark.pem", kPublicMode); !s) return s;
  return copy_file(from / "ask.pem", to / "sim_ask.pem", kPublicMode);
}

Status copy_sim_ca(const StateStore& state, const std::string& ns, const fs::path& kit_dir) {
  const fs::path from = state.sim_ca_dir(ns);
  const fs::path to = kit_dir / "sim" / ns;
  for (const char* name : {"ark.pem", "ask.pem"}) {
    if (auto s = copy_file(from / name, to / name, kPublicMode); !s) return s;
  }
  // Only the ASK key: the sim backend signs VCEKs with it. The ARK key stays in the state
  // folder, so a kit can never mint a new simulated ASK.
  return copy_file(from / "ask.key", to / "ask.key", kSecretMode);
}

}  // namespace cchost::provision
