// RIM XMLDSig + chain on every genuine RIM at PROVENANCE's times, and tampered documents.
#include "rim/rim_signature.hpp"

#include <gtest/gtest.h>

#include <string>

#include "rim_vectors.hpp"

namespace cchost::nv {
namespace {

using test::read_bytes;

class RimSignature : public ::testing::Test {
 protected:
  void SetUp() override {
    auto v = test::nvidia_vectors();
    if (!v) GTEST_SKIP() << "CCHOST_VECTORS has no nvidia/rims (vectors absent): skipped";
    vec_ = *v;
    roots_ = {test::load_root(vec_, "nvidia_corim_signing_root_ca.pem")};
  }
  RimVerification verify(const std::string& rel, std::time_t at) {
    return verify_rim_signature(read_bytes(vec_ / "rims" / rel), roots_, at);
  }
  std::filesystem::path vec_;
  std::vector<crypto::Certificate> roots_;
};

TEST_F(RimSignature, NvtrustSampleRimsVerifyIn2024AndAreExpiredToday) {
  const std::time_t today = test::utc("2026-12-02T00:00:00Z");
  int count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(vec_ / "rims/nvtrust_samples")) {
    const Bytes xml = read_bytes(entry.path());
    auto then = verify_rim_signature(xml, roots_, test::kNvtrustRimTime);
    EXPECT_TRUE(then.signature_ok) << entry.path() << ": " << then.signature_error;
    EXPECT_EQ(then.cert_status, CertStatus::valid) << entry.path() << ": " << then.cert_error;
    EXPECT_TRUE(then.ok());
    ASSERT_EQ(then.chain.size(), 4u) << entry.path();  // L4 signer, L3, CA, pinned root
    EXPECT_EQ(then.chain.back().subject_cn(), "NVIDIA CoRIM signing Root CA");
    auto now = verify_rim_signature(xml, roots_, today);
    EXPECT_TRUE(now.signature_ok);
    EXPECT_EQ(now.cert_status, CertStatus::expired) << entry.path();
    EXPECT_FALSE(now.ok());
    EXPECT_LT(now.cert_expiration, today);
    EXPECT_NE(now.cert_error.find("expired at"), std::string::npos) << now.cert_error;
    ++count;
  }
  EXPECT_EQ(count, 26);
}

TEST_F(RimSignature, AtsdkDriverRimVerifiesAt20250601) {
  auto v = verify("atsdk/NV_GPU_DRIVER_GH100_550.144.03.xml", test::kAtsdkDriverRimTime);
  EXPECT_TRUE(v.signature_ok) << v.signature_error;
  EXPECT_EQ(v.cert_status, CertStatus::valid) << v.cert_error;
  EXPECT_EQ(v.cert_expiration, test::utc("2026-12-30T16:56:50Z"));  // the L4 signer's notAfter
}

TEST_F(RimSignature, SwitchBiosRimVerifiesAt20260601AndIsNotYetValidBefore) {
  const char* rim = "atsdk/switchVBIOSRim_NV_SWITCH_BIOS_5612_0002_890_9610550001.xml";
  auto v = verify(rim, test::kSwitchRimTime);
  EXPECT_TRUE(v.ok()) << v.signature_error << " / " << v.cert_error;
  auto early = verify(rim, test::kAtsdkDriverRimTime);
  EXPECT_TRUE(early.signature_ok);
  EXPECT_EQ(early.cert_status, CertStatus::not_yet_valid) << early.cert_error;
}

TEST_F(RimSignature, IncorrectSignatureFails) {
  for (const char* rim : {"atsdk/NEGATIVE_incorrect_signature_driver_rim.xml",
                          "atsdk/NEGATIVE_NV_SWITCH_BIOS_5612_0002_890_9610550001_invalid_signature.xml"}) {
    auto v = verify(rim, test::kSwitchRimTime);
    EXPECT_FALSE(v.signature_ok) << rim;
    EXPECT_FALSE(v.ok());
    EXPECT_NE(v.signature_error.find("does not verify"), std::string::npos) << v.signature_error;
  }
}

TEST_F(RimSignature, IncorrectCertChainFailsAgainstThePinnedRoot) {
  auto v = verify("atsdk/NEGATIVE_incorrect_cert_chain_driver_rim.xml", test::kAtsdkDriverRimTime);
  EXPECT_TRUE(v.signature_ok) << v.signature_error;  // signed, but by a debug-only hierarchy
  EXPECT_EQ(v.cert_status, CertStatus::invalid);
  EXPECT_NE(v.cert_error.find("does not verify to the pinned RIM root"), std::string::npos) << v.cert_error;
  EXPECT_FALSE(v.ok());
}

TEST_F(RimSignature, WrongRootFails) {
  const std::vector<crypto::Certificate> wrong = {test::load_root(vec_, "NEGATIVE_incorrect_rim_root.crt")};
  auto v = verify_rim_signature(read_bytes(vec_ / "rims/atsdk/NV_GPU_DRIVER_GH100_550.144.03.xml"), wrong,
                                test::kAtsdkDriverRimTime);
  EXPECT_TRUE(v.signature_ok);
  EXPECT_EQ(v.cert_status, CertStatus::invalid) << v.cert_error;
  EXPECT_FALSE(v.ok());
  auto none = verify_rim_signature(read_bytes(vec_ / "rims/atsdk/NV_GPU_DRIVER_GH100_550.144.03.xml"), {},
                                   test::kAtsdkDriverRimTime);
  EXPECT_EQ(none.cert_status, CertStatus::invalid);
}

TEST_F(RimSignature, ExpiredRimReportsExpired) {
  auto v = verify("atsdk/NEGATIVE_NV_GPU_DRIVER_GH100_570.124.03_expired.xml", test::kAtsdkDriverRimTime);
  EXPECT_EQ(v.cert_status, CertStatus::expired) << v.cert_error;
  EXPECT_EQ(v.cert_expiration, test::utc("2025-01-02T00:00:00Z") ) << crypto::format_time(v.cert_expiration);
  EXPECT_FALSE(v.signature_ok);  // the vector was edited after signing (PROVENANCE)
}

class RimTamper : public RimSignature {
 protected:
  Bytes genuine() { return read_bytes(vec_ / "rims/atsdk/NV_GPU_DRIVER_GH100_550.144.03.xml"); }
  RimVerification check(const std::string& xml) {
    return verify_rim_signature(as_bytes(xml), roots_, test::kAtsdkDriverRimTime);
  }
  std::string text() { Bytes b = genuine(); return std::string(b.begin(), b.end()); }
};

TEST_F(RimTamper, FlippedMeasurementByteFails) {
  std::string xml = text();
  const auto at = xml.find("4a5e4b3d501fe31f");  // index 7's golden value
  ASSERT_NE(at, std::string::npos);
  xml[at] = '5';
  auto v = check(xml);
  EXPECT_FALSE(v.signature_ok);
  EXPECT_FALSE(v.ok());
}

TEST_F(RimTamper, FlippedByteAnywhereNeverVerifies) {
  const Bytes xml = genuine();
  const std::string s(xml.begin(), xml.end());
  const std::size_t key_info = s.find("<ds:KeyInfo");
  ASSERT_NE(key_info, std::string::npos);
  std::size_t ok_count = 0;
  for (std::size_t i = 0; i < xml.size(); i += 37) {
    Bytes bad = xml;
    bad[i] ^= 0x01;
    auto v = verify_rim_signature(bad, roots_, test::kAtsdkDriverRimTime);
    // KeyInfo is outside the signed content (enveloped signature); a flip there may leave an
    // unused certificate copy (the KeyInfo root) changed and still verify. Anywhere else a
    // flip must fail the signature, the key or the chain.
    if (v.ok()) {
      ++ok_count;
      EXPECT_GT(i, key_info) << "flip at " << i << " verified";
    }
  }
  EXPECT_LT(ok_count, xml.size() / 37 / 4);
}

TEST_F(RimTamper, SecondSignatureOrReferenceIsRefused) {
  std::string xml = text();
  const auto sig = xml.find("<ds:Signature");
  const auto end = xml.find("</ds:Signature>") + 15;
  std::string twice = xml;
  twice.insert(end, xml.substr(sig, end - sig));
  auto v = check(twice);
  EXPECT_FALSE(v.signature_ok);
  EXPECT_NE(v.signature_error.find("expected one ds:Signature"), std::string::npos) << v.signature_error;

  // Moved inside Payload: still one Signature, but not enveloping the document from the root.
  std::string nested = xml;
  const std::string sig_text = nested.substr(sig, end - sig);
  nested.erase(sig, end - sig);
  nested.insert(nested.find("</ns0:Payload>"), sig_text);
  v = check(nested);
  EXPECT_FALSE(v.signature_ok);
  EXPECT_NE(v.signature_error.find("as a child of the root element, got 1 elsewhere"), std::string::npos)
      << v.signature_error;

  std::string uri = xml;
  uri.replace(uri.find("URI=\"\""), 6, "URI=\"#x\"");
  v = check(uri);
  EXPECT_FALSE(v.signature_ok);
  EXPECT_NE(v.signature_error.find("Reference URI: expected \"\""), std::string::npos) << v.signature_error;
}

TEST_F(RimTamper, OtherAlgorithmsAreRefused) {
  struct Case { const char* from; const char* to; const char* expect; };
  const Case cases[] = {
      {"xmldsig-more#ecdsa-sha384", "xmldsig-more#ecdsa-sha256", "SignatureMethod: expected"},
      {"<ds:DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmldsig-more#sha384\"",
       "<ds:DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"", "DigestMethod: expected"},
      {"<ds:CanonicalizationMethod Algorithm=\"http://www.w3.org/2006/12/xml-c14n11\"",
       "<ds:CanonicalizationMethod Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"", "CanonicalizationMethod"},
      {"<ds:Transform Algorithm=\"http://www.w3.org/2006/12/xml-c14n11\"/>",
       "<ds:Transform Algorithm=\"http://www.w3.org/TR/1999/REC-xslt-19991116\"/>", "Transform 2"},
  };
  for (const auto& c : cases) {
    std::string xml = text();
    const auto at = xml.find(c.from);
    ASSERT_NE(at, std::string::npos) << c.from;
    xml.replace(at, std::string(c.from).size(), c.to);
    auto v = check(xml);
    EXPECT_FALSE(v.signature_ok) << c.to;
    EXPECT_NE(v.signature_error.find(c.expect), std::string::npos) << v.signature_error;
  }
}

TEST_F(RimTamper, KeyFromAnotherCertificateIsNotUsed) {
  // Swap the first two KeyInfo certificates: the key is the first one, so the signature
  // must fail (the L3 key did not sign) even though the same certificates are present.
  std::string xml = text();
  const std::string open = "<ds:X509Certificate>", close = "</ds:X509Certificate>";
  const auto a = xml.find(open), a_end = xml.find(close, a) + close.size();
  const auto b_end = xml.find(close, a_end) + close.size();
  const std::string first = xml.substr(a, a_end - a), second = xml.substr(a_end, b_end - a_end);
  xml.replace(a, b_end - a, second + first);
  auto v = check(xml);
  EXPECT_FALSE(v.signature_ok);
  EXPECT_FALSE(v.ok());
}

TEST_F(RimTamper, MalformedAndTruncatedDocumentsFailWithoutCrashing) {
  const Bytes xml = genuine();
  for (std::size_t n = 0; n < xml.size(); n += 401) {
    auto v = verify_rim_signature(ByteView(xml.data(), n), roots_, test::kAtsdkDriverRimTime);
    EXPECT_FALSE(v.signature_ok) << n;
    EXPECT_FALSE(v.signature_error.empty());
  }
  auto v = check("<SoftwareIdentity xmlns=\"http://standards.iso.org/iso/19770/-2/2015/schema.xsd\"/>");
  EXPECT_FALSE(v.signature_ok);
  EXPECT_NE(v.signature_error.find("expected one ds:Signature"), std::string::npos);
  std::string bad_b64 = text();
  bad_b64.insert(bad_b64.find("<ds:X509Certificate>") + 20, "!!");
  v = check(bad_b64);
  EXPECT_FALSE(v.signature_ok);
  EXPECT_NE(v.signature_error.find("not base64"), std::string::npos) << v.signature_error;
}

}  // namespace
}  // namespace cchost::nv
