// Every MAA vector of $CCHOST_VECTORS/azure/maa at the time PROVENANCE.md gives, with the
// outcome it gives: the genuine 2021 SGX token (valid signature under its pinned RSA-1024 key,
// refused by the 2048-bit floor, expired now), each maa/negative token, the test-instance SNP
// token (no pinned keys exist), the reference's corrupt "mock", and the synthetic matrix's
// verify-stage outcomes (tests/aci/aci_policy_test.cpp appraises the rest).
#include <gtest/gtest.h>

#include "aci_test_support.hpp"
#include "cchost/crypto/jws.hpp"
#include "cchost/crypto/x509.hpp"
#include "maa_claims.hpp"
#include "maa_instances.hpp"
#include "maa_token.hpp"
#include "plugin_config.hpp"
#include "report.hpp"
#include "aci_verifier.hpp"

namespace cchost::aci {
namespace {
using namespace test;

struct Outcome {
  bool ok = false;
  FailureKind kind = FailureKind::VerifyFailed;
  std::string message;
  AciClaims claims;
};

Outcome run(const std::string& token, const fs::path& collateral, std::int64_t at, const std::string& config = "") {
  AciPluginConfig cfg = parse_plugin_config(config);
  AciVerifier verifier(cfg);
  AciVerifyRequest r;
  r.evidence = token;
  r.at = at;
  auto result = verifier.verify(r, collateral);
  Outcome o;
  if (auto* f = std::get_if<AciFailure>(&result)) {
    o.kind = f->kind;
    o.message = f->message;
    return o;
  }
  o.ok = true;
  o.claims = std::get<AciClaims>(result);
  return o;
}

class AciMaaVectors : public ::testing::Test {
 protected:
  void SetUp() override {
    auto v = azure_vectors();
    if (!v) GTEST_SKIP() << "Azure vectors not found (set CCHOST_VECTORS to shared/vectors)";
    maa_ = *v / "maa";
    pin_instance(dir_.path(), kSharedWusHost, read_text(maa_ / "jwks_sharedwus_2021-05-05_subset.json"));
  }
  std::string token(const std::string& rel) { return read_text(maa_ / rel); }
  fs::path maa_;
  TempDir dir_{"vectors"};
};

constexpr const char* kLegacy = "min_rsa_bits = 1024\n";
constexpr std::int64_t kAtSharedWus = kSharedWusIat + 60;

TEST_F(AciMaaVectors, SgxSharedWusSignatureIsValidUnderItsPinnedKey) {
  // The signature itself, through the crypto layer the plugin uses, at the legacy key size.
  crypto::JwsOptions o;
  o.allowed_algs = {crypto::JwsAlg::RS256};
  o.jwks_json = read_text(maa_ / "jwks_sharedwus_2021-05-05_subset.json");
  o.min_rsa_bits = 1024;
  std::string t = token("sgx_sharedwus_2021-04-17.jwt");
  while (!t.empty() && (t.back() == '\n' || t.back() == '\r')) t.pop_back();
  auto v = crypto::verify_jws_compact(t, o);
  ASSERT_TRUE(v) << v.message();
  // Through the plugin, at its time: the signature and times pass; an SGX token carries no
  // x-ms-sevsnpvm-reportdata, so the x-az-aci verifier cannot check its runtime data.
  auto r = run(token("sgx_sharedwus_2021-04-17.jwt"), dir_.path(), kAtSharedWus, kLegacy);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.message.find("x-ms-sevsnpvm-reportdata\" missing (x-ms-attestation-type \"sgx\")"), std::string::npos)
      << r.message;
}

TEST_F(AciMaaVectors, SgxSharedWusRsa1024RefusedByDefault) {
  auto r = run(token("sgx_sharedwus_2021-04-17.jwt"), dir_.path(), kAtSharedWus);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.kind, FailureKind::VerifyFailed);
  EXPECT_NE(r.message.find("at least 2048 bits, got 1024"), std::string::npos) << r.message;
}

TEST_F(AciMaaVectors, SgxSharedWusExpiredNow) {
  auto now = crypto::parse_time("2026-01-01T00:00:00Z");
  auto r = run(token("sgx_sharedwus_2021-04-17.jwt"), dir_.path(), *now, kLegacy);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.message.find("MAA token expired: exp 2021-04-17T08:37:40Z"), std::string::npos) << r.message;
}

TEST_F(AciMaaVectors, EveryNegativeTokenIsRejectedForItsOwnReason) {
  // At the token's time with the legacy key size allowed, so that nothing but the defect
  // each file carries can reject it.
  const std::pair<const char*, const char*> cases[] = {
      {"negative/alg_none.jwt", "(unsecured) is always refused"},
      {"negative/alg_hs256_pubkey_as_secret.jwt", "(HMAC) is always refused"},
      {"negative/kid_unknown.jwt", "not found in the JWKS"},
      {"negative/payload_tampered_debuggable_false.jwt", "signature does not verify under RSA-1024 key"},
      {"negative/signature_truncated.jwt", "JWS signature: base64url"},
  };
  for (const auto& [file, reason] : cases) {
    SCOPED_TRACE(file);
    auto r = run(token(file), dir_.path(), kAtSharedWus, kLegacy);
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.kind, FailureKind::VerifyFailed);
    EXPECT_NE(r.message.find(reason), std::string::npos) << r.message;
    EXPECT_NE(r.message.find("MAA token signature (https://sharedwus.wus.attest.azure.net)"), std::string::npos)
        << r.message;
  }
}

TEST_F(AciMaaVectors, NvflareMockTokenIsMalformed) {
  pin_instance(dir_.path(), "sharedeus2.eus2.attest.azure.net", read_text(maa_ / "jwks_sharedwus_2021-05-05_subset.json"));
  auto r = run(token("nvflare_mock_cvm_corrupt.jwt"), dir_.path(), 1709914696 + 60);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.kind, FailureKind::Malformed);
  EXPECT_NE(r.message.find("MAA token payload: not valid UTF-8 JSON"), std::string::npos) << r.message;
}

TEST_F(AciMaaVectors, SnpWeuTestTokenRejectedNamingItsUnpinnedIssuer) {
  auto r = run(token("snp_weu_test.jwt"), dir_.path(), 1744085700 + 60);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.kind, FailureKind::VerifyFailed);
  EXPECT_NE(r.message.find("issuer \"https://sharedweu.weu.test.attest.azure.net\" is not a trusted MAA instance"),
            std::string::npos)
      << r.message;
  // Pinning another instance's keys under its name does not help: no key has its kid.
  pin_instance(dir_.path(), "sharedweu.weu.test.attest.azure.net", read_text(maa_ / "jwks_sharedwus_2021-05-05_subset.json"));
  r = run(token("snp_weu_test.jwt"), dir_.path(), 1744085700 + 60);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.message.find("not found in the JWKS"), std::string::npos) << r.message;
}

// NOTES §3: all 17 report-derived claims of snp_weu_test.jwt equal the fields of the report MAA
// was sent. The claims come from the (unverifiable) payload; the report is parsed by the SNP
// plugin's own parser, so the two readings of one report are checked against each other.
TEST_F(AciMaaVectors, SnpWeuTestClaimsEqualTheSubmittedReport) {
  auto parsed = parse_maa_token(token("snp_weu_test.jwt"));
  ASSERT_TRUE(parsed) << parsed.message();
  auto claims = claims_from_maa(parsed->payload, "https://sharedweu.weu.test.attest.azure.net", false, 1744085760);
  ASSERT_TRUE(claims) << claims.message();
  const std::string bin = read_text(maa_ / "snp_weu_test_snp_report.bin");
  auto report = snp::parse_snp_report(as_bytes(bin));
  ASSERT_TRUE(report) << report.message();
  auto hex = [&](const char* name) { return crypto::hex_encode(claims->hexes.at(name)); };
  EXPECT_EQ(hex("aci.host_data"), crypto::hex_encode(report->host_data));
  EXPECT_EQ(hex("aci.launch_measurement"), crypto::hex_encode(report->measurement));
  EXPECT_EQ(hex("aci.report_data"), crypto::hex_encode(report->report_data));
  EXPECT_EQ(hex("aci.report_id"), crypto::hex_encode(report->report_id));
  EXPECT_EQ(hex("aci.id_key_digest"), crypto::hex_encode(report->id_key_digest));
  EXPECT_EQ(hex("aci.author_key_digest"), crypto::hex_encode(report->author_key_digest));
  EXPECT_EQ(hex("aci.family_id"), crypto::hex_encode(report->family_id));
  EXPECT_EQ(hex("aci.image_id"), crypto::hex_encode(report->image_id));
  EXPECT_EQ(claims->ints.at("aci.guest_svn"), static_cast<std::int64_t>(report->guest_svn));
  EXPECT_EQ(claims->ints.at("aci.vmpl"), static_cast<std::int64_t>(report->vmpl));
  EXPECT_EQ(claims->bools.at("aci.debuggable"), report->policy.debug);
  EXPECT_EQ(claims->bools.at("aci.migration_allowed"), report->policy.migrate_ma);
  EXPECT_EQ(claims->bools.at("aci.smt_allowed"), report->policy.smt);
  const auto tcb = snp::decode_tcb(report->reported_tcb, snp::Product::Milan);
  EXPECT_EQ(claims->ints.at("aci.reported_tcb.bootloader"), tcb.bootloader);
  EXPECT_EQ(claims->ints.at("aci.reported_tcb.tee"), tcb.tee);
  EXPECT_EQ(claims->ints.at("aci.reported_tcb.snp"), tcb.snp);
  EXPECT_EQ(claims->ints.at("aci.reported_tcb.microcode"), tcb.microcode);
  // No x-ms-compliance-status: a policy that requires it rejects (policy test).
  EXPECT_EQ(claims->strings.count("aci.compliance_status"), 0u);
}

// Found by fuzz_aci_jws: claims of a payload that never went through the time checks.
TEST(AciMaaClaims, MissingOrMistypedTimesAreErrorsNotExceptions) {
  for (const char* payload : {R"({"iss":"x"})", R"({"iat":"1","nbf":1,"exp":2})", R"({"iat":1,"nbf":1,"exp":1.5})",
                              R"({"iat":18446744073709551615,"nbf":1,"exp":2})"}) {
    SCOPED_TRACE(payload);
    auto doc = parse_json_object(payload, "payload");
    ASSERT_TRUE(doc);
    EXPECT_FALSE(claims_from_maa(*doc, "https://x", false, 10));
  }
}

// NOTES §2 (b): keys Microsoft's PKI issued chain to Microsoft Root CA 2011 with the MAA EKU; the
// enclave self-signed key of the same JWKS is pinned as it is.
TEST_F(AciMaaVectors, PkiIssuedKeysOfGnkuks001ChainToThePinnedRoot) {
  TempDir dir("pki");
  pin_instance(dir.path(), "gnkuks001.uks.attest.azure.net", read_text(maa_ / "jwks_gnkuks001_2020-05.json"));
  auto instances = TrustedInstances::load(dir.path());
  ASSERT_TRUE(instances) << instances.message();
  const MaaInstance* gnkuks = instances->find("https://gnkuks001.uks.attest.azure.net");
  ASSERT_NE(gnkuks, nullptr);
  EXPECT_EQ(gnkuks->pki_chains.size(), 4u);  // the fifth key is the enclave's self-signed one
  EXPECT_EQ(gnkuks->pki_chains.count("KQFAHrk1xALKHBD4b4u7TCvCJ1Mw0MlYZe+rxdePOtg="), 0u);
  const auto& chain = gnkuks->pki_chains.at("ZQzLfoNwhBNCu9r8Fucjn6H4Cdw");
  auto in_2020 = check_maa_pki_chain(chain, *crypto::parse_time("2020-05-27T00:00:00Z"));
  EXPECT_TRUE(in_2020) << in_2020.message();
  auto now = check_maa_pki_chain(chain, *crypto::parse_time("2026-01-01T00:00:00Z"));
  EXPECT_FALSE(now);  // the 2019 signing certificates expired in 2020
  // A chain that does not end in the pinned root, or a leaf without the EKU, is refused.
  EXPECT_NE(check_maa_pki_chain({chain[0], chain[1]}, *crypto::parse_time("2020-05-27T00:00:00Z")).message().find(
                "not the pinned Microsoft Root CA 2011"),
            std::string::npos);
  EXPECT_NE(check_maa_pki_chain({chain[1], chain[2]}, *crypto::parse_time("2020-05-27T00:00:00Z")).message().find(
                "extendedKeyUsage"),
            std::string::npos);
}

TEST_F(AciMaaVectors, SyntheticMatrixVerifyStage) {
  pin_instance(dir_.path(), kTestHost, read_text(maa_ / "synthetic" / "test_issuer_jwks.json"));
  // Rejected by the verifier itself (registered claims); the others verify and are left to the
  // policy (aci_policy_test.cpp), which must then reject all but "ok".
  const std::pair<const char*, const char*> rejected[] = {
      {"expired", "MAA token expired"},
      {"nbf_future", "MAA token not yet valid"},
      {"iss_wrong", "is not a trusted MAA instance"},
      {"exp_missing", "\"exp\" missing (required)"},
  };
  for (const auto& [name, reason] : rejected) {
    SCOPED_TRACE(name);
    auto r = run(token(std::string("synthetic/") + name + ".jwt"), dir_.path(), kSyntheticAt);
    EXPECT_FALSE(r.ok);
    EXPECT_NE(r.message.find(reason), std::string::npos) << r.message;
  }
  auto ok = run(token("synthetic/ok.jwt"), dir_.path(), kSyntheticAt);
  ASSERT_TRUE(ok.ok) << ok.message;
  EXPECT_EQ(ok.claims.strings.at("aci.issuer"), "https://test-maa.invalid");
  EXPECT_EQ(ok.claims.strings.at("aci.compliance_status"), "azure-compliant-uvm");
  EXPECT_EQ(ok.claims.ints.at("aci.uvm_svn"), 101);
  EXPECT_EQ(ok.claims.strings.at("aci.runtime.nonce"), "dGVzdC1ub25jZS0wMDAx");
  EXPECT_FALSE(ok.claims.simulated);
  EXPECT_EQ(ok.claims.issued_at, 1735689600);
}

TEST_F(AciMaaVectors, SyntheticOkOutsideItsWindowIsRejected) {
  pin_instance(dir_.path(), kTestHost, read_text(maa_ / "synthetic" / "test_issuer_jwks.json"));
  // nbf = iat = 1735689600: one skew before is still valid, one second more is not.
  EXPECT_TRUE(run(token("synthetic/ok.jwt"), dir_.path(), 1735689600 - 60).ok);
  EXPECT_FALSE(run(token("synthetic/ok.jwt"), dir_.path(), 1735689600 - 61).ok);
  EXPECT_FALSE(run(token("synthetic/ok.jwt"), dir_.path(), 1735689600 - 61, "clock_skew = 0\n").ok);
}

}  // namespace
}  // namespace cchost::aci
