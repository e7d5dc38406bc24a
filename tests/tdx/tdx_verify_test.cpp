// End-to-end verification of the genuine quotes at the times PROVENANCE.md records, with their
// collateral, and the attacks: byte flips across the signed regions, signatures and
// certification data; tampered TCB Info; expired and not-yet-valid collateral; missing CRLs.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "cchost/crypto/encoding.hpp"
#include "cchost/crypto/signature.hpp"
#include "claims.hpp"
#include "tdx_test_support.hpp"
#include "verifier.hpp"
#include "verify_pck.hpp"

namespace cchost::tdx {
namespace {

using test::at;

// phala/quote_v4_uptodate: dcap-qvl asserts UpToDate at min(nextUpdate) - 1 s.
constexpr const char* kPhalaTime = "2025-07-19T10:00:34Z";
// go-tdx-guest's currentTime for its 2023 collateral.
constexpr const char* kGtgTime = "2023-07-01T01:00:00Z";

std::string failure_of(const std::variant<VerifiedQuote, Failure>& r) {
  if (const auto* f = std::get_if<Failure>(&r)) return f->message;
  return "accepted";
}

class TdxVerify : public ::testing::Test {
 protected:
  void SetUp() override {
    auto v = test::vectors();
    if (!v) GTEST_SKIP() << "CCHOST_VECTORS is not set (or has no tdx/): skipped";
    vec_ = *v;
  }
  std::filesystem::path collateral(const test::CollateralFiles& files) {
    test::assemble(vec_, files, tmp_.path());
    return tmp_.path();
  }
  std::filesystem::path vec_;
  test::TempDir tmp_;
  TdxVerifier verifier_{TrustAnchors{}};
};

TEST_F(TdxVerify, PhalaUpToDateVerifiesAtItsRecordedTime) {
  const Bytes quote = test::read_file(vec_ / "phala/quote_v4_uptodate.dat");
  auto r = verifier_.verify(quote, vec_ / "phala/quote_v4_uptodate.collateral", {at(kPhalaTime), std::nullopt});
  ASSERT_TRUE(std::holds_alternative<VerifiedQuote>(r)) << failure_of(r);
  const auto& v = std::get<VerifiedQuote>(r);
  EXPECT_EQ(v.tcb.status, "UpToDate");
  EXPECT_TRUE(v.tcb.advisory_ids.empty());
  EXPECT_EQ(v.qe.status, "UpToDate");
  EXPECT_FALSE(v.simulated);
  EXPECT_EQ(crypto::hex_encode(v.pck.fmspc), "b0c06f000000");
  EXPECT_EQ(v.collateral_expires, at("2025-07-19T10:00:35Z"));
  const auto claims = nlohmann::json::parse(make_quote_claims(v, at(kPhalaTime)).to_json());
  const auto& c = claims["records"][0]["claims"];
  EXPECT_EQ(claims["namespace"], "x-tdx");
  EXPECT_EQ(c["tdx.tcb_status"]["value"], "UpToDate");
  EXPECT_EQ(c["tdx.advisory_ids"]["value"], "");
  EXPECT_EQ(c["tdx.debug"]["value"], false);
  EXPECT_EQ(c["tdx.sept_ve_disable"]["value"], true);
  EXPECT_EQ(c["tdx.fmspc"]["value"], "b0c06f000000");
  EXPECT_EQ(c["tdx.tcb_date"]["value"], "2024-03-13T00:00:00Z");
  EXPECT_EQ(c["tdx.tcb_date_ymd"]["value"], "2024.3.13");
}

TEST_F(TdxVerify, TheDcapQvlBundleWorksUnchanged) {
  std::filesystem::copy_file(vec_ / "phala/quote_v4_uptodate.collateral_bundle.json",
                             tmp_.path() / "quote_v4_uptodate.collateral_bundle.json");
  const Bytes quote = test::read_file(vec_ / "phala/quote_v4_uptodate.dat");
  auto r = verifier_.verify(quote, tmp_.path(), {at(kPhalaTime), std::nullopt});
  ASSERT_TRUE(std::holds_alternative<VerifiedQuote>(r)) << failure_of(r);
  EXPECT_EQ(std::get<VerifiedQuote>(r).tcb.status, "UpToDate");
}

TEST_F(TdxVerify, DebugTdWithGtgCollateralIsUpToDateAndDebug) {
  const auto dir = collateral(test::gtg_2023_collateral());
  const Bytes quote = test::read_file(vec_ / "trustee/quote_v4_debug_td.dat");
  auto r = verifier_.verify(quote, dir, {at(kGtgTime), std::nullopt});
  ASSERT_TRUE(std::holds_alternative<VerifiedQuote>(r)) << failure_of(r);
  const auto& v = std::get<VerifiedQuote>(r);
  EXPECT_EQ(v.tcb.status, "UpToDate");
  EXPECT_TRUE(v.quote.body.td_attributes.debug());
  EXPECT_TRUE(v.quote.body.td_attributes.sept_ve_disable());
  // trustee's parse_tdx_claims expectations.
  const auto expected = test::read_json(vec_ / "trustee/quote_v4_debug_td.claims_expected.json")["quote"]["body"];
  const auto claims = nlohmann::json::parse(make_quote_claims(v, at(kGtgTime)).to_json())["records"][0]["claims"];
  EXPECT_EQ(claims["tdx.mr_td"]["value"], expected["mr_td"]);
  EXPECT_EQ(claims["tdx.rtmr0"]["value"], expected["rtmr_0"]);
  EXPECT_EQ(claims["tdx.rtmr1"]["value"], expected["rtmr_1"]);
  EXPECT_EQ(claims["tdx.report_data"]["value"], expected["report_data"]);
  EXPECT_EQ(claims["tdx.td_attributes"]["value"], expected["td_attributes"]);
  EXPECT_EQ(claims["tdx.xfam"]["value"], expected["xfam"]);
  EXPECT_EQ(claims["tdx.tee_tcb_svn"]["value"], expected["tcb_svn"]);
  EXPECT_EQ(claims["tdx.debug"]["value"], true);
}

TEST_F(TdxVerify, SprE4HasNoMatchingTcbLevel) {
  const auto dir = collateral(test::gtg_2023_collateral());
  const Bytes quote = test::read_file(vec_ / "go-tdx-guest/quote_v4_spr_e4.dat");
  auto r = verifier_.verify(quote, dir, {at(kGtgTime), std::nullopt});
  EXPECT_NE(failure_of(r).find("no TCB level matches the platform"), std::string::npos) << failure_of(r);
}

TEST_F(TdxVerify, SprE4ChainAndSignaturesHoldIn2023AndExpireBy2053) {
  const auto dir = collateral(test::gtg_2023_collateral());
  auto raw = read_collateral_dir(dir);
  ASSERT_TRUE(raw) << raw.message();
  auto root_crl = crypto::Crl::from_pem_or_der(raw->root_ca_crl_der);
  auto pck_crl = crypto::Crl::from_pem_or_der(raw->pck_crl_der);
  ASSERT_TRUE(root_crl && pck_crl);
  const Bytes bytes = test::read_file(vec_ / "go-tdx-guest/quote_v4_spr_e4.dat");
  auto q = parse_tdx_quote(bytes);
  ASSERT_TRUE(q);
  auto ok = verify_pck_chain(q->pck_chain_pem, {}, {&*root_crl, &*pck_crl}, at(kGtgTime));
  ASSERT_TRUE(ok) << ok.message();
  EXPECT_EQ(ok->ca, "platform");
  // A month later the PCK CRL is stale (nextUpdate 2023-07-08): a stale CRL can hide a revocation.
  EXPECT_FALSE(verify_pck_chain(q->pck_chain_pem, {}, {&*root_crl, &*pck_crl}, at("2023-08-01T00:00:00Z")));
  auto late = verify_pck_chain(q->pck_chain_pem, {}, {&*root_crl, &*pck_crl}, at("2053-07-01T01:00:00Z"));
  EXPECT_FALSE(late);
  // No CRLs: refused, naming the file.
  EXPECT_NE(verify_pck_chain(q->pck_chain_pem, {}, {nullptr, &*pck_crl}, at(kGtgTime)).message().find("root_ca_crl.der"),
            std::string::npos);
}

TEST_F(TdxVerify, CollateralOutsideItsWindowIsRejected) {
  const Bytes quote = test::read_file(vec_ / "phala/quote_v4_uptodate.dat");
  const auto dir = vec_ / "phala/quote_v4_uptodate.collateral";
  // One second after the PCK CRL's nextUpdate.
  EXPECT_NE(failure_of(verifier_.verify(quote, dir, {at("2025-07-19T10:00:35Z"), std::nullopt})).find("CRL"),
            std::string::npos);
  EXPECT_NE(failure_of(verifier_.verify(quote, dir, {at("2025-08-01T00:00:00Z"), std::nullopt})).find("expired"),
            std::string::npos);
  // Before the QE Identity was issued.
  EXPECT_NE(failure_of(verifier_.verify(quote, dir, {at("2025-06-19T10:30:00Z"), std::nullopt})).find("not yet valid"),
            std::string::npos);
  // And the warm cache does not change that: a verify inside the window, then outside.
  ASSERT_TRUE(std::holds_alternative<VerifiedQuote>(verifier_.verify(quote, dir, {at(kPhalaTime), std::nullopt})));
  EXPECT_NE(failure_of(verifier_.verify(quote, dir, {at("2025-07-20T00:00:00Z"), std::nullopt})), "accepted");
}

TEST_F(TdxVerify, TamperedTcbInfoIsRejected) {
  auto files = test::phala_collateral();
  files.erase("tcbinfo.json");
  const auto dir = collateral(files);
  std::string tcb = test::read_text(vec_ / "phala/quote_v4_uptodate.collateral/tcbinfo.json");
  const auto pos = tcb.find("OutOfDate");
  ASSERT_NE(pos, std::string::npos);
  tcb.replace(pos, 9, "UpToDate\"");  // one level lifted to UpToDate: same length, other bytes
  tcb.replace(pos + 8, 1, " ");
  test::write_file(dir / "tcbinfo.json", tcb);
  const Bytes quote = test::read_file(vec_ / "phala/quote_v4_uptodate.dat");
  EXPECT_NE(failure_of(verifier_.verify(quote, dir, {at(kPhalaTime), std::nullopt}))
                .find("TCB Info signature does not verify"),
            std::string::npos);
}

TEST_F(TdxVerify, OneByteOfTheTcbInfoJsonIsEnough) {
  auto files = test::phala_collateral();
  files.erase("tcbinfo.json");
  const auto dir = collateral(files);
  std::string tcb = test::read_text(vec_ / "phala/quote_v4_uptodate.collateral/tcbinfo.json");
  const auto pos = tcb.find("\"pcesvn\":11");
  ASSERT_NE(pos, std::string::npos);
  tcb[pos + 10] = '0';  // pcesvn 11 -> 10
  test::write_file(dir / "tcbinfo.json", tcb);
  const Bytes quote = test::read_file(vec_ / "phala/quote_v4_uptodate.dat");
  EXPECT_NE(failure_of(verifier_.verify(quote, dir, {at(kPhalaTime), std::nullopt})).find("signature"),
            std::string::npos);
}

TEST_F(TdxVerify, MissingCollateralIsRejected) {
  const Bytes quote = test::read_file(vec_ / "phala/quote_v4_uptodate.dat");
  for (const char* missing : {"tcbinfo.json", "qe_identity.json", "pck_crl.der", "root_ca_crl.der",
                              "tcb_info_issuer_chain.pem"}) {
    SCOPED_TRACE(missing);
    test::TempDir dir;
    auto files = test::phala_collateral();
    files.erase(missing);
    test::assemble(vec_, files, dir.path());
    TdxVerifier fresh{TrustAnchors{}};
    EXPECT_NE(failure_of(fresh.verify(quote, dir.path(), {at(kPhalaTime), std::nullopt})).find(missing),
              std::string::npos);
  }
  EXPECT_NE(failure_of(verifier_.verify(quote, "", {at(kPhalaTime), std::nullopt})).find("no collateral"),
            std::string::npos);
}

TEST_F(TdxVerify, BindingIsChecked) {
  const Bytes quote = test::read_file(vec_ / "phala/quote_v4_uptodate.dat");
  auto q = parse_tdx_quote(quote);
  ASSERT_TRUE(q);
  const auto dir = vec_ / "phala/quote_v4_uptodate.collateral";
  auto good = verifier_.verify(quote, dir, {at(kPhalaTime), q->body.report_data});
  EXPECT_TRUE(std::holds_alternative<VerifiedQuote>(good)) << failure_of(good);
  auto other = q->body.report_data;
  other[63] ^= 1;
  EXPECT_NE(failure_of(verifier_.verify(quote, dir, {at(kPhalaTime), other})).find("REPORT_DATA must be"),
            std::string::npos);
}

// Every byte from the header to the end of the signature data, flipped on its own, is
// rejected: the signed regions, both signatures, the attestation key, the QE report, the QE
// auth data, the size and type fields and the PCK chain. (Bytes after the signature data are
// ignored by design, NOTES.md §10.)
TEST_F(TdxVerify, EveryOneByteFlipIsRejected) {
  const Bytes quote = test::read_file(vec_ / "phala/quote_v4_uptodate.dat");
  auto q = parse_tdx_quote(quote);
  ASSERT_TRUE(q);
  const auto dir = vec_ / "phala/quote_v4_uptodate.collateral";
  const std::size_t end = quote.size() - q->trailing_bytes;
  std::vector<std::size_t> accepted;
  for (std::size_t i = 0; i < end; ++i) {
    Bytes b = quote;
    b[i] ^= 0x01;
    if (std::holds_alternative<VerifiedQuote>(verifier_.verify(b, dir, {at(kPhalaTime), std::nullopt}))) {
      accepted.push_back(i);
    }
  }
  EXPECT_TRUE(accepted.empty()) << accepted.size() << " flips accepted, first at offset " << accepted.front();
}

// describe() says thread_safe_verify: one verifier, several threads, warm and cold at once,
// with a flipped quote among them that must fail every time.
TEST_F(TdxVerify, ConcurrentVerifiesAgree) {
  const Bytes quote = test::read_file(vec_ / "phala/quote_v4_uptodate.dat");
  Bytes bad = quote;
  bad[0x100] ^= 1;
  const auto dir = vec_ / "phala/quote_v4_uptodate.collateral";
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 40; ++i) {
        const bool flip = (i + t) % 5 == 0;
        const bool ok = std::holds_alternative<VerifiedQuote>(verifier_.verify(flip ? bad : quote, dir, {at(kPhalaTime), std::nullopt}));
        if (ok == flip) ++wrong;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST_F(TdxVerify, ModuleTdx03IsRejectedWithoutItsCrls) {
  // trustee ships TCB Info and QE Identity but no CRLs: deny by default.
  test::CollateralFiles files = {{"tcbinfo.json", "trustee/tcbinfo_fmspc_00a06d080000.json"},
                                 {"qe_identity.json", "trustee/qe_identity_td_qe.json"},
                                 {"tcb_info_issuer_chain.pem", "phala/quote_v4_uptodate.collateral/tcb_info_issuer_chain.pem"},
                                 {"qe_identity_issuer_chain.pem", "phala/quote_v4_uptodate.collateral/qe_identity_issuer_chain.pem"}};
  const auto dir = collateral(files);
  const Bytes quote = test::read_file(vec_ / "trustee/quote_v4_module_tdx03.dat");
  auto r = verifier_.verify(quote, dir, {at("2025-11-01T00:00:00Z"), std::nullopt});
  EXPECT_NE(failure_of(r).find("missing"), std::string::npos) << failure_of(r);
  // Its TCB Info verifies with the renewed TCB Signing certificate (same key as the 2018 one).
  RawCollateral raw;
  auto doc = parse_signed_document(test::read_text(dir / "tcbinfo.json"), "tcbInfo");
  ASSERT_TRUE(doc);
  auto chain = crypto::Certificate::all_from_pem(test::read_text(dir / "tcb_info_issuer_chain.pem"));
  ASSERT_TRUE(chain);
  EXPECT_TRUE(crypto::verify_ecdsa_concat((*chain)[0].public_key(), crypto::HashAlg::Sha256, as_bytes(doc->body),
                                          doc->signature, crypto::Endian::Big));
}

}  // namespace
}  // namespace cchost::tdx
