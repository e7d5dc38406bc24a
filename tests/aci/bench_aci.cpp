// bench_aci: x-az-aci verifications per CPU-second, beside the floors `openssl speed` measures in
// the same run (issue 12 "Benchmark"):
//   MAA path: the synthetic "ok" token (RS256, RSA-2048) through the whole verifier (shape,
//             pinned instance, signature, times, runtime data, claims) vs `openssl speed rsa2048`
//             verify/s; goal >= 80%.
//   raw path: the CAA capture (SNP report with a warm chain cache, THIM certificates, UVM
//             COSE_Sign1 PS384 with RSA-3072, CCE policy hash) vs one ECDSA P-384 verify plus one
//             RSA-3072 verify (1 / (1/ecdsap384 + 1/rsa3072)).
//   usage: bench_aci [SECONDS_PER_FIGURE]   (CCHOST_VECTORS as for the tests)
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
#include "aci_verifier.hpp"
#include "cchost/crypto/encoding.hpp"
#include "cchost/crypto/x509.hpp"
#include "json_strict.hpp"
#include "plugin_config.hpp"

using namespace cchost;
using namespace cchost::aci;
namespace fs = std::filesystem;

namespace {

using test::Rate;

double openssl_verify_per_second(const std::string& command, const std::string& marker) { return test::openssl_speed_verify(command, marker); }

Rate per_second(double seconds, const std::function<bool()>& op) { return test::per_second(seconds, op, "bench_aci"); }


std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::string raw_evidence_of(const fs::path& raw) {
  auto thim = parse_json_object(read_text(raw / "caa2025_thim_certs.json"), "thim");
  if (!thim) return {};
  auto b64 = [](const std::string& s) { return crypto::base64_encode(as_bytes(s)); };
  Json e;
  e["evidence"] = b64(read_text(raw / "caa2025_snp_report.bin"));
  e["endorsements"] = b64((*thim)["vcekCert"].get<std::string>() + (*thim)["certificateChain"].get<std::string>());
  e["uvm_endorsements"] = b64(read_text(raw / "caa2025_uvm_endorsement.cose"));
  e["endorsed_tcb"] = (*thim)["tcbm"];
  e["security_policy"] = b64(read_text(raw / "caa2025_cce_policy_allow_all.rego"));
  return compact_json(e);
}

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 2.0;
  const char* env = std::getenv("CCHOST_VECTORS");
  const fs::path root = fs::path(env && *env ? env : CCHOST_SOURCE_DIR "/../shared/vectors") / "azure";
  const std::string token = read_text(root / "maa" / "synthetic" / "ok.jwt");
  const std::string jwks = read_text(root / "maa" / "synthetic" / "test_issuer_jwks.json");
  const std::string raw = raw_evidence_of(root / "aci_raw");
  if (token.empty() || jwks.empty() || raw.empty()) {
    std::fprintf(stderr, "bench_aci: Azure vectors not found under %s\n", root.c_str());
    return 2;
  }
  const fs::path dir = fs::temp_directory_path() / ("cchost-bench-aci-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "maa.test-maa.invalid.jwks.json") << jwks;

  AciPluginConfig config;
  AciVerifier verifier(config);
  const std::optional<fs::path> collateral = dir;
  auto verify_maa = [&] {
    return std::holds_alternative<AciClaims>(verifier.verify({token, std::nullopt, 1760000000}, collateral));
  };
  const std::int64_t raw_at = *crypto::parse_time("2025-07-25T00:00:00Z");
  auto verify_raw = [&] {
    return std::holds_alternative<AciClaims>(verifier.verify({raw, std::nullopt, raw_at}, collateral));
  };
  if (!verify_maa() || !verify_raw()) {
    std::fprintf(stderr, "bench_aci: a vector does not verify\n");
    return 1;
  }
  const Rate maa = per_second(seconds, verify_maa);
  const Rate raw_rate = per_second(seconds, verify_raw);
  const double rsa2048 = openssl_verify_per_second("openssl speed -seconds 2 rsa2048 2>/dev/null", "rsa 2048 bits");
  const double rsa3072 = openssl_verify_per_second("openssl speed -seconds 2 rsa3072 2>/dev/null", "rsa 3072 bits");
  const double p384 = openssl_verify_per_second("openssl speed -seconds 2 ecdsap384 2>/dev/null", "384 bits ecdsa");
  const double raw_floor = p384 > 0 && rsa3072 > 0 ? 1.0 / (1.0 / p384 + 1.0 / rsa3072) : 0;
  fs::remove_all(dir);

  std::printf("bench_aci: %.1f CPU-s per figure\n", seconds);
  std::printf("%-58s %14s %14s\n", "", "per CPU-second", "per wall-second");
  std::printf("%-58s %14.1f %14.1f\n", "MAA token verify (synthetic ok.jwt, RS256/2048, claims)", maa.cpu, maa.wall);
  std::printf("%-58s %14.1f\n", "openssl speed rsa2048 verify", rsa2048);
  std::printf("%-58s %13.0f%%\n", "MAA verify / openssl rsa2048 verify (goal >= 80%)", rsa2048 > 0 ? 100 * maa.cpu / rsa2048 : 0);
  std::printf("%-58s %14.1f %14.1f\n", "raw verify (CAA capture, warm SNP chain cache)", raw_rate.cpu, raw_rate.wall);
  std::printf("%-58s %14.1f\n", "openssl ecdsap384 verify", p384);
  std::printf("%-58s %14.1f\n", "openssl rsa3072 verify (the COSE PS384 signature)", rsa3072);
  std::printf("%-58s %14.1f\n", "floor: one P-384 + one RSA-3072 verify", raw_floor);
  std::printf("%-58s %13.0f%%\n", "raw verify / floor", raw_floor > 0 ? 100 * raw_rate.cpu / raw_floor : 0);
  return 0;
}
