// bench_snp: verifications per second of one genuine SNP report, with a warm and a cold chain
// cache, printed beside `openssl speed -seconds 2 ecdsap384` (verify/s) run from this binary.
// Goal (issue 4): warm >= 80% of openssl's ECDSA P-384 verify rate.
//   usage: bench_snp [SECONDS_PER_FIGURE]   (CCHOST_VECTORS as for the tests)
#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>

#include "cchost/test/bench_floor.hpp"
#include "cchost/crypto/signature.hpp"
#include "cchost/crypto/x509.hpp"
#include "verifier.hpp"

using namespace cchost;
using namespace cchost::snp;
namespace fs = std::filesystem;

namespace {

using test::Rate;

double openssl_verify_per_second(const char* command) { return test::openssl_speed_verify(command, "384 bits ecdsa"); }

Rate per_second(double seconds, const std::function<bool()>& op) { return test::per_second(seconds, op, "bench_snp"); }
}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 2.0;
  const char* env = std::getenv("CCHOST_VECTORS");
  const fs::path root = env && *env ? fs::path(env) : fs::path(CCHOST_SOURCE_DIR "/../shared/vectors");
  const fs::path dir = root / "snp" / "cases" / "aci_milan_v3_2025";
  std::ifstream in(dir / "report.bin", std::ios::binary);
  const Bytes report((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto collateral = load_collateral_dir(dir / "collateral");
  if (report.empty() || !collateral) {
    std::fprintf(stderr, "bench_snp: vectors not found under %s\n", root.c_str());
    return 2;
  }
  VerifyOptions options;
  options.at = *crypto::parse_time("2026-11-01T00:00:00Z");
  SnpVerifier verifier;
  auto ok = [&] { return std::holds_alternative<VerifiedReport>(verifier.verify(report, *collateral, options)); };
  if (!ok()) {
    std::fprintf(stderr, "bench_snp: the genuine report does not verify\n");
    return 1;
  }

  const Rate warm = per_second(seconds, ok);
  const Rate cold = per_second(seconds, [&] {
    verifier.chain_cache().clear();
    return ok();
  });
  const Rate warm_dir = per_second(seconds, [&] {
    return std::holds_alternative<VerifiedReport>(
        verifier.verify(report, std::optional<fs::path>(dir / "collateral"), options));
  });
  auto parsed = parse_snp_report(report);
  const auto key = collateral->vcek->public_key();
  const Rate ecdsa_only = per_second(seconds, [&] {
    return crypto::verify_ecdsa_raw(key, crypto::HashAlg::Sha384, ByteView(report).first(kSignedRegionSize),
                                    parsed->signature_r, parsed->signature_s, crypto::Endian::Little)
        .ok();
  });
  const double openssl = openssl_verify_per_second("openssl speed -seconds 2 ecdsap384 2>/dev/null");
  const double openssl_wall =
      openssl_verify_per_second("openssl speed -elapsed -seconds 2 ecdsap384 2>/dev/null");

  std::printf("bench_snp: one genuine Milan v3 report (aci_milan_v3_2025), %.1f CPU-s per figure\n",
              seconds);
  std::printf("%-48s %14s %14s\n", "", "per CPU-second", "per wall-second");
  auto row = [](const char* what, Rate r) { std::printf("%-48s %14.1f %14.1f\n", what, r.cpu, r.wall); };
  row("verify, warm chain cache, collateral in memory", warm);
  row("verify, cold chain cache (ARK->ASK->VCEK too)", cold);
  row("verify, warm, collateral read from its folder", warm_dir);
  row("cchost::crypto ECDSA P-384 verify alone", ecdsa_only);
  std::printf("%-48s %14.1f %14.1f\n", "openssl speed -seconds 2 ecdsap384 (verify/s)", openssl,
              openssl_wall);
  if (openssl > 0) {
    std::printf("warm / openssl = %.1f%% per CPU-second (goal >= 80%%)\n", 100.0 * warm.cpu / openssl);
  }
  return 0;
}
