// The raw path on $CCHOST_VECTORS/azure/aci_raw: the CAA capture (report, THIM certificates, UVM
// endorsement, allow-all CCE policy) verifies through the SNP plugin's verifier and the pinned
// supply-chain root; the other-chip report, a CCE policy that is not the one launched, and any
// edit of the endorsement are rejected; the 2024 security-context endorsement verifies on its own
// at its signing time although its leaf has since expired.
#include <gtest/gtest.h>

#include "aci_test_support.hpp"
#include "aci_verifier.hpp"
#include "cchost/crypto/hash.hpp"
#include "cchost/crypto/x509.hpp"
#include "cose_sign1.hpp"
#include "plugin_config.hpp"
#include "uvm_endorsement.hpp"

namespace cchost::aci {
namespace {
using namespace test;

constexpr const char* kCaaMeasurement =
    "5feee30d6d7e1a29f403d70a4198237ddfb13051a2d6976439487c609388ed7f98189887920ab2fa0096903a0c23fca1";
constexpr const char* kAllowAll = "cadd74f71ebb8fbf9782baab649612520f3c416bc5ce9ac768808ddc8d9b031c";

std::string b64(const std::string& bytes) { return crypto::base64_encode(as_bytes(bytes)); }

class AciRawVectors : public ::testing::Test {
 protected:
  void SetUp() override {
    auto v = azure_vectors();
    if (!v) GTEST_SKIP() << "Azure vectors not found (set CCHOST_VECTORS to shared/vectors)";
    raw_ = *v / "aci_raw";
    at_ = *crypto::parse_time("2025-07-25T00:00:00Z");  // the CAA commit that published the capture
  }
  // The sidecar's /attest/combined answer for the CAA capture, with the CCE policy beside it.
  Json caa_evidence(const std::string& report_file = "caa2025_snp_report.bin",
                    const std::string& policy_file = "caa2025_cce_policy_allow_all.rego") {
    auto thim = parse_json_object(read_text(raw_ / "caa2025_thim_certs.json"), "thim");
    Json e;
    e["evidence"] = b64(read_text(raw_ / report_file));
    e["endorsements"] = b64((*thim)["vcekCert"].get<std::string>() + (*thim)["certificateChain"].get<std::string>());
    e["uvm_endorsements"] = b64(read_text(raw_ / "caa2025_uvm_endorsement.cose"));
    e["endorsed_tcb"] = (*thim)["tcbm"];
    e["security_policy"] = b64(read_text(raw_ / policy_file));
    return e;
  }
  std::variant<AciClaims, AciFailure> run(const Json& evidence, std::optional<Binding> binding = std::nullopt,
                                          std::optional<std::int64_t> at = std::nullopt) {
    AciVerifier verifier(cfg_);
    const std::string text = compact_json(evidence);
    return verifier.verify({text, binding, at.value_or(at_)}, dir_.path());
  }
  static std::string failure(const std::variant<AciClaims, AciFailure>& r) {
    return std::holds_alternative<AciFailure>(r) ? std::get<AciFailure>(r).message : std::string("(verified)");
  }
  fs::path raw_;
  std::int64_t at_ = 0;
  AciPluginConfig cfg_;
  TempDir dir_{"raw"};
};

TEST_F(AciRawVectors, CaaCaptureVerifiesWithoutMaa) {
  auto r = run(caa_evidence());
  ASSERT_TRUE(std::holds_alternative<AciClaims>(r)) << failure(r);
  const auto& c = std::get<AciClaims>(r);
  EXPECT_EQ(c.evidence_path, "raw");
  EXPECT_FALSE(c.simulated);
  EXPECT_EQ(crypto::hex_encode(c.hexes.at("aci.host_data")), kAllowAll);
  EXPECT_EQ(crypto::hex_encode(c.hexes.at("aci.launch_measurement")), kCaaMeasurement);
  EXPECT_EQ(crypto::hex_encode(c.hexes.at("aci.uvm_launch_measurement")), kCaaMeasurement);
  EXPECT_EQ(c.ints.at("aci.uvm_svn"), 101);
  EXPECT_EQ(c.strings.at("aci.uvm_feed"), "ContainerPlat-AMD-UVM");
  EXPECT_EQ(c.strings.at("aci.compliance_status"), "azure-compliant-uvm");
  EXPECT_EQ(c.strings.at("aci.attestation_type"), "sevsnpvm");
  EXPECT_FALSE(c.bools.at("aci.debuggable"));
  EXPECT_EQ(c.ints.at("aci.vmpl"), 0);
  EXPECT_EQ(c.ints.at("aci.reported_tcb.snp"), 24);
  EXPECT_EQ(c.ints.at("aci.reported_tcb.microcode"), 219);
  EXPECT_EQ(c.strings.count("aci.issuer"), 0u);  // no MAA instance was involved
  // Still valid today: the endorsement is checked at its signing time, the VCEK lives 7 years.
  auto now = run(caa_evidence(), std::nullopt, *crypto::parse_time("2026-12-01T00:00:00Z"));
  EXPECT_TRUE(std::holds_alternative<AciClaims>(now)) << failure(now);
}

TEST_F(AciRawVectors, OtherChipReportIsRejected) {
  // host_data matches its own (HEAD) allow-all policy; the VCEK is another chip's.
  auto r = run(caa_evidence("caa2025_head_snp_report_otherchip.bin", "caa2025_head_cce_policy_allow_all.rego"));
  ASSERT_TRUE(std::holds_alternative<AciFailure>(r));
  EXPECT_EQ(std::get<AciFailure>(r).kind, FailureKind::VerifyFailed);
  EXPECT_NE(failure(r).find("ACI raw evidence SNP report"), std::string::npos) << failure(r);
}

TEST_F(AciRawVectors, CcePolicyMustBeTheOneLaunched) {
  auto r = run(caa_evidence("caa2025_snp_report.bin", "caa2025_cce_policy_strict.rego"));
  EXPECT_NE(failure(r).find("HOST_DATA must be SHA-256(security_policy)"), std::string::npos) << failure(r);
  auto e = caa_evidence();
  e["security_policy"] = b64(read_text(raw_ / "caa2025_cce_policy_allow_all.rego") + "\n");
  EXPECT_NE(failure(run(e)).find("HOST_DATA must be"), std::string::npos);
}

TEST_F(AciRawVectors, EndorsedTcbMustBeTheReportedTcb) {
  auto e = caa_evidence();
  e["endorsed_tcb"] = "DB18000000000003";
  EXPECT_NE(failure(run(e)).find("differs from REPORTED_TCB"), std::string::npos) << failure(run(e));
}

TEST_F(AciRawVectors, BindingNeedsRuntimeDataThatReportDataCommitsTo) {
  // The CAA report's REPORT_DATA is "example-report-data", not SHA-256 of any runtime data.
  EXPECT_NE(failure(run(caa_evidence(), binding_of(1))).find("no runtime_data"), std::string::npos);
  auto e = caa_evidence();
  e["runtime_data"] = b64(make_runtime_data(binding_of(1)));
  auto r = run(e, binding_of(1));
  EXPECT_NE(failure(r).find("REPORT_DATA"), std::string::npos) << failure(r);
}

TEST_F(AciRawVectors, EditedEndorsementsAreRejected) {
  const std::string cose = read_text(raw_ / "caa2025_uvm_endorsement.cose");
  // The payload (svn, measurement) sits near the end, before the 384-byte signature.
  for (std::size_t pos : {cose.size() - 400, cose.size() - 10, std::size_t{40}, std::size_t{9}}) {
    SCOPED_TRACE(pos);
    std::string edited = cose;
    edited[pos] = static_cast<char>(edited[pos] ^ 0x01);
    auto e = caa_evidence();
    e["uvm_endorsements"] = b64(edited);
    EXPECT_TRUE(std::holds_alternative<AciFailure>(run(e)));
  }
  auto e = caa_evidence();
  e["uvm_endorsements"] = b64(cose + std::string(1, '\0'));
  EXPECT_NE(failure(run(e)).find("bytes after the CBOR item"), std::string::npos) << failure(run(e));
}

TEST_F(AciRawVectors, MalformedEvidenceJsonIsMalformed) {
  auto e = caa_evidence();
  e["extra"] = "x";
  EXPECT_NE(failure(run(e)).find("unknown member \"extra\""), std::string::npos);
  auto f = caa_evidence();
  f.erase("uvm_endorsements");
  EXPECT_NE(failure(run(f)).find("\"uvm_endorsements\" missing"), std::string::npos);
  auto g = caa_evidence();
  g["evidence"] = "not base64!";
  auto r = run(g);
  ASSERT_TRUE(std::holds_alternative<AciFailure>(r));
  EXPECT_EQ(std::get<AciFailure>(r).kind, FailureKind::Malformed);
}

TEST_F(AciRawVectors, SecurityContext2024EndorsementVerifiesAtItsSigningTime) {
  auto cose = crypto::base64_decode(read_text(raw_ / "secctx2024" / "reference-info-base64"));
  ASSERT_TRUE(cose) << cose.message();
  auto uvm = verify_uvm_endorsement(*cose, pinned_uvm_roots(), *crypto::parse_time("2026-12-01T00:00:00Z"));
  ASSERT_TRUE(uvm) << uvm.message();
  EXPECT_EQ(uvm->svn, 100);
  EXPECT_EQ(crypto::hex_encode(uvm->launch_measurement).substr(0, 8), "03fea028");
  EXPECT_FALSE(uvm->simulated);
  // Signed after the verification time: refused.
  auto early = verify_uvm_endorsement(*cose, pinned_uvm_roots(), uvm->signing_time - 1);
  EXPECT_FALSE(early);
  EXPECT_NE(early.message().find("after the verification time"), std::string::npos) << early.message();
  // No pinned root: refused by the fingerprint the iss names.
  auto unpinned = verify_uvm_endorsement(*cose, {UvmRoot{Bytes(32, 0), false}}, uvm->signing_time + 1);
  EXPECT_NE(unpinned.message().find("not a pinned supply-chain root"), std::string::npos) << unpinned.message();
  auto policy = crypto::base64_decode(read_text(raw_ / "secctx2024" / "security-policy-base64"));
  ASSERT_TRUE(policy);
  EXPECT_EQ(crypto::hex_encode(crypto::sha256(*policy)).substr(0, 8), "4f4448c6");
}

TEST_F(AciRawVectors, EndorsementCacheNeverAnswersBeforeTheSigningTime) {
  const std::string cose = read_text(raw_ / "caa2025_uvm_endorsement.cose");
  UvmEndorsementCache cache;
  auto first = cache.verify(as_bytes(cose), pinned_uvm_roots(), at_);
  ASSERT_TRUE(first) << first.message();
  EXPECT_TRUE(cache.verify(as_bytes(cose), pinned_uvm_roots(), at_ + 1));  // a hit
  auto early = cache.verify(as_bytes(cose), pinned_uvm_roots(), first->signing_time - 1);
  EXPECT_FALSE(early);
  // Other roots are another key: a hit under the pinned root does not serve an unpinned set.
  EXPECT_FALSE(cache.verify(as_bytes(cose), {UvmRoot{Bytes(32, 0), false}}, at_));
}

TEST_F(AciRawVectors, LeafCarriesTheUvmSigningEku) {
  auto cose = parse_cose_sign1(as_bytes(read_text(raw_ / "caa2025_uvm_endorsement.cose")));
  ASSERT_TRUE(cose) << cose.message();
  ASSERT_EQ(cose->x5chain.size(), 3u);
  auto leaf = crypto::Certificate::from_der(cose->x5chain[0]);
  ASSERT_TRUE(leaf);
  auto eku = leaf->extended_key_usage();
  ASSERT_TRUE(eku) << eku.message();
  EXPECT_NE(std::find(eku->begin(), eku->end(), kUvmSigningEku), eku->end());
  EXPECT_EQ(cose->alg, -38);
  EXPECT_EQ(cose->feed, "ContainerPlat-AMD-UVM");
  EXPECT_EQ(cose->signing_time, 1731561659);
  auto root = crypto::Certificate::from_der(cose->x5chain[2]);
  ASSERT_TRUE(root);
  EXPECT_EQ(crypto::base64url_encode(root->sha256()), kUvmRootFingerprint);
}

TEST(AciCose, DeclaredSizesBeyondTheInputAreRefusedBeforeAllocation) {
  // Found by fuzz_aci_cose: libcbor 0.8 allocates a definite array of the declared size first.
  const std::uint8_t huge_array[] = {0xD2, 0x9B, 0x00, 0x00, 0x00, 0x02, 0xF8, 0x00, 0x00, 0x00};
  auto r = parse_cose_sign1(ByteView(huge_array, sizeof huge_array));
  ASSERT_FALSE(r);
  EXPECT_NE(r.message().find("more items declared than bytes remain"), std::string::npos) << r.message();
  const std::uint8_t huge_map[] = {0x84, 0x40, 0xBA, 0x7F, 0xFF, 0xFF, 0xFF, 0x40, 0x40};
  EXPECT_FALSE(parse_cose_sign1(ByteView(huge_map, sizeof huge_map)));
  const std::uint8_t indefinite[] = {0x9F, 0x40, 0xA0, 0x40, 0x40, 0xFF};
  EXPECT_NE(parse_cose_sign1(ByteView(indefinite, sizeof indefinite)).message().find("indefinite"), std::string::npos);
  std::vector<std::uint8_t> deep(40, 0x81);  // [[[[...]]]]
  deep.push_back(0x00);
  EXPECT_NE(parse_cose_sign1(deep).message().find("nested deeper"), std::string::npos);
}

TEST_F(AciRawVectors, EveryTruncatedEndorsementIsRefused) {
  const std::string cose = read_text(raw_ / "caa2025_uvm_endorsement.cose");
  for (std::size_t n = 0; n < cose.size(); n += 97) {
    EXPECT_FALSE(parse_cose_sign1(as_bytes(std::string_view(cose).substr(0, n)))) << n;
  }
}

}  // namespace
}  // namespace cchost::aci
