#pragma once
// The whole verification of one x-snp token (NOTES.md §8): decode, parse, product line, chain,
// key extensions, signature, binding. Fails closed at the first error.
#include <array>
#include <ctime>
#include <filesystem>
#include <optional>
#include <variant>
#include <vector>

#include "cchost/crypto/x509.hpp"
#include "collateral.hpp"
#include "report.hpp"
#include "verify_chain.hpp"

namespace cchost::snp {

struct VerifyOptions {
  std::time_t at = 0;                                              // required
  std::optional<std::array<std::uint8_t, 64>> expected_report_data;  // nullopt: no binding check
  std::optional<Product> configured_product;  // product line for v2 reports (no CPUID fields)
  bool require_crl = false;
  std::vector<crypto::Certificate> sim_roots;  // simulated ARKs trusted by configuration
};

struct VerifiedReport {
  SnpReport report;
  Product product = Product::Milan;
  bool simulated = false;
};

using VerifyResult = std::variant<VerifiedReport, ChainFailure>;

class SnpVerifier {
 public:
  // `collateral`: what the caller's folder holds (may be empty); the token's cert table fills
  // the gaps.
  VerifyResult verify(ByteView token, Collateral collateral, const VerifyOptions& options);
  // Loads the folder (when given) and verifies.
  VerifyResult verify(ByteView token, const std::optional<std::filesystem::path>& collateral_dir,
                      const VerifyOptions& options);
  ChainCache& chain_cache() { return cache_; }

 private:
  ChainCache cache_;
  CollateralFolderCache folders_;
  crypto::CertificateCache certificates_;  // the cert tables' certificates, parsed once
};

// Product line of a report (NOTES §8 step 2): CPUID (v3+), else configuration, else the VCEK's
// productName, else the collateral ARK's pin.
Result<Product> decide_product(const SnpReport& report, const Collateral& collateral,
                               std::optional<Product> configured);

}  // namespace cchost::snp
