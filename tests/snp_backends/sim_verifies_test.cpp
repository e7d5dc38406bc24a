// The sim backend's evidence through the plugin's verifier (src/verifier.cpp, written by another
// hand): accepted as simulated only when the sim ARK is configured, rejected otherwise, for every
// product line and report version the sim writes.
#include <ctime>
#include <variant>

#include <gtest/gtest.h>

#include "backends/backend.hpp"
#include "evidence.hpp"
#include "test_support.hpp"
#include "verifier.hpp"

namespace cchost::snp {
namespace {

struct SimCase {
  Product product;
  int version;
};

class SnpBackendSimVerifies : public ::testing::TestWithParam<SimCase> {};

TEST_P(SnpBackendSimVerifies, AcceptedOnlyWithTheSimRootConfigured) {
  const auto [product, version] = GetParam();
  const auto ca = testing::shared_sim_ca(product);
  auto backend = make_backend(toml::parse(
      "backend = \"sim\"\n[sim]\nca_dir = \"" + ca.string() + "\"\nproduct = \"" +
      std::string(product_name(product)) + "\"\nversion = " + std::to_string(version) +
      "\nseed = \"verifier-test\"\nmeasurement = \"" + std::string(96, 'b') + "\"\n"));
  ASSERT_TRUE(backend.ok()) << backend.message();
  std::array<std::uint8_t, 64> rd{};
  rd.fill(0x42);
  auto evidence = (*backend)->get_report(rd);
  ASSERT_TRUE(evidence.ok()) << evidence.message();
  const Bytes token = encode_evidence(evidence->report, evidence->cert_table);

  auto ark = crypto::Certificate::from_file((ca / "ark.pem").string());
  ASSERT_TRUE(ark.ok());
  VerifyOptions options;
  options.at = std::time(nullptr);
  options.expected_report_data = rd;
  options.sim_roots = {*ark};
  if (version == 2) options.configured_product = product;  // v2 carries no CPUID
  SnpVerifier verifier;
  auto verified = verifier.verify(token, Collateral{}, options);
  ASSERT_TRUE(std::holds_alternative<VerifiedReport>(verified))
      << std::get<ChainFailure>(verified).message;
  const auto& v = std::get<VerifiedReport>(verified);
  EXPECT_TRUE(v.simulated);
  EXPECT_EQ(v.product, product);
  EXPECT_EQ(v.report.version, static_cast<std::uint32_t>(version));

  // Without the sim root configured, the same evidence is not trusted.
  options.sim_roots.clear();
  SnpVerifier fresh;
  EXPECT_TRUE(std::holds_alternative<ChainFailure>(fresh.verify(token, Collateral{}, options)));
}

INSTANTIATE_TEST_SUITE_P(Products, SnpBackendSimVerifies,
                         ::testing::Values(SimCase{Product::Milan, 3}, SimCase{Product::Milan, 2},
                                           SimCase{Product::Genoa, 3}, SimCase{Product::Turin, 5},
                                           SimCase{Product::Turin, 3}),
                         [](const auto& info) {
                           return std::string(product_name(info.param.product)) + "V" +
                                  std::to_string(info.param.version);
                         });

}  // namespace
}  // namespace cchost::snp
