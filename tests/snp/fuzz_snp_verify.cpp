// libFuzzer: the full SNP verification of arbitrary tokens against one fixed genuine collateral
// folder ($CCHOST_VECTORS/snp/cases/aci_milan_v3_2025 at its case time). Nothing but the one
// genuine report (and its envelope forms) may verify; without vectors only parsing runs.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <optional>

#include "cchost/crypto/x509.hpp"
#include "evidence.hpp"
#include "verifier.hpp"

using namespace cchost::snp;

namespace {

struct Fixture {
  std::optional<Collateral> collateral;
  VerifyOptions options;
  SnpVerifier verifier;
};

Fixture& fixture() {
  static Fixture* f = [] {
    auto* fx = new Fixture;  // lives for the whole fuzzing run
    const char* env = std::getenv("CCHOST_VECTORS");
    std::filesystem::path dir = std::filesystem::path(env && *env ? env : CCHOST_SOURCE_DIR "/../shared/vectors") /
                                "snp" / "cases" / "aci_milan_v3_2025" / "collateral";
    if (auto c = load_collateral_dir(dir); c.ok()) fx->collateral = std::move(*c);
    fx->options.at = *cchost::crypto::parse_time("2026-11-01T00:00:00Z");
    return fx;
  }();
  return *f;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Fixture& f = fixture();
  const cchost::ByteView in(data, size);
  if (!f.collateral) {
    if (auto parts = decode_evidence(in); parts.ok()) (void)parse_snp_report(parts->report);
    return 0;
  }
  (void)f.verifier.verify(in, *f.collateral, f.options);
  return 0;
}
