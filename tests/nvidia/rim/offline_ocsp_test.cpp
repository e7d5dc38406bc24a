// Offline OCSP with responses signed here (OCSP_basic_sign) by a test CA hierarchy shaped like
// NVIDIA's device chain: there are no genuine OCSP vectors.
#include "ocsp/offline_ocsp.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>

#include <openssl/ocsp.h>
#include <openssl/x509v3.h>

#include "cchost/verify/test_ca.hpp"

namespace cchost::nv {
namespace {

using vkit::EvpPkeyPtr;

struct Node {
  EvpPkeyPtr key;
  crypto::Certificate cert;
};

Node make_cert(const std::string& cn, const Node* issuer, std::uint64_t serial, bool ca, const char* eku = nullptr) {
  EvpPkeyPtr key = vkit::generate_ec("P-384").value();
  auto subject = vkit::make_name({{"O", "cchost TEST"}, {"CN", cn}}).value();
  const X509_NAME* issuer_name = issuer ? X509_get_subject_name(issuer->cert.get()) : subject.get();
  auto x = vkit::start_certificate(subject.get(), issuer_name, serial, key.get(), 5).value();
  X509* issuer_x = issuer ? issuer->cert.get() : x.get();
  EXPECT_TRUE(vkit::add_standard_extension(x.get(), issuer_x, NID_basic_constraints, ca ? "critical,CA:TRUE" : "critical,CA:FALSE").ok());
  EXPECT_TRUE(vkit::add_standard_extension(x.get(), x.get(), NID_subject_key_identifier, "hash").ok());
  if (eku) {
    EXPECT_TRUE(vkit::add_standard_extension(x.get(), issuer_x, NID_ext_key_usage, eku).ok());
  }
  EXPECT_TRUE(vkit::sign_certificate(x.get(), issuer ? issuer->key.get() : key.get(), vkit::CertSignature::ecdsa_sha384).ok());
  return Node{std::move(key), crypto::Certificate::adopt(x.release())};
}

struct Status1 {
  int status = V_OCSP_CERTSTATUS_GOOD;
  int reason = -1;
};

// One DER OCSPResponse for `cert` (issued by `issuer`) signed by `signer`.
Bytes make_response(const crypto::Certificate& cert, const crypto::Certificate& issuer, const Node& signer,
                    std::time_t this_update, std::optional<std::time_t> next_update, Status1 s = {},
                    const EVP_MD* id_md = EVP_sha1(), bool include_signer = false) {
  OCSP_BASICRESP* bs = OCSP_BASICRESP_new();
  OCSP_CERTID* id = OCSP_cert_to_id(id_md, cert.get(), issuer.get());
  ASN1_TIME* thisupd = ASN1_GENERALIZEDTIME_set(nullptr, this_update);
  ASN1_TIME* nextupd = next_update ? ASN1_GENERALIZEDTIME_set(nullptr, *next_update) : nullptr;
  ASN1_TIME* revtime = s.status == V_OCSP_CERTSTATUS_REVOKED ? ASN1_GENERALIZEDTIME_set(nullptr, this_update - 86400) : nullptr;
  EXPECT_NE(OCSP_basic_add1_status(bs, id, s.status, s.reason, revtime, thisupd, nextupd), nullptr);
  STACK_OF(X509)* extra = sk_X509_new_null();
  EXPECT_EQ(OCSP_basic_sign(bs, signer.cert.get(), signer.key.get(), EVP_sha384(), extra,
                            include_signer ? 0 : OCSP_NOCERTS),
            1);
  OCSP_RESPONSE* resp = OCSP_response_create(OCSP_RESPONSE_STATUS_SUCCESSFUL, bs);
  unsigned char* der = nullptr;
  const int len = i2d_OCSP_RESPONSE(resp, &der);
  Bytes out(der, der + len);
  OPENSSL_free(der);
  OCSP_RESPONSE_free(resp);
  sk_X509_free(extra);
  ASN1_TIME_free(thisupd);
  ASN1_TIME_free(nextupd);
  ASN1_TIME_free(revtime);
  OCSP_CERTID_free(id);
  OCSP_BASICRESP_free(bs);
  return out;
}

class OfflineOcsp : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = make_cert("Test Device Identity CA", nullptr, 1, true);
    identity_ = make_cert("Test Identity", &root_, 2, true);
    ica_ = make_cert("Test Provisioner ICA", &identity_, 3, true);
    brom_ = make_cert("Test BROM", &ica_, 4, true);
    leaf_ = make_cert("Test FMC LF", &brom_, 5, false);
    at_ = std::time(nullptr);
    options_.at = at_;
  }
  OcspCertStatus status_of(const Bytes& der, const Node& cert, const Node& issuer) {
    OcspResponses r;
    EXPECT_TRUE(r.add("r.ocsp", der).ok());
    return r.status_of(cert.cert, issuer.cert, options_);
  }
  std::vector<crypto::Certificate> chain() const { return {leaf_.cert, brom_.cert, ica_.cert, identity_.cert, root_.cert}; }
  Node root_, identity_, ica_, brom_, leaf_;
  std::time_t at_ = 0;
  OcspOptions options_;
};

TEST_F(OfflineOcsp, GoodResponseFromTheIssuerWithSha1OrSha384CertId) {
  auto s = status_of(make_response(brom_.cert, ica_.cert, ica_, at_ - 60, at_ + 3600), brom_, ica_);
  EXPECT_EQ(s.status, OcspStatus::good) << s.error;
  EXPECT_EQ(s.subject_cn, "Test BROM");
  EXPECT_EQ(s.source, "r.ocsp");
  auto s384 = status_of(make_response(brom_.cert, ica_.cert, ica_, at_ - 60, at_ + 3600, {}, EVP_sha384()), brom_, ica_);
  EXPECT_EQ(s384.status, OcspStatus::good) << s384.error;
}

TEST_F(OfflineOcsp, RevokedHoldAndUnknown) {
  auto revoked = status_of(make_response(brom_.cert, ica_.cert, ica_, at_ - 60, at_ + 3600,
                                         {V_OCSP_CERTSTATUS_REVOKED, OCSP_REVOKED_STATUS_KEYCOMPROMISE}),
                           brom_, ica_);
  EXPECT_EQ(revoked.status, OcspStatus::revoked);
  EXPECT_EQ(revoked.revocation_reason, "keyCompromise");
  EXPECT_EQ(revoked.revocation_time, at_ - 60 - 86400);
  auto hold = status_of(make_response(brom_.cert, ica_.cert, ica_, at_ - 60, at_ + 3600,
                                      {V_OCSP_CERTSTATUS_REVOKED, OCSP_REVOKED_STATUS_CERTIFICATEHOLD}),
                        brom_, ica_);
  EXPECT_EQ(hold.status, OcspStatus::hold);
  EXPECT_EQ(hold.revocation_reason, "certificateHold");
  auto unknown = status_of(make_response(brom_.cert, ica_.cert, ica_, at_ - 60, at_ + 3600, {V_OCSP_CERTSTATUS_UNKNOWN}),
                           brom_, ica_);
  EXPECT_EQ(unknown.status, OcspStatus::unknown);
}

TEST_F(OfflineOcsp, MissingWhenNoCertIdMatches) {
  auto s = status_of(make_response(ica_.cert, identity_.cert, identity_, at_ - 60, at_ + 3600), brom_, ica_);
  EXPECT_EQ(s.status, OcspStatus::missing);
  EXPECT_NE(s.error.find("no response for serial"), std::string::npos) << s.error;
  OcspResponses none;
  EXPECT_EQ(none.status_of(brom_.cert, ica_.cert, options_).status, OcspStatus::missing);
}

TEST_F(OfflineOcsp, SignedByAnyoneButTheIssuerOrItsResponderIsInvalid) {
  const Node stranger = make_cert("Stranger", nullptr, 9, true);
  auto s = status_of(make_response(brom_.cert, ica_.cert, stranger, at_ - 60, at_ + 3600, {}, EVP_sha1(), true), brom_, ica_);
  EXPECT_EQ(s.status, OcspStatus::invalid);
  EXPECT_NE(s.error.find("does not verify"), std::string::npos) << s.error;
  // The root is trusted for the chain but is not the BROM's issuer: its answer does not count.
  auto by_root = status_of(make_response(brom_.cert, ica_.cert, root_, at_ - 60, at_ + 3600, {}, EVP_sha1(), true), brom_, ica_);
  EXPECT_EQ(by_root.status, OcspStatus::invalid) << by_root.error;
  // A sibling CA's response (signed by the ICA) for the ICA's own certificate is not the Identity's answer.
  auto sibling = status_of(make_response(ica_.cert, identity_.cert, ica_, at_ - 60, at_ + 3600, {}, EVP_sha1(), true), ica_, identity_);
  EXPECT_EQ(sibling.status, OcspStatus::invalid) << sibling.error;
}

TEST_F(OfflineOcsp, DelegatedResponderNeedsOcspSigningFromTheIssuer) {
  const Node responder = make_cert("ICA OCSP responder", &ica_, 20, false, "OCSPSigning");
  auto s = status_of(make_response(brom_.cert, ica_.cert, responder, at_ - 60, at_ + 3600, {}, EVP_sha1(), true), brom_, ica_);
  EXPECT_EQ(s.status, OcspStatus::good) << s.error;
  const Node no_eku = make_cert("ICA plain cert", &ica_, 21, false);
  auto bad = status_of(make_response(brom_.cert, ica_.cert, no_eku, at_ - 60, at_ + 3600, {}, EVP_sha1(), true), brom_, ica_);
  EXPECT_EQ(bad.status, OcspStatus::invalid) << bad.error;
  const Node other_ca_responder = make_cert("Identity OCSP responder", &identity_, 22, false, "OCSPSigning");
  auto wrong_issuer =
      status_of(make_response(brom_.cert, ica_.cert, other_ca_responder, at_ - 60, at_ + 3600, {}, EVP_sha1(), true), brom_, ica_);
  EXPECT_EQ(wrong_issuer.status, OcspStatus::invalid) << wrong_issuer.error;
}

TEST_F(OfflineOcsp, TimeWindowDefaultValidityAndMaxAge) {
  auto future = status_of(make_response(brom_.cert, ica_.cert, ica_, at_ + 60, at_ + 3600), brom_, ica_);
  EXPECT_EQ(future.status, OcspStatus::invalid);
  EXPECT_NE(future.error.find("thisUpdate"), std::string::npos) << future.error;
  auto stale = status_of(make_response(brom_.cert, ica_.cert, ica_, at_ - 7200, at_), brom_, ica_);
  EXPECT_EQ(stale.status, OcspStatus::invalid);  // at == nextUpdate is already expired
  EXPECT_NE(stale.error.find("expired"), std::string::npos) << stale.error;
  // No nextUpdate: valid for default_validity (3600 s) after thisUpdate.
  EXPECT_EQ(status_of(make_response(brom_.cert, ica_.cert, ica_, at_ - 3599, std::nullopt), brom_, ica_).status,
            OcspStatus::good);
  auto lapsed = status_of(make_response(brom_.cert, ica_.cert, ica_, at_ - 3600, std::nullopt), brom_, ica_);
  EXPECT_EQ(lapsed.status, OcspStatus::invalid);
  EXPECT_EQ(lapsed.next_update, 0);  // not reported for an invalid response's fields
  options_.max_age = 600;
  auto old = status_of(make_response(brom_.cert, ica_.cert, ica_, at_ - 601, at_ + 86400), brom_, ica_);
  EXPECT_EQ(old.status, OcspStatus::invalid);
  EXPECT_NE(old.error.find("max age"), std::string::npos) << old.error;
  EXPECT_EQ(status_of(make_response(brom_.cert, ica_.cert, ica_, at_ - 599, at_ + 86400), brom_, ica_).status,
            OcspStatus::good);
}

TEST_F(OfflineOcsp, ValidResponseWinsOverAnInvalidOneAndTheNewestSpeaks) {
  OcspResponses r;
  const Node stranger = make_cert("Stranger", nullptr, 9, true);
  ASSERT_TRUE(r.add("forged.ocsp", make_response(brom_.cert, ica_.cert, stranger, at_ - 10, at_ + 3600, {}, EVP_sha1(), true)).ok());
  ASSERT_TRUE(r.add("old.ocsp", make_response(brom_.cert, ica_.cert, ica_, at_ - 600, at_ + 3600)).ok());
  ASSERT_TRUE(r.add("new.ocsp", make_response(brom_.cert, ica_.cert, ica_, at_ - 60, at_ + 3600,
                                              {V_OCSP_CERTSTATUS_REVOKED, OCSP_REVOKED_STATUS_SUPERSEDED}))
                  .ok());
  auto s = r.status_of(brom_.cert, ica_.cert, options_);
  EXPECT_EQ(s.status, OcspStatus::revoked);
  EXPECT_EQ(s.source, "new.ocsp");
}

TEST_F(OfflineOcsp, CorruptedAndMalformedResponses) {
  Bytes der = make_response(brom_.cert, ica_.cert, ica_, at_ - 60, at_ + 3600);
  Bytes flipped = der;
  flipped[flipped.size() - 5] ^= 0x01;  // inside the signature
  auto s = status_of(flipped, brom_, ica_);
  EXPECT_EQ(s.status, OcspStatus::invalid) << s.error;
  OcspResponses r;
  EXPECT_FALSE(r.add("junk", as_bytes(std::string("not der"))).ok());
  for (std::size_t n = 0; n < der.size(); n += 7) EXPECT_FALSE(r.add("cut", ByteView(der.data(), n)).ok()) << n;
  Bytes trailing = der;
  trailing.push_back(0);
  auto t = r.add("trailing", trailing);
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.message().find("trailing bytes"), std::string::npos);
  OCSP_RESPONSE* try_later = OCSP_response_create(OCSP_RESPONSE_STATUS_TRYLATER, nullptr);
  unsigned char* p = nullptr;
  const int len = i2d_OCSP_RESPONSE(try_later, &p);
  auto tl = r.add("trylater", ByteView(p, static_cast<std::size_t>(len)));
  OPENSSL_free(p);
  OCSP_RESPONSE_free(try_later);
  ASSERT_FALSE(tl.ok());
  EXPECT_NE(tl.message().find("expected successful (0), got 3"), std::string::npos) << tl.message();
  EXPECT_EQ(r.size(), 0u);
}

TEST_F(OfflineOcsp, ChainAggregationSkipsLeafAndRootForDevicesAndOnlyTheRootForRims) {
  OcspResponses r;
  ASSERT_TRUE(r.add("brom", make_response(brom_.cert, ica_.cert, ica_, at_ - 60, at_ + 3600)).ok());
  ASSERT_TRUE(r.add("ica", make_response(ica_.cert, identity_.cert, identity_, at_ - 60, at_ + 3600, {}, EVP_sha384())).ok());
  ASSERT_TRUE(r.add("identity", make_response(identity_.cert, root_.cert, root_, at_ - 60, at_ + 3600)).ok());
  auto device = check_device_chain_ocsp(r, chain(), options_);
  EXPECT_EQ(device.worst, OcspStatus::good);
  ASSERT_EQ(device.certs.size(), 3u);
  EXPECT_EQ(device.certs[0].subject_cn, "Test BROM");
  EXPECT_EQ(device.certs[2].subject_cn, "Test Identity");
  // As a RIM chain the leaf is queried too, and it has no response.
  auto rim = check_rim_chain_ocsp(r, chain(), options_);
  ASSERT_EQ(rim.certs.size(), 4u);
  EXPECT_EQ(rim.worst, OcspStatus::missing);
  EXPECT_EQ(rim.certs[0].status, OcspStatus::missing);
  // One revoked certificate makes the chain revoked; hold is better than unknown.
  ASSERT_TRUE(r.add("ica-revoked", make_response(ica_.cert, identity_.cert, identity_, at_ - 30, at_ + 3600,
                                                 {V_OCSP_CERTSTATUS_REVOKED, OCSP_REVOKED_STATUS_CACOMPROMISE}))
                  .ok());
  EXPECT_EQ(check_device_chain_ocsp(r, chain(), options_).worst, OcspStatus::revoked);
  EXPECT_EQ(worst_of(OcspStatus::hold, OcspStatus::unknown), OcspStatus::unknown);
  EXPECT_EQ(worst_of(OcspStatus::good, OcspStatus::hold), OcspStatus::hold);
  EXPECT_EQ(worst_of(OcspStatus::invalid, OcspStatus::revoked), OcspStatus::revoked);
  EXPECT_EQ(to_string(OcspStatus::hold), "hold");
  EXPECT_TRUE(check_device_chain_ocsp(r, {leaf_.cert, root_.cert}, options_).certs.empty());
}

TEST_F(OfflineOcsp, LoadFolderKeepsWhyFilesWereSkipped) {
  const auto dir = std::filesystem::temp_directory_path() / ("nv_ocsp_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const Bytes der = make_response(brom_.cert, ica_.cert, ica_, at_ - 60, at_ + 3600);
  std::ofstream(dir / "brom.ocsp", std::ios::binary).write(reinterpret_cast<const char*>(der.data()), der.size());
  std::ofstream(dir / "junk.der") << "junk";
  std::ofstream(dir / "readme.txt") << "ignored";
  auto r = OcspResponses::load_folder(dir);
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_EQ(r->size(), 1u);
  ASSERT_EQ(r->skipped().size(), 1u);
  EXPECT_EQ(r->skipped()[0].first, "junk.der");
  EXPECT_EQ(r->status_of(brom_.cert, ica_.cert, options_).status, OcspStatus::good);
  EXPECT_FALSE(OcspResponses::load_folder(dir, OcspLimits{1, 65536}).ok());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace cchost::nv
