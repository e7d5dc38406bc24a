// bench_tdx: verifications per CPU-second of one genuine TDX quote (phala/quote_v4_uptodate at
// its recorded time, collateral from its folder), warm (collateral and PCK chain cached) and
// cold (a fresh verifier each time), beside `openssl speed ecdsap256` run from this binary.
// A warm verify costs two P-256 verifies (QE report, quote): goal (issue 11) warm >= 80% of
// half the openssl P-256 verify rate.
//   usage: bench_tdx [SECONDS_PER_FIGURE]   (CCHOST_VECTORS as for the tests)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
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
using namespace cchost::tdx;
namespace fs = std::filesystem;

namespace {

using test::Rate;

double openssl_verify_per_second(const char* command) { return test::openssl_speed_verify(command, "256 bits ecdsa"); }

Rate per_second(double seconds, const std::function<bool()>& op) { return test::per_second(seconds, op, "bench_tdx"); }
}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 2.0;
  const char* env = std::getenv("CCHOST_VECTORS");
  const fs::path root = env && *env ? fs::path(env) : fs::path(CCHOST_SOURCE_DIR "/../shared/vectors");
  const fs::path vec = root / "tdx" / "phala";
  std::ifstream in(vec / "quote_v4_uptodate.dat", std::ios::binary);
  const Bytes quote((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const fs::path collateral = vec / "quote_v4_uptodate.collateral";
  if (quote.empty() || !fs::is_directory(collateral)) {
    std::fprintf(stderr, "bench_tdx: vectors not found under %s\n", root.c_str());
    return 2;
  }
  VerifyOptions options;
  options.at = *crypto::parse_time("2025-07-19T10:00:34Z");
  TdxVerifier verifier{TrustAnchors{}};
  auto ok = [&] { return std::holds_alternative<VerifiedQuote>(verifier.verify(quote, collateral, options)); };
  if (!ok()) {
    std::fprintf(stderr, "bench_tdx: the genuine quote does not verify\n");
    return 1;
  }
  const Rate warm = per_second(seconds, ok);
  const Rate cold = per_second(seconds, [&] {
    TdxVerifier fresh{TrustAnchors{}};
    return std::holds_alternative<VerifiedQuote>(fresh.verify(quote, collateral, options));
  });
  auto parsed = parse_tdx_quote(quote);
  const ByteView key_xy(parsed->attestation_key);
  auto key = crypto::PublicKey::from_ec_point(crypto::KeyType::EcP256, key_xy.first(32), key_xy.subspan(32));
  const Rate ecdsa_only = per_second(seconds, [&] {
    return crypto::verify_ecdsa_concat(*key, crypto::HashAlg::Sha256, parsed->signed_region, parsed->quote_signature,
                                       crypto::Endian::Big)
        .ok();
  });
  const double openssl = openssl_verify_per_second("openssl speed -seconds 2 ecdsap256 2>/dev/null");

  std::printf("bench_tdx: one genuine TDX quote (phala/quote_v4_uptodate), %.1f CPU-s per figure\n", seconds);
  std::printf("%-56s %14s %14s\n", "", "per CPU-second", "per wall-second");
  auto row = [](const char* what, Rate r) { std::printf("%-56s %14.1f %14.1f\n", what, r.cpu, r.wall); };
  row("verify, warm (collateral + PCK chain cached)", warm);
  row("verify, cold (collateral read, 2 CRLs, chains, 2 docs)", cold);
  row("cchost::crypto ECDSA P-256 verify alone", ecdsa_only);
  std::printf("%-56s %14.1f\n", "openssl speed -seconds 2 ecdsap256 (verify/s, CPU)", openssl);
  if (openssl > 0) {
    std::printf("warm / (openssl / 2) = %.1f%% per CPU-second (goal >= 80%%)\n", 100.0 * warm.cpu / (openssl / 2));
  }
  return 0;
}
