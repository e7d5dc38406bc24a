// X.509 against a PKI made by the openssl CLI at test time:
//   root (RSA-2048, self-signed RSA-PSS SHA-384 salt 48, like AMD's ARK)
//   -> intermediate (EC P-384, serial 0x1001, RSA-PSS by the root)
//   -> leaf (EC P-256, serial 0x2001, AMD-style custom extensions) and revoked (0x2002)
// plus CRLs from the intermediate (current, and one whose window lies in 2020) and the root.
// Times are taken from the generated certificates, never from the wall clock at verification.
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>

#include "cchost/crypto/encoding.hpp"
#include "cchost/crypto/x509.hpp"
#include "crypto_test_support.hpp"

namespace cchost::crypto {
namespace {

using test::openssl;
using test::temp_dir;

constexpr const char* kExtensions = R"([v3_ca]
basicConstraints=critical,CA:TRUE
keyUsage=critical,keyCertSign,cRLSign
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
[v3_leaf]
basicConstraints=critical,CA:FALSE
1.3.6.1.4.1.3704.1.3.1=DER:02:01:0a
1.3.6.1.4.1.3704.1.4=DER:c7:09:12:d8:d2:16:bd:3f
)";

std::string ca_config(const std::string& prefix) {
  return "[ca]\ndefault_ca=CA_default\n[CA_default]\ndatabase=" + prefix + "_index.txt\n" +
         "certificate=" + prefix + ".pem\nprivate_key=" + prefix + ".key\n" +
         "default_md=sha384\ndefault_crl_days=30\ncrlnumber=" + prefix + "_crlnumber\n";
}

struct Pki {
  bool ok = false;
  Certificate root, other_root, inter, leaf, revoked;
  Crl inter_crl, inter_old_crl, root_crl;
  Bytes root_der, leaf_der, leaf_der_sha256_cli;
  std::string bundle_pem;
  std::time_t at = 0;  // one hour into the leaf's validity
};

const Pki& pki() {
  static Pki p = [] {
    Pki out;
    const auto& d = temp_dir();
    test::write_text(d / "ext.cnf", kExtensions);
    test::write_text(d / "inter_ca.cnf", ca_config("inter"));
    test::write_text(d / "root_ca.cnf", ca_config("root"));
    test::write_text(d / "inter_index.txt", "");
    test::write_text(d / "root_index.txt", "");
    test::write_text(d / "inter_crlnumber", "01\n");
    test::write_text(d / "root_crlnumber", "01\n");
    const std::string pss = " -sha384 -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:48 ";
    bool ok =
        openssl("genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out root.key") &&
        openssl("req -x509 -new -key root.key" + pss + "-days 3650 -subj '/CN=cchost test root' "
                "-addext basicConstraints=critical,CA:TRUE "
                "-addext keyUsage=critical,keyCertSign,cRLSign -out root.pem") &&
        openssl("genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out other.key") &&
        openssl("req -x509 -new -key other.key -sha256 -days 3650 -subj '/CN=cchost test root' "
                "-addext basicConstraints=critical,CA:TRUE -out other_root.pem") &&
        openssl("genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out inter.key") &&
        openssl("req -new -key inter.key -subj '/CN=cchost test intermediate' -out inter.csr") &&
        openssl("x509 -req -in inter.csr -CA root.pem -CAkey root.key" + pss +
                "-set_serial 0x1001 -days 3000 -extfile ext.cnf -extensions v3_ca -out inter.pem") &&
        openssl("genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out leaf.key") &&
        openssl("req -new -key leaf.key -subj '/CN=cchost test leaf' -out leaf.csr") &&
        openssl("x509 -req -in leaf.csr -CA inter.pem -CAkey inter.key -sha384 -set_serial 0x2001 "
                "-days 365 -extfile ext.cnf -extensions v3_leaf -out leaf.pem") &&
        openssl("x509 -req -in leaf.csr -CA inter.pem -CAkey inter.key -sha384 -set_serial 0x2002 "
                "-days 365 -extfile ext.cnf -extensions v3_leaf -out revoked.pem") &&
        openssl("x509 -in leaf.pem -outform DER -out leaf.der") &&
        openssl("x509 -in root.pem -outform DER -out root.der") &&
        openssl("dgst -sha256 -binary -out leaf.der.sha256 leaf.der") &&
        openssl("ca -config inter_ca.cnf -revoke revoked.pem -crl_reason keyCompromise") &&
        openssl("ca -config inter_ca.cnf -gencrl -out inter.crl") &&
        openssl("crl -in inter.crl -outform DER -out inter.crl.der") &&
        openssl("ca -config inter_ca.cnf -gencrl -crl_lastupdate 20200101000000Z "
                "-crl_nextupdate 20200201000000Z -out inter_old.crl") &&
        openssl("ca -config root_ca.cnf -gencrl -out root.crl");
    if (!ok) return out;
    auto cert = [&](const char* name) {
      auto c = Certificate::from_file((d / name).string());
      return c.ok() ? *c : Certificate();
    };
    auto crl = [&](const char* name) {
      auto c = Crl::from_file((d / name).string());
      return c.ok() ? *c : Crl();
    };
    out.root = cert("root.pem");
    out.other_root = cert("other_root.pem");
    out.inter = cert("inter.pem");
    out.leaf = cert("leaf.pem");
    out.revoked = cert("revoked.pem");
    out.inter_crl = crl("inter.crl.der");
    out.inter_old_crl = crl("inter_old.crl");
    out.root_crl = crl("root.crl");
    out.root_der = test::read_bytes(d / "root.der");
    out.leaf_der = test::read_bytes(d / "leaf.der");
    out.leaf_der_sha256_cli = test::read_bytes(d / "leaf.der.sha256");
    out.bundle_pem = test::read_text(d / "leaf.pem") + test::read_text(d / "inter.pem");
    out.at = out.leaf.not_before() + 3600;
    out.ok = out.root.get() && out.other_root.get() && out.inter.get() && out.leaf.get() &&
             out.revoked.get() && out.inter_crl.get() && out.inter_old_crl.get() &&
             out.root_crl.get();
    return out;
  }();
  return p;
}

class CryptoX509 : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(pki().ok) << "openssl CLI could not build the test PKI"; }
  ChainOptions options() const {
    ChainOptions o;
    o.anchors = {p.root};
    o.at = p.at;
    return o;
  }
  const Pki& p = pki();
};

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST_F(CryptoX509, AccessorsMatchTheGeneratedCertificates) {
  EXPECT_EQ(p.leaf.subject(), "CN=cchost test leaf");
  EXPECT_EQ(p.leaf.issuer(), "CN=cchost test intermediate");
  EXPECT_EQ(p.leaf.subject_cn(), "cchost test leaf");
  EXPECT_EQ(p.leaf.serial_hex(), "2001");
  EXPECT_EQ(p.inter.serial_hex(), "1001");
  EXPECT_LT(p.leaf.not_before(), p.leaf.not_after());
  EXPECT_EQ(p.leaf.not_after() - p.leaf.not_before(), 365 * 86400);
  EXPECT_EQ(p.leaf.public_key().type(), KeyType::EcP256);
  EXPECT_EQ(p.inter.public_key().type(), KeyType::EcP384);
  EXPECT_EQ(p.leaf.der(), p.leaf_der);
  EXPECT_EQ(p.leaf.sha256(), p.leaf_der_sha256_cli);
}

TEST_F(CryptoX509, ExtendedKeyUsageAbsentIsAnError) {
  // The test leaf has no extendedKeyUsage: "no restriction" must not read as "has the purpose".
  auto eku = p.leaf.extended_key_usage();
  EXPECT_FALSE(eku);
  EXPECT_TRUE(contains(eku.message(), "no (single) extendedKeyUsage")) << eku.message();
}

TEST_F(CryptoX509, CustomExtensionsByOid) {
  auto tcb = p.leaf.extension("1.3.6.1.4.1.3704.1.3.1");
  ASSERT_TRUE(tcb.has_value());
  EXPECT_EQ(hex_encode(*tcb), "02010a");  // DER INTEGER 10, returned with its tag
  // AMD's hwID extension holds raw bytes with no DER tag; returned as-is.
  auto hwid = p.leaf.extension("1.3.6.1.4.1.3704.1.4");
  ASSERT_TRUE(hwid.has_value());
  EXPECT_EQ(hex_encode(*hwid), "c70912d8d216bd3f");
  EXPECT_FALSE(p.leaf.extension("1.3.6.1.4.1.3704.1.3.2").has_value());
  EXPECT_FALSE(p.leaf.extension("not an oid").has_value());
  EXPECT_FALSE(p.leaf.extension("basicConstraints").has_value());  // dotted form only
  auto bc = p.leaf.extension("2.5.29.19");
  ASSERT_TRUE(bc.has_value());
  EXPECT_EQ(hex_encode(*bc), "3000");  // CA:FALSE is the DEFAULT, so an empty SEQUENCE
  auto oids = p.leaf.extension_oids();
  EXPECT_NE(std::find(oids.begin(), oids.end(), "1.3.6.1.4.1.3704.1.4"), oids.end());
  EXPECT_NE(std::find(oids.begin(), oids.end(), "2.5.29.19"), oids.end());
}

TEST_F(CryptoX509, VerifySignedByHandlesRsaPss) {
  auto ok = p.inter.verify_signed_by(p.root.public_key());
  EXPECT_TRUE(ok.ok()) << ok.message();
  EXPECT_TRUE(p.root.verify_signed_by(p.root.public_key()).ok());
  auto wrong = p.leaf.verify_signed_by(p.root.public_key());
  ASSERT_FALSE(wrong.ok());
  EXPECT_TRUE(contains(wrong.message(), "CN=cchost test leaf")) << wrong.message();
}

TEST_F(CryptoX509, GoodChainReturnsThePath) {
  auto path = verify_chain(p.leaf, {p.inter}, options());
  ASSERT_TRUE(path.ok()) << path.message();
  ASSERT_EQ(path->size(), 3u);
  EXPECT_EQ((*path)[0].subject(), "CN=cchost test leaf");
  EXPECT_EQ((*path)[1].subject(), "CN=cchost test intermediate");
  EXPECT_EQ((*path)[2].der(), p.root.der());
}

TEST_F(CryptoX509, WrongAnchorWithTheSameNameIsRefused) {
  ChainOptions o = options();
  o.anchors = {p.other_root};
  auto r = verify_chain(p.leaf, {p.inter}, o);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(contains(r.message(), "unable to get local issuer certificate")) << r.message();
  EXPECT_TRUE(contains(r.message(), "CN=cchost test intermediate")) << r.message();
}

TEST_F(CryptoX509, MissingIntermediateIsRefused) {
  auto r = verify_chain(p.leaf, {}, options());
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(contains(r.message(), "unable to get local issuer certificate")) << r.message();
  EXPECT_TRUE(contains(r.message(), "CN=cchost test leaf")) << r.message();
}

TEST_F(CryptoX509, AnIntermediateIsNotARoot) {
  ChainOptions o = options();
  o.anchors = {p.inter};
  EXPECT_FALSE(verify_chain(p.leaf, {}, o).ok());
}

TEST_F(CryptoX509, PinnedRootSpki) {
  ChainOptions o = options();
  o.pinned_root_spki_sha256 = p.root.public_key().spki_sha256();
  auto good = verify_chain(p.leaf, {p.inter}, o);
  EXPECT_TRUE(good.ok()) << good.message();
  Bytes other = p.other_root.public_key().spki_sha256();
  o.pinned_root_spki_sha256 = other;
  auto bad = verify_chain(p.leaf, {p.inter}, o);
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(contains(bad.message(), "expected " + hex_encode(other) + ", got " +
                                          hex_encode(p.root.public_key().spki_sha256())))
      << bad.message();
}

TEST_F(CryptoX509, ExpiredAndNotYetValidAtTheGivenTime) {
  ChainOptions o = options();
  o.at = p.leaf.not_after() + 86400;
  auto expired = verify_chain(p.leaf, {p.inter}, o);
  ASSERT_FALSE(expired.ok());
  EXPECT_TRUE(contains(expired.message(), "certificate has expired")) << expired.message();
  EXPECT_TRUE(contains(expired.message(), "CN=cchost test leaf")) << expired.message();
  EXPECT_TRUE(contains(expired.message(), format_time(o.at))) << expired.message();
  o.at = p.root.not_before() - 86400;
  auto early = verify_chain(p.leaf, {p.inter}, o);
  ASSERT_FALSE(early.ok());
  EXPECT_TRUE(contains(early.message(), "not yet valid")) << early.message();
}

TEST_F(CryptoX509, RevokedCertificateIsRefusedOnlyWithTheCrl) {
  EXPECT_TRUE(verify_chain(p.revoked, {p.inter}, options()).ok());  // no CRL given
  ChainOptions o = options();
  o.crls = {p.inter_crl};
  auto r = verify_chain(p.revoked, {p.inter}, o);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(contains(r.message(), "certificate revoked")) << r.message();
  EXPECT_TRUE(contains(r.message(), "serial 2002")) << r.message();
  auto good = verify_chain(p.leaf, {p.inter}, o);
  EXPECT_TRUE(good.ok()) << good.message();
}

TEST_F(CryptoX509, CrlOutsideItsWindowIsRefused) {
  ChainOptions o = options();
  o.crls = {p.inter_old_crl};
  auto r = verify_chain(p.leaf, {p.inter}, o);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(contains(r.message(), "CRL has expired")) << r.message();
  // The current CRL is "not yet valid" before its thisUpdate.
  o.crls = {p.inter_crl};
  o.at = p.inter_crl.this_update() - 3600;
  auto early = verify_chain(p.leaf, {p.inter}, o);
  ASSERT_FALSE(early.ok());
  EXPECT_TRUE(contains(early.message(), "CRL is not yet valid")) << early.message();
}

TEST_F(CryptoX509, RequireCrlForEveryCa) {
  ChainOptions o = options();
  o.crls = {p.inter_crl};
  o.require_crl_for_every_ca = true;
  auto missing = verify_chain(p.leaf, {p.inter}, o);
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(contains(missing.message(), "unable to get certificate CRL")) << missing.message();
  o.crls = {p.inter_crl, p.root_crl};
  auto all = verify_chain(p.leaf, {p.inter}, o);
  EXPECT_TRUE(all.ok()) << all.message();
}

TEST_F(CryptoX509, CrlAccessors) {
  EXPECT_EQ(p.inter_crl.issuer(), "CN=cchost test intermediate");
  EXPECT_TRUE(p.inter_crl.is_revoked(p.revoked));
  EXPECT_FALSE(p.inter_crl.is_revoked(p.leaf));
  EXPECT_FALSE(p.root_crl.is_revoked(p.revoked));  // other issuer: says nothing
  EXPECT_EQ(p.inter_crl.next_update() - p.inter_crl.this_update(), 30 * 86400);
  EXPECT_EQ(p.inter_old_crl.this_update(), *parse_time("2020-01-01T00:00:00Z"));
  EXPECT_EQ(p.inter_old_crl.next_update(), *parse_time("2020-02-01T00:00:00Z"));
}

TEST_F(CryptoX509, CorruptedAnchorSelfSignatureIsCaught) {
  Bytes bad = p.root_der;
  bad[bad.size() - 1] ^= 0x01;  // last byte of the signature BIT STRING
  auto corrupted = Certificate::from_der(bad);
  ASSERT_TRUE(corrupted.ok()) << corrupted.message();
  ChainOptions o = options();
  o.anchors = {*corrupted};
  auto r = verify_chain(p.leaf, {p.inter}, o);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(contains(r.message(), "signature failure")) << r.message();
  EXPECT_TRUE(contains(r.message(), "CN=cchost test root")) << r.message();
}

TEST_F(CryptoX509, TamperedLeafSignatureIsCaught) {
  Bytes bad = p.leaf_der;
  bad[bad.size() - 3] ^= 0x01;
  auto tampered = Certificate::from_der(bad);
  ASSERT_TRUE(tampered.ok());
  auto r = verify_chain(*tampered, {p.inter}, options());
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(contains(r.message(), "at depth 0")) << r.message();
}

TEST_F(CryptoX509, OptionsAreRequired) {
  ChainOptions o = options();
  o.anchors.clear();
  EXPECT_TRUE(contains(verify_chain(p.leaf, {p.inter}, o).message(), "trust anchor"));
  o = options();
  o.at = 0;
  EXPECT_TRUE(contains(verify_chain(p.leaf, {p.inter}, o).message(), "verification time"));
  EXPECT_FALSE(verify_chain(Certificate(), {p.inter}, options()).ok());
}

// The cheap SPKI digest (issue 16) must be the very digest pins are compared with: RSA, P-256
// and P-384 keys alike.
TEST_F(CryptoX509, SpkiDigestOfTheCertificateEqualsThePublicKeys) {
  for (const Certificate* c : {&p.root, &p.other_root, &p.inter, &p.leaf}) {
    EXPECT_EQ(c->spki_sha256(), c->public_key().spki_sha256()) << c->subject();
    EXPECT_EQ(c->spki_sha256().size(), 32u);
  }
  EXPECT_NE(p.root.spki_sha256(), p.leaf.spki_sha256());
  EXPECT_TRUE(Certificate().spki_sha256().empty());
}

// A cache hit is the certificate those bytes parse to; bytes that do not parse are refused
// every time (never remembered as anything); a full cache starts again rather than growing.
TEST_F(CryptoX509, CertificateCacheReturnsWhatParsingWould) {
  CertificateCache cache(2);
  auto first = cache.from_der(p.leaf_der);
  ASSERT_TRUE(first.ok()) << first.message();
  auto again = cache.from_der(p.leaf_der);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->get(), first->get()) << "a second parse of the same bytes is served from the cache";
  EXPECT_EQ(again->der(), p.leaf_der);
  EXPECT_EQ(cache.size(), 1u);
  auto root = cache.from_der(p.root_der);
  ASSERT_TRUE(root.ok());
  EXPECT_EQ(root->subject(), p.root.subject()) << "other bytes are another certificate, never a hit";
  Bytes trailing = p.leaf_der;
  trailing.push_back(0);
  for (int i = 0; i < 2; ++i) {
    auto bad = cache.from_der(trailing);
    ASSERT_FALSE(bad.ok());
    EXPECT_TRUE(contains(bad.message(), "trailing bytes")) << bad.message();
  }
  EXPECT_FALSE(cache.from_der(Bytes{}).ok());
  EXPECT_EQ(cache.size(), 2u);
  ASSERT_TRUE(cache.from_der(p.inter.der()).ok());
  EXPECT_EQ(cache.size(), 1u) << "a full cache is emptied before it takes another certificate";
}

// Whoever presents evidence chooses its certificates: one larger than kMaxCachedDer is parsed
// every time and never kept, so offered certificates cannot grow the cache past its bound.
TEST_F(CryptoX509, CertificateCacheKeepsNoLargeCertificate) {
  const auto& d = temp_dir();
  test::write_text(d / "big.cnf", "[v3_big]\nnsComment = \"" + std::string(CertificateCache::kMaxCachedDer, 'x') + "\"\n");
  ASSERT_TRUE(openssl("req -x509 -new -key leaf.key -sha256 -days 30 -subj '/CN=big' -extensions v3_big "
                      "-config big.cnf -outform DER -out big.der"));
  const Bytes big = test::read_bytes(d / "big.der");
  ASSERT_GT(big.size(), CertificateCache::kMaxCachedDer);
  CertificateCache cache;
  auto first = cache.from_der(big), second = cache.from_der(big);
  ASSERT_TRUE(first.ok()) << first.message();
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->subject_cn(), "big");
  EXPECT_NE(first->get(), second->get()) << "parsed again, not served from the cache";
  EXPECT_EQ(cache.size(), 0u);
}

TEST_F(CryptoX509, ParsingPemDerBundlesAndGarbage) {
  auto all = Certificate::all_from_pem(p.bundle_pem);
  ASSERT_TRUE(all.ok()) << all.message();
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[1].subject(), "CN=cchost test intermediate");
  EXPECT_EQ(Certificate::from_pem(p.bundle_pem)->subject(), "CN=cchost test leaf");
  EXPECT_EQ(Certificate::from_pem_or_der(p.leaf_der)->subject(), "CN=cchost test leaf");
  EXPECT_EQ(Certificate::from_pem_or_der(as_bytes(p.bundle_pem))->subject(), "CN=cchost test leaf");
  Bytes trailing = p.leaf_der;
  trailing.push_back(0);
  auto t = Certificate::from_der(trailing);
  ASSERT_FALSE(t.ok());
  EXPECT_TRUE(contains(t.message(), "trailing bytes")) << t.message();
  EXPECT_FALSE(Certificate::from_der(ByteView(p.leaf_der).first(100)).ok());
  EXPECT_FALSE(Certificate::from_pem("garbage").ok());
  EXPECT_FALSE(Certificate::from_pem(p.bundle_pem.substr(0, 200)).ok());
  EXPECT_FALSE(Certificate::from_der(Bytes{}).ok());
  auto missing = Certificate::from_file("/nonexistent/cchost.pem");
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(contains(missing.message(), "/nonexistent/cchost.pem")) << missing.message();
  EXPECT_FALSE(Crl::from_pem_or_der(p.leaf_der).ok());
  EXPECT_FALSE(Crl::from_pem_or_der(Bytes{1, 2, 3}).ok());
}

}  // namespace
}  // namespace cchost::crypto
