// Verification of the genuine vectors at their own time, and of every way they can be broken.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "amd_roots.hpp"
#include "cchost/crypto/hash.hpp"
#include "cchost/crypto/x509.hpp"
#include "snp_test_support.hpp"
#include "verifier.hpp"

namespace cchost::snp {
namespace {

using test::load_case;
using test::VectorCase;

VerifyOptions at(std::time_t t) {
  VerifyOptions o;
  o.at = t;
  return o;
}

const ChainFailure* failure_of(const VerifyResult& r) { return std::get_if<ChainFailure>(&r); }

std::string describe(const VerifyResult& r) {
  if (auto* f = failure_of(r)) return "rejected: " + f->message;
  return "verified";
}

Collateral load(const std::filesystem::path& dir) {
  auto c = load_collateral_dir(dir);
  EXPECT_TRUE(c.ok()) << c.message();
  return c.ok() ? std::move(*c) : Collateral{};
}

TEST(SnpRoots, PinsMatchTheEmbeddedCertificates) {
  for (Product p : {Product::Milan, Product::Genoa, Product::Turin}) {
    const auto& pin = pinned_ark(p);
    auto cert = crypto::Certificate::from_pem(pin.pem);
    ASSERT_TRUE(cert.ok()) << cert.message();
    EXPECT_EQ(cert->sha256(), Bytes(pin.der_sha256.begin(), pin.der_sha256.end()));
    EXPECT_EQ(cert->public_key().spki_sha256(), Bytes(pin.spki_sha256.begin(), pin.spki_sha256.end()));
    // The digest the chain code compares pins with (read off the certificate, RSA-PSS keys).
    EXPECT_EQ(cert->spki_sha256(), Bytes(pin.spki_sha256.begin(), pin.spki_sha256.end()));
    EXPECT_EQ(cert->subject_cn(), "ARK-" + std::string(product_name(p)));
    EXPECT_EQ(product_of_pinned_spki(cert->public_key().spki_sha256()), p);
  }
}

TEST(SnpRoots, PinsMatchTheSharedRootsFolder) {
  SNP_REQUIRE_VECTORS(snp);
  for (Product p : {Product::Milan, Product::Genoa, Product::Turin}) {
    std::string line(product_name(p));
    std::transform(line.begin(), line.end(), line.begin(), ::tolower);
    auto cert = crypto::Certificate::from_file((snp / "roots" / (line + "_ark.pem")).string());
    ASSERT_TRUE(cert.ok()) << cert.message();
    EXPECT_EQ(cert->sha256(), Bytes(pinned_ark(p).der_sha256.begin(), pinned_ark(p).der_sha256.end()));
  }
}

// Every case verifies or is rejected exactly as case.toml says, at its own `at`.
TEST(SnpVectors, EveryCaseHasItsExpectedOutcome) {
  SNP_REQUIRE_VECTORS(snp);
  SnpVerifier verifier;
  for (const auto& name : test::case_names(snp)) {
    SCOPED_TRACE(name);
    const VectorCase c = load_case(snp, name);
    ASSERT_GT(c.at, 0) << c.at_text;
    auto result = verifier.verify(c.report, c.collateral, at(c.at));
    if (c.expect_verified) {
      ASSERT_FALSE(failure_of(result)) << describe(result);
      const auto& v = std::get<VerifiedReport>(result);
      EXPECT_FALSE(v.simulated);
      EXPECT_EQ(product_name(v.product), c.claims["product"].value_or(std::string()));
    } else {
      ASSERT_TRUE(failure_of(result)) << "expected rejection: " << c.reason;
      EXPECT_FALSE(failure_of(result)->message.empty());
    }
  }
}

TEST(SnpVectors, NegativeCasesFailForTheirReason) {
  SNP_REQUIRE_VECTORS(snp);
  SnpVerifier verifier;
  auto run = [&](const char* name) {
    const VectorCase c = load_case(snp, name);
    return verifier.verify(c.report, c.collateral, at(c.at));
  };
  auto missing = run("NEGATIVE_v4_no_vcek");
  ASSERT_TRUE(failure_of(missing));
  EXPECT_EQ(failure_of(missing)->kind, FailureKind::Collateral);
  EXPECT_NE(failure_of(missing)->message.find("collateral missing: no VCEK"), std::string::npos);

  auto genoa_on_milan = run("NEGATIVE_genoa_report_milan_chain");
  ASSERT_TRUE(failure_of(genoa_on_milan));
  EXPECT_EQ(failure_of(genoa_on_milan)->kind, FailureKind::VerifyFailed);
  EXPECT_NE(failure_of(genoa_on_milan)->message.find("ARK-Milan"), std::string::npos)
      << failure_of(genoa_on_milan)->message;

  auto fake_vcek = run("NEGATIVE_trustee_milan_wrong_vcek");
  ASSERT_TRUE(failure_of(fake_vcek));
  EXPECT_EQ(failure_of(fake_vcek)->kind, FailureKind::VerifyFailed);
  EXPECT_NE(failure_of(fake_vcek)->message.find("SNP chain"), std::string::npos)
      << failure_of(fake_vcek)->message;

  // Another chip's report under this VCEK: the hwID check (or the signature) refuses it.
  auto other_chip = run("NEGATIVE_aci_other_chip");
  ASSERT_TRUE(failure_of(other_chip));
  EXPECT_EQ(failure_of(other_chip)->kind, FailureKind::VerifyFailed);
  const auto& m = failure_of(other_chip)->message;
  EXPECT_TRUE(m.find("hwID") != std::string::npos || m.find("signature") != std::string::npos) << m;
}

// Another product's ARK offered as the root: refused, naming both lines.
TEST(SnpChain, AnotherProductsArkIsRefused) {
  SNP_REQUIRE_VECTORS(snp);
  const VectorCase c = load_case(snp, "tav_milan_v3");
  Collateral col = load(c.collateral);
  col.ark = *crypto::Certificate::from_file((snp / "roots" / "genoa_ark.pem").string());
  SnpVerifier verifier;
  auto r = verifier.verify(c.report, col, at(c.at));
  ASSERT_TRUE(failure_of(r));
  EXPECT_NE(failure_of(r)->message.find("AMD's ARK-Genoa, expected AMD's pinned ARK-Milan"),
            std::string::npos)
      << failure_of(r)->message;
  // And the Genoa ASK under the (pinned) Milan ARK does not chain either.
  col = load(c.collateral);
  col.ark.reset();
  col.ask = *crypto::Certificate::from_file((snp / "roots" / "genoa_ask.pem").string());
  auto r2 = verifier.verify(c.report, col, at(c.at));
  ASSERT_TRUE(failure_of(r2));
  EXPECT_NE(failure_of(r2)->message.find("does not verify"), std::string::npos)
      << failure_of(r2)->message;
}

// A VCEK of another chip (same product, genuine AMD chain) cannot vouch for this report.
TEST(SnpChain, AnotherChipsVcekIsRefused) {
  SNP_REQUIRE_VECTORS(snp);
  const VectorCase c = load_case(snp, "trustee_milan_v2");
  Collateral col = load(c.collateral);
  col.vcek = *crypto::Certificate::from_file(
      (snp / "cases" / "virtee_milan_v2" / "collateral" / "vcek.der").string());
  SnpVerifier verifier;
  auto r = verifier.verify(c.report, col, at(c.at));
  ASSERT_TRUE(failure_of(r));
  EXPECT_NE(failure_of(r)->message.find("does not match the report's CHIP_ID"), std::string::npos)
      << failure_of(r)->message;
}

// The host's ARK is never the anchor: without any ARK the pinned one still verifies, and an
// ARK file with the right name but another key is refused.
TEST(SnpChain, PinnedArkIsTheAnchorNotTheCollateralOne) {
  SNP_REQUIRE_VECTORS(snp);
  const VectorCase c = load_case(snp, "virtee_milan_v2");
  Collateral col = load(c.collateral);
  col.ark.reset();
  SnpVerifier verifier;
  EXPECT_FALSE(failure_of(verifier.verify(c.report, col, at(c.at))));
  col.ark = *crypto::Certificate::from_file((snp / "roots" / "turin_ask.pem").string());
  auto r = verifier.verify(c.report, col, at(c.at));
  ASSERT_TRUE(failure_of(r));
  EXPECT_NE(failure_of(r)->message.find("is an unknown key"), std::string::npos)
      << failure_of(r)->message;
}

// Validity at the caller's time, also through the cache: a chain cached at a good time is not
// reused outside its window.
TEST(SnpChain, ExpiredAndNotYetValidAreRefusedEvenWhenCached) {
  SNP_REQUIRE_VECTORS(snp);
  const VectorCase c = load_case(snp, "trustee_milan_v2");  // VCEK 2023-01-24 .. 2030-01-24
  SnpVerifier verifier;
  ASSERT_FALSE(failure_of(verifier.verify(c.report, c.collateral, at(c.at))));
  EXPECT_EQ(verifier.chain_cache().size(), 1u);
  for (const char* when : {"2030-02-01T00:00:00Z", "2022-06-01T00:00:00Z"}) {
    auto r = verifier.verify(c.report, c.collateral, at(*crypto::parse_time(when)));
    ASSERT_TRUE(failure_of(r)) << when;
    EXPECT_EQ(failure_of(r)->kind, FailureKind::VerifyFailed);
    EXPECT_NE(failure_of(r)->message.find("SEV-VCEK"), std::string::npos) << failure_of(r)->message;
  }
}

TEST(SnpChain, CrlWindowAndRequireCrl) {
  SNP_REQUIRE_VECTORS(snp);
  const VectorCase c = load_case(snp, "tav_milan_v3_crl");  // CRL valid until 2026-05-12
  SnpVerifier verifier;
  ASSERT_FALSE(failure_of(verifier.verify(c.report, c.collateral, at(c.at))));
  auto stale = verifier.verify(c.report, c.collateral, at(*crypto::parse_time("2026-06-01T00:00:00Z")));
  ASSERT_TRUE(failure_of(stale));
  EXPECT_NE(failure_of(stale)->message.find("CRL"), std::string::npos) << failure_of(stale)->message;

  const VectorCase no_crl = load_case(snp, "tav_milan_v3");
  VerifyOptions o = at(no_crl.at);
  o.require_crl = true;
  auto r = verifier.verify(no_crl.report, no_crl.collateral, o);
  ASSERT_TRUE(failure_of(r));
  EXPECT_EQ(failure_of(r)->kind, FailureKind::Collateral);
  // The Milan CRL offered for the Genoa chain: issuer mismatch.
  const VectorCase genoa = load_case(snp, "openpcc_azure_genoa_v3_crl");
  Collateral col = load(genoa.collateral);
  col.crls = load(c.collateral).crls;
  auto wrong = verifier.verify(genoa.report, col, at(genoa.at));
  ASSERT_TRUE(failure_of(wrong));
  EXPECT_NE(failure_of(wrong)->message.find("is not the chain's ARK"), std::string::npos)
      << failure_of(wrong)->message;
}

TEST(SnpChain, WarmCacheSkipsTheChainAndKeepsResults) {
  SNP_REQUIRE_VECTORS(snp);
  const VectorCase c = load_case(snp, "tav_turin_v5");
  SnpVerifier verifier;
  Collateral col = load(c.collateral);
  for (int i = 0; i < 3; ++i) {
    auto r = verifier.verify(c.report, col, at(c.at));
    ASSERT_FALSE(failure_of(r)) << describe(r);
  }
  EXPECT_EQ(verifier.chain_cache().size(), 1u);
}

// One verifier (one plugin context) serves concurrent verify() calls: the chain and folder
// caches are shared under their mutexes, every result stays right.
TEST(SnpChain, ConcurrentVerificationsShareTheCache) {
  SNP_REQUIRE_VECTORS(snp);
  const VectorCase good = load_case(snp, "tav_milan_v3");
  const VectorCase bad = load_case(snp, "NEGATIVE_aci_other_chip");
  SnpVerifier verifier;
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        const bool use_good = (i + t) % 2 == 0;
        const VectorCase& c = use_good ? good : bad;
        auto r = verifier.verify(c.report, std::optional(c.collateral), at(c.at));
        if (use_good == static_cast<bool>(failure_of(r))) ++wrong;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(verifier.chain_cache().size(), 2u);  // both chains are genuine and cached
}

TEST(SnpBinding, ReportDataMustMatchWhenExpected) {
  SNP_REQUIRE_VECTORS(snp);
  const VectorCase c = load_case(snp, "gsg_milan_v2_debug");
  SnpVerifier verifier;
  VerifyOptions o = at(c.at);
  std::array<std::uint8_t, 64> expected{};
  expected[0] = 1; expected[1] = 2; expected[2] = 3; expected[3] = 4; expected[4] = 5;
  o.expected_report_data = expected;
  EXPECT_FALSE(failure_of(verifier.verify(c.report, c.collateral, o)));
  expected[63] = 1;
  o.expected_report_data = expected;
  auto r = verifier.verify(c.report, c.collateral, o);
  ASSERT_TRUE(failure_of(r));
  EXPECT_EQ(failure_of(r)->kind, FailureKind::VerifyFailed);
  EXPECT_NE(failure_of(r)->message.find("REPORT_DATA"), std::string::npos);
}

// One flipped bit in any byte of the signed region or of the signature is refused. The chain is
// cached after the first call, so each probe costs one parse and one ECDSA verification.
TEST(SnpSweep, EveryByteOfSignedRegionAndSignatureMatters) {
  SNP_REQUIRE_VECTORS(snp);
  const VectorCase c = load_case(snp, "aci_milan_v3_2025");
  SnpVerifier verifier;
  const Collateral col = load(c.collateral);
  ASSERT_FALSE(failure_of(verifier.verify(c.report, col, at(c.at))));
  const std::size_t sig_end = 0x2E8 + 72;
  std::size_t accepted = 0;
  for (std::size_t i = 0; i < sig_end; ++i) {
    Bytes b = c.report;
    b[i] ^= 0x01;
    auto r = verifier.verify(b, col, at(c.at));
    if (!failure_of(r)) {
      ++accepted;
      ADD_FAILURE() << "flip at offset " << i << " was accepted";
    }
  }
  EXPECT_EQ(accepted, 0u);
  EXPECT_EQ(verifier.chain_cache().size(), 1u);
}

// The verifier keeps parsed collateral folders; a replaced file must be re-read, not served
// from memory (here: another chip's VCEK swapped in after a successful verification).
TEST(SnpCollateral, FolderCacheReloadsChangedFiles) {
  SNP_REQUIRE_VECTORS(snp);
  const VectorCase c = load_case(snp, "trustee_milan_v2");
  char tmpl[] = "/tmp/cchost-snp-col-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::filesystem::path dir = tmpl;
  for (const auto& e : std::filesystem::directory_iterator(c.collateral)) {
    std::filesystem::copy_file(e.path(), dir / e.path().filename());
  }
  SnpVerifier verifier;
  EXPECT_FALSE(failure_of(verifier.verify(c.report, std::optional(dir), at(c.at))));
  EXPECT_FALSE(failure_of(verifier.verify(c.report, std::optional(dir), at(c.at))));
  std::filesystem::copy_file(snp / "cases" / "virtee_milan_v2" / "collateral" / "vcek.der",
                             dir / "vcek.der", std::filesystem::copy_options::overwrite_existing);
  auto r = verifier.verify(c.report, std::optional(dir), at(c.at));
  ASSERT_TRUE(failure_of(r));
  EXPECT_NE(failure_of(r)->message.find("CHIP_ID"), std::string::npos) << failure_of(r)->message;
  std::filesystem::remove(dir / "vcek.der");
  auto missing = verifier.verify(c.report, std::optional(dir), at(c.at));
  ASSERT_TRUE(failure_of(missing));
  EXPECT_EQ(failure_of(missing)->kind, FailureKind::Collateral);
  std::filesystem::remove_all(dir);
}

TEST(SnpProduct, V2NeedsAProductSource) {
  SNP_REQUIRE_VECTORS(snp);
  const VectorCase c = load_case(snp, "trustee_milan_v2");
  auto report = parse_snp_report(c.report);
  ASSERT_TRUE(report.ok());
  Collateral none;
  EXPECT_FALSE(decide_product(*report, none, std::nullopt).ok());
  EXPECT_EQ(*decide_product(*report, none, Product::Genoa), Product::Genoa);
  Collateral col = load(c.collateral);
  EXPECT_EQ(*decide_product(*report, col, std::nullopt), Product::Milan);  // VCEK productName
  // A v2 report declared Genoa by configuration: the Genoa anchor does not fit the Milan chain.
  SnpVerifier verifier;
  VerifyOptions o = at(c.at);
  o.configured_product = Product::Genoa;
  EXPECT_TRUE(failure_of(verifier.verify(c.report, c.collateral, o)));
}

}  // namespace
}  // namespace cchost::snp
