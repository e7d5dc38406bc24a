// Verification costs of the operations a relying party pays per peer: the SNP report
// signature (ECDSA P-384, little-endian r/s), the VCEK chain (RSA-PSS 4096, with CRL), an MAA
// token (RS256 via JWKS), and SHA-384 of a report. Uses $CCHOST_VECTORS; skips what is absent.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cchost/crypto/jws.hpp"
#include "cchost/crypto/signature.hpp"
#include "cchost/crypto/x509.hpp"

namespace {

namespace fs = std::filesystem;
using namespace cchost;
using namespace cchost::crypto;

fs::path vectors() {
  const char* env = std::getenv("CCHOST_VECTORS");
  return env && *env ? fs::path(env) : fs::path(CCHOST_SOURCE_DIR "/../shared/vectors");
}

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const fs::path kCase = "snp/cases/openpcc_azure_genoa_v3_crl";

void BM_SnpReportSignature(benchmark::State& state) {
  fs::path dir = vectors() / kCase;
  auto vcek = Certificate::from_file((dir / "collateral/vcek.der").string());
  std::string report = read(dir / "report.bin");
  if (!vcek || report.size() < 0x330) return state.SkipWithError("SNP vectors absent");
  PublicKey key = vcek->public_key();
  ByteView bytes = as_bytes(report);
  for (auto _ : state) {
    auto ok = verify_ecdsa_raw(key, HashAlg::Sha384, bytes.first(0x2A0), bytes.subspan(0x2A0, 72),
                               bytes.subspan(0x2E8, 72), Endian::Little);
    if (!ok) return state.SkipWithError(ok.message().c_str());
  }
}
BENCHMARK(BM_SnpReportSignature);

void BM_VcekChainWithCrl(benchmark::State& state) {
  fs::path dir = vectors() / kCase;
  auto ark = Certificate::from_file((vectors() / "snp/roots/genoa_ark.pem").string());
  auto ask = Certificate::from_file((dir / "collateral/ask.pem").string());
  auto vcek = Certificate::from_file((dir / "collateral/vcek.der").string());
  auto crl = Crl::from_file((dir / "collateral/crl.der").string());
  if (!ark || !ask || !vcek || !crl) return state.SkipWithError("SNP vectors absent");
  ChainOptions o;
  o.anchors = {*ark};
  o.at = *parse_time("2025-08-01T00:00:00Z");
  o.crls = {*crl};
  for (auto _ : state) {
    auto path = verify_chain(*vcek, {*ask}, o);
    if (!path) return state.SkipWithError(path.message().c_str());
  }
}
BENCHMARK(BM_VcekChainWithCrl);

void BM_MaaTokenRs256(benchmark::State& state) {
  fs::path maa = vectors() / "azure/maa";
  std::string token = read(maa / "synthetic/ok.jwt");
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
  JwsOptions o;
  o.allowed_algs = {JwsAlg::RS256};
  o.jwks_json = read(maa / "synthetic/test_issuer_jwks.json");
  if (token.empty() || o.jwks_json->empty()) return state.SkipWithError("MAA vectors absent");
  for (auto _ : state) {
    auto r = verify_jws_compact(token, o);
    if (!r) return state.SkipWithError(r.message().c_str());
  }
}
BENCHMARK(BM_MaaTokenRs256);

void BM_Sha384Report(benchmark::State& state) {
  Bytes report(0x4A0, 0x5a);
  for (auto _ : state) benchmark::DoNotOptimize(sha384(report));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * report.size()));
}
BENCHMARK(BM_Sha384Report);

}  // namespace

BENCHMARK_MAIN();
