// Verification pipeline (NOTES.md §8). Each step's failure keeps its kind so the plugin can
// answer MALFORMED, COLLATERAL or VERIFY_FAILED.
#include "verifier.hpp"

#include "amd_roots.hpp"
#include "cert_table.hpp"
#include "evidence.hpp"
#include "vcek_extensions.hpp"
#include "verify_report.hpp"

namespace cchost::snp {
namespace {

ChainFailure malformed(std::string m) { return {FailureKind::Malformed, std::move(m)}; }
ChainFailure verify_failed(std::string m) { return {FailureKind::VerifyFailed, std::move(m)}; }

}  // namespace

Result<Product> decide_product(const SnpReport& report, const Collateral& c,
                               std::optional<Product> configured) {
  if (auto p = product_from_cpuid(report)) return *p;
  if (configured) return *configured;
  const auto& leaf = report.signing_key == SigningKey::Vcek ? c.vcek : c.vlek;
  if (leaf) {
    if (auto name = leaf->extension("1.3.6.1.4.1.3704.1.2")) {
      if (auto s = decode_der_ia5(*name)) {
        if (auto p = parse_product_name(*s)) return *p;
      }
    }
  }
  if (c.ark) {
    if (auto p = product_of_pinned_spki(c.ark->spki_sha256())) return *p;
  }
  return make_error("SNP product line unknown: the version " + std::to_string(report.version) +
                    " report has no CPUID fields, no `product` is configured and no VCEK "
                    "productName or pinned ARK names one");
}

VerifyResult SnpVerifier::verify(ByteView token, const std::optional<std::filesystem::path>& dir,
                                 const VerifyOptions& options) {
  Collateral collateral;
  if (dir) {
    auto loaded = folders_.load(*dir);
    if (!loaded) return ChainFailure{FailureKind::Collateral, loaded.message()};
    collateral = std::move(*loaded);
  }
  return verify(token, std::move(collateral), options);
}

VerifyResult SnpVerifier::verify(ByteView token, Collateral collateral,
                                 const VerifyOptions& options) {
  if (options.at <= 0) return verify_failed("SNP verify: a verification time is required");
  auto parts = decode_evidence(token);
  if (!parts) return malformed(parts.message());
  auto report = parse_snp_report(parts->report);
  if (!report) return malformed(report.message());
  auto table = parse_cert_table(parts->cert_table);
  if (!table) return malformed(table.message());
  if (auto s = merge_cert_table(*table, report->signing_key, collateral, certificates_); !s) {
    return malformed(s.message());
  }

  auto product = decide_product(*report, collateral, options.configured_product);
  if (!product) return ChainFailure{FailureKind::Collateral, product.message()};
  // v2 has no CPUID fields and the Turin TCB layout differs: a v2 "Turin" report cannot be
  // decoded unambiguously (snpguest PR #89), so Turin needs v3+.
  if (*product == Product::Turin && report->version < 3) {
    return malformed("SNP report: Turin reports must be version 3 or later, got " +
                     std::to_string(report->version));
  }

  ChainRequest request;
  request.signing_key = report->signing_key;
  request.product = *product;
  request.at = options.at;
  request.require_crl = options.require_crl;
  request.sim_roots = options.sim_roots;
  auto chain = cache_.verify(collateral, request);
  if (auto* failure = std::get_if<ChainFailure>(&chain)) return *failure;
  const auto& verified = std::get<VerifiedChain>(chain);

  auto ext = parse_vcek_extensions(verified.leaf);
  if (!ext) return verify_failed(ext.message());
  if (auto s = check_key_extensions(*ext, *report, *product); !s) return verify_failed(s.message());
  if (auto s = verify_report_signature(verified.leaf_key, parts->report, *report); !s) {
    return verify_failed(s.message());
  }
  if (options.expected_report_data) {
    if (auto s = check_report_data(*report, *options.expected_report_data); !s) {
      return verify_failed(s.message());
    }
  }
  return VerifiedReport{std::move(*report), *product, verified.simulated};
}

}  // namespace cchost::snp
