// Azure Attestation (MAA) tokens from $CCHOST_VECTORS/azure/maa: a genuine RS256 token and
// its JWKS (RSA-1024, x5c-only entry), the malformed variants in negative/ (see the folder's
// PROVENANCE.md: all must be rejected against the pinned sharedwus JWKS), and the synthetic
// issuer's token.
#include <gtest/gtest.h>

#include <filesystem>

#include "cchost/crypto/jws.hpp"
#include "crypto_test_support.hpp"

namespace cchost::crypto {
namespace {

namespace fs = std::filesystem;

fs::path maa_dir() {
  fs::path v = test::vectors_dir();
  return v.empty() || !fs::is_directory(v / "azure/maa") ? fs::path() : v / "azure/maa";
}

std::string token_file(const fs::path& path) {
  std::string t = test::read_text(path);
  while (!t.empty() && (t.back() == '\n' || t.back() == '\r' || t.back() == ' ')) t.pop_back();
  return t;
}

class CryptoJwsMaa : public ::testing::Test {
 protected:
  void SetUp() override {
    if (maa_dir().empty()) GTEST_SKIP() << "Azure MAA vectors absent: set CCHOST_VECTORS";
  }
  // The sharedwus signer is RSA-1024 (2021): allowed here explicitly, refused by default.
  JwsOptions sharedwus() const {
    JwsOptions o;
    o.allowed_algs = {JwsAlg::RS256};
    o.jwks_json = test::read_text(maa_dir() / "jwks_sharedwus_2021-05-05_subset.json");
    o.min_rsa_bits = 1024;
    return o;
  }
};

TEST_F(CryptoJwsMaa, GenuineTokenVerifiesWithX5cOnlyJwks) {
  auto r = verify_jws_compact(token_file(maa_dir() / "sgx_sharedwus_2021-04-17.jwt"), sharedwus());
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_EQ(r->alg, JwsAlg::RS256);
  EXPECT_EQ(r->kid, "15N2MHoj9iAdkF/c5nRE3J2HB8JG6Vue3Uzvu3K/Ses=");
  std::string payload(r->payload.begin(), r->payload.end());
  EXPECT_NE(payload.find("https://sharedwus.wus.attest.azure.net"), std::string::npos);
}

TEST_F(CryptoJwsMaa, Rsa1024RefusedByDefault) {
  JwsOptions o = sharedwus();
  o.min_rsa_bits = JwsOptions{}.min_rsa_bits;
  auto r = verify_jws_compact(token_file(maa_dir() / "sgx_sharedwus_2021-04-17.jwt"), o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.message().find("at least 2048 bits, got 1024"), std::string::npos) << r.message();
}

TEST_F(CryptoJwsMaa, NegativeTokensAreAllRejectedWithTheirReason) {
  const std::pair<const char*, const char*> cases[] = {
      {"alg_none.jwt", "always refused"},
      {"alg_hs256_pubkey_as_secret.jwt", "(HMAC) is always refused"},
      {"kid_unknown.jwt", "not found in the JWKS"},
      {"payload_tampered_debuggable_false.jwt", "does not verify"},
      {"signature_truncated.jwt", "signature"},
  };
  for (auto [file, reason] : cases) {
    fs::path path = maa_dir() / "negative" / file;
    if (!fs::exists(path)) continue;
    auto r = verify_jws_compact(token_file(path), sharedwus());
    ASSERT_FALSE(r.ok()) << file << " was accepted";
    EXPECT_NE(r.message().find(reason), std::string::npos) << file << ": " << r.message();
  }
  // Any other negative token in the folder must be rejected too.
  for (const auto& entry : fs::directory_iterator(maa_dir() / "negative")) {
    if (entry.path().extension() != ".jwt") continue;
    EXPECT_FALSE(verify_jws_compact(token_file(entry.path()), sharedwus()).ok())
        << entry.path().filename();
  }
}

TEST_F(CryptoJwsMaa, CorruptedGenuineTokenIsRejected) {
  fs::path path = maa_dir() / "nvflare_mock_cvm_corrupt.jwt";
  if (!fs::exists(path)) GTEST_SKIP() << "nvflare_mock_cvm_corrupt.jwt absent";
  EXPECT_FALSE(verify_jws_compact(token_file(path), sharedwus()).ok());
}

TEST_F(CryptoJwsMaa, SyntheticIssuerTokenVerifiesOnlyWithItsJwks) {
  fs::path ok = maa_dir() / "synthetic/ok.jwt";
  if (!fs::exists(ok)) GTEST_SKIP() << "synthetic MAA vectors absent";
  JwsOptions o;
  o.allowed_algs = {JwsAlg::RS256};
  o.jwks_json = test::read_text(maa_dir() / "synthetic/test_issuer_jwks.json");
  auto r = verify_jws_compact(token_file(ok), o);
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_EQ(r->kid, "test-maa-kid-1");
  // The synthetic token under the genuine JWKS: unknown kid.
  EXPECT_FALSE(verify_jws_compact(token_file(ok), sharedwus()).ok());
  // Only PS256 allowed: refused before any key is looked up.
  o.allowed_algs = {JwsAlg::PS256};
  auto alg = verify_jws_compact(token_file(ok), o);
  ASSERT_FALSE(alg.ok());
  EXPECT_EQ(alg.message(), "JWS: alg RS256 not allowed: allowed [PS256]");
}

}  // namespace
}  // namespace cchost::crypto
