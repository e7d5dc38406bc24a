// Signature verification against keys and signatures made by the openssl CLI at test time:
// ECDSA P-256/P-384 (DER, r||s, raw big- and little-endian as AMD writes it), RSA PKCS#1 v1.5,
// RSA-PSS with exact salt lengths, Ed25519. Each good case has tampered twins.
#include <gtest/gtest.h>

#include <algorithm>

#include "cchost/crypto/encoding.hpp"
#include "cchost/crypto/signature.hpp"
#include "crypto_test_support.hpp"

namespace cchost::crypto {
namespace {

using test::openssl;
using test::read_bytes;
using test::temp_dir;

const std::string kMessage = "cchost signature known answer\n";

// Keys and signatures, generated once per test process.
struct SignedSamples {
  bool ok = false;
  PublicKey ec256, ec384, rsa, ed25519;
  Bytes ec256_der, ec384_der, rsa_pkcs1_sha256, rsa_pss_sha384_salt48, rsa_pss_sha256_salt32,
      ed25519_sig;
};

const SignedSamples& samples() {
  static SignedSamples s = [] {
    SignedSamples out;
    test::write_text(temp_dir() / "msg.bin", kMessage);
    bool ok =
        openssl("genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out sig_ec256.key") &&
        openssl("genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out sig_ec384.key") &&
        openssl("genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out sig_rsa.key") &&
        openssl("genpkey -algorithm ED25519 -out sig_ed.key") &&
        openssl("pkey -in sig_ec256.key -pubout -out sig_ec256.pub") &&
        openssl("pkey -in sig_ec384.key -pubout -out sig_ec384.pub") &&
        openssl("pkey -in sig_rsa.key -pubout -out sig_rsa.pub") &&
        openssl("pkey -in sig_ed.key -pubout -out sig_ed.pub") &&
        openssl("dgst -sha256 -sign sig_ec256.key -out ec256.sig msg.bin") &&
        openssl("dgst -sha384 -sign sig_ec384.key -out ec384.sig msg.bin") &&
        openssl("dgst -sha256 -sign sig_rsa.key -out rsa_pkcs1.sig msg.bin") &&
        openssl("dgst -sha384 -sign sig_rsa.key -sigopt rsa_padding_mode:pss "
                "-sigopt rsa_pss_saltlen:48 -sigopt rsa_mgf1_md:sha384 -out rsa_pss48.sig msg.bin") &&
        openssl("dgst -sha256 -sign sig_rsa.key -sigopt rsa_padding_mode:pss "
                "-sigopt rsa_pss_saltlen:32 -out rsa_pss32.sig msg.bin") &&
        openssl("pkeyutl -sign -rawin -inkey sig_ed.key -in msg.bin -out ed.sig");
    if (!ok) return out;
    auto load = [](const char* name) {
      auto key = PublicKey::from_pem(test::read_text(temp_dir() / name));
      return key.ok() ? *key : PublicKey();
    };
    out.ec256 = load("sig_ec256.pub");
    out.ec384 = load("sig_ec384.pub");
    out.rsa = load("sig_rsa.pub");
    out.ed25519 = load("sig_ed.pub");
    out.ec256_der = read_bytes(temp_dir() / "ec256.sig");
    out.ec384_der = read_bytes(temp_dir() / "ec384.sig");
    out.rsa_pkcs1_sha256 = read_bytes(temp_dir() / "rsa_pkcs1.sig");
    out.rsa_pss_sha384_salt48 = read_bytes(temp_dir() / "rsa_pss48.sig");
    out.rsa_pss_sha256_salt32 = read_bytes(temp_dir() / "rsa_pss32.sig");
    out.ed25519_sig = read_bytes(temp_dir() / "ed.sig");
    out.ok = out.ec256.get() && out.ec384.get() && out.rsa.get() && out.ed25519.get();
    return out;
  }();
  return s;
}

ByteView msg() { return as_bytes(kMessage); }

Bytes flipped(Bytes b, std::size_t index) {
  b[index % b.size()] ^= 0x01;
  return b;
}

class CryptoSignature : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(samples().ok) << "openssl CLI could not make samples"; }
  const SignedSamples& s = samples();
};

TEST_F(CryptoSignature, KeyTypes) {
  EXPECT_EQ(s.ec256.type(), KeyType::EcP256);
  EXPECT_EQ(s.ec384.type(), KeyType::EcP384);
  EXPECT_EQ(s.rsa.type(), KeyType::Rsa);
  EXPECT_EQ(s.rsa.bits(), 2048);
  EXPECT_EQ(s.ed25519.type(), KeyType::Ed25519);
}

TEST_F(CryptoSignature, EcdsaDerGoodAndTampered) {
  EXPECT_TRUE(verify_ecdsa_der(s.ec256, HashAlg::Sha256, msg(), s.ec256_der).ok());
  auto ok384 = verify_ecdsa_der(s.ec384, HashAlg::Sha384, msg(), s.ec384_der);
  EXPECT_TRUE(ok384.ok()) << ok384.message();
  std::string other = kMessage + "x";
  auto bad_msg = verify_ecdsa_der(s.ec256, HashAlg::Sha256, as_bytes(other), s.ec256_der);
  ASSERT_FALSE(bad_msg.ok());
  EXPECT_NE(bad_msg.message().find("does not verify under EC P-256 key"), std::string::npos)
      << bad_msg.message();
  EXPECT_FALSE(verify_ecdsa_der(s.ec256, HashAlg::Sha256, msg(),
                                flipped(s.ec256_der, s.ec256_der.size() - 1)).ok());
  EXPECT_FALSE(verify_ecdsa_der(s.ec256, HashAlg::Sha384, msg(), s.ec256_der).ok());
  EXPECT_FALSE(verify_ecdsa_der(s.ec384, HashAlg::Sha256, msg(), s.ec256_der).ok());
}

TEST_F(CryptoSignature, EcdsaDerRejectsTrailingBytesAndWrongKeyType) {
  Bytes trailing = s.ec256_der;
  trailing.push_back(0);
  auto r = verify_ecdsa_der(s.ec256, HashAlg::Sha256, msg(), trailing);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.message().find("non-canonical DER"), std::string::npos) << r.message();
  auto rsa = verify_ecdsa_der(s.rsa, HashAlg::Sha256, msg(), s.ec256_der);
  ASSERT_FALSE(rsa.ok());
  EXPECT_NE(rsa.message().find("expected an EC P-256 or P-384 key, got RSA-2048"),
            std::string::npos) << rsa.message();
  EXPECT_FALSE(verify_ecdsa_der(s.ec256, HashAlg::Sha256, msg(), Bytes{0x30, 0x00}).ok());
}

TEST_F(CryptoSignature, EcdsaDigestVariant) {
  Bytes digest = sha384(msg());
  EXPECT_TRUE(verify_ecdsa_der_digest(s.ec384, digest, s.ec384_der).ok());
  EXPECT_FALSE(verify_ecdsa_der_digest(s.ec384, flipped(digest, 0), s.ec384_der).ok());
  EXPECT_FALSE(verify_ecdsa_der_digest(s.ec384, Bytes(20, 1), s.ec384_der).ok());
}

TEST_F(CryptoSignature, EcdsaRawBigEndianAndConcat) {
  Bytes r, sv;
  ASSERT_TRUE(test::ecdsa_der_to_raw(s.ec256_der, 32, r, sv));
  EXPECT_TRUE(verify_ecdsa_raw(s.ec256, HashAlg::Sha256, msg(), r, sv, Endian::Big).ok());
  Bytes rs = r;
  rs.insert(rs.end(), sv.begin(), sv.end());
  EXPECT_TRUE(verify_ecdsa_concat(s.ec256, HashAlg::Sha256, msg(), rs, Endian::Big).ok());
  EXPECT_FALSE(verify_ecdsa_concat(s.ec256, HashAlg::Sha256, msg(), flipped(rs, 40),
                                   Endian::Big).ok());
  auto odd = verify_ecdsa_concat(s.ec256, HashAlg::Sha256, msg(), ByteView(rs).first(63),
                                 Endian::Big);
  ASSERT_FALSE(odd.ok());
  EXPECT_NE(odd.message().find("two equal"), std::string::npos) << odd.message();
  // Swapping r and s must fail.
  EXPECT_FALSE(verify_ecdsa_raw(s.ec256, HashAlg::Sha256, msg(), sv, r, Endian::Big).ok());
}

// AMD SEV-SNP layout: r and s little-endian, zero-padded to 72 bytes each (P-384 uses 48).
TEST_F(CryptoSignature, EcdsaRawLittleEndianAmdLayout) {
  Bytes r, sv;
  ASSERT_TRUE(test::ecdsa_der_to_raw(s.ec384_der, 48, r, sv));
  Bytes r_le(r.rbegin(), r.rend()), s_le(sv.rbegin(), sv.rend());
  r_le.resize(72, 0);
  s_le.resize(72, 0);
  auto good = verify_ecdsa_raw(s.ec384, HashAlg::Sha384, msg(), r_le, s_le, Endian::Little);
  EXPECT_TRUE(good.ok()) << good.message();
  Bytes rs_le = r_le;
  rs_le.insert(rs_le.end(), s_le.begin(), s_le.end());
  EXPECT_TRUE(verify_ecdsa_concat(s.ec384, HashAlg::Sha384, msg(), rs_le, Endian::Little).ok());
  // The same bytes read big-endian are other (too large) numbers: refused.
  auto wrong_endian = verify_ecdsa_raw(s.ec384, HashAlg::Sha384, msg(), r_le, s_le, Endian::Big);
  ASSERT_FALSE(wrong_endian.ok());
  // Unpadded little-endian works too; big-endian bytes read as little-endian do not verify.
  Bytes r48(r.rbegin(), r.rend()), s48(sv.rbegin(), sv.rend());
  EXPECT_TRUE(verify_ecdsa_raw(s.ec384, HashAlg::Sha384, msg(), r48, s48, Endian::Little).ok());
  EXPECT_FALSE(verify_ecdsa_raw(s.ec384, HashAlg::Sha384, msg(), r, sv, Endian::Little).ok());
  EXPECT_FALSE(verify_ecdsa_raw(s.ec384, HashAlg::Sha384, msg(), flipped(r_le, 3), s_le,
                                Endian::Little).ok());
}

TEST_F(CryptoSignature, EcdsaRawRejectsOversizedPadding) {
  Bytes r, sv;
  ASSERT_TRUE(test::ecdsa_der_to_raw(s.ec384_der, 48, r, sv));
  Bytes r_le(r.rbegin(), r.rend()), s_le(sv.rbegin(), sv.rend());
  r_le.resize(72, 0);
  s_le.resize(72, 0);
  r_le[60] = 0x01;  // a significant byte beyond the 48-byte order size
  auto res = verify_ecdsa_raw(s.ec384, HashAlg::Sha384, msg(), r_le, s_le, Endian::Little);
  ASSERT_FALSE(res.ok());
  EXPECT_NE(res.message().find("expected at most 48 significant bytes (little-endian), got 61"),
            std::string::npos) << res.message();
}

TEST_F(CryptoSignature, EcdsaRawRejectsZeroAndOutOfRange) {
  Bytes r, sv;
  ASSERT_TRUE(test::ecdsa_der_to_raw(s.ec256_der, 32, r, sv));
  auto zero = verify_ecdsa_raw(s.ec256, HashAlg::Sha256, msg(), Bytes(32, 0), sv, Endian::Big);
  ASSERT_FALSE(zero.ok());
  EXPECT_NE(zero.message().find("r: expected 1 <= r < curve order, got zero"), std::string::npos)
      << zero.message();
  // s = n (the P-256 group order) is out of range.
  auto n = hex_decode("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551");
  auto at_order = verify_ecdsa_raw(s.ec256, HashAlg::Sha256, msg(), r, *n, Endian::Big);
  ASSERT_FALSE(at_order.ok());
  EXPECT_NE(at_order.message().find("s: expected 1 <= s < curve order"), std::string::npos)
      << at_order.message();
  EXPECT_FALSE(verify_ecdsa_raw(s.ec256, HashAlg::Sha256, msg(), r, Bytes(32, 0xff),
                                Endian::Big).ok());
  EXPECT_FALSE(verify_ecdsa_raw(s.ec256, HashAlg::Sha256, msg(), Bytes{}, sv, Endian::Big).ok());
}

TEST_F(CryptoSignature, RsaPkcs1GoodAndTampered) {
  auto good = verify_rsa_pkcs1(s.rsa, HashAlg::Sha256, msg(), s.rsa_pkcs1_sha256);
  EXPECT_TRUE(good.ok()) << good.message();
  EXPECT_FALSE(verify_rsa_pkcs1(s.rsa, HashAlg::Sha256, msg(), flipped(s.rsa_pkcs1_sha256, 100)).ok());
  EXPECT_FALSE(verify_rsa_pkcs1(s.rsa, HashAlg::Sha384, msg(), s.rsa_pkcs1_sha256).ok());
  // A PSS signature is not a PKCS#1 v1.5 signature.
  EXPECT_FALSE(verify_rsa_pkcs1(s.rsa, HashAlg::Sha256, msg(), s.rsa_pss_sha256_salt32).ok());
  Bytes truncated(s.rsa_pkcs1_sha256.begin(), s.rsa_pkcs1_sha256.end() - 1);
  auto shorter = verify_rsa_pkcs1(s.rsa, HashAlg::Sha256, msg(), truncated);
  ASSERT_FALSE(shorter.ok());
  EXPECT_NE(shorter.message().find("expected a 256-byte signature for RSA-2048 key, got 255"),
            std::string::npos) << shorter.message();
  auto wrong_key = verify_rsa_pkcs1(s.ec256, HashAlg::Sha256, msg(), s.rsa_pkcs1_sha256);
  ASSERT_FALSE(wrong_key.ok());
  EXPECT_NE(wrong_key.message().find("expected an RSA key, got EC P-256"), std::string::npos);
}

// AMD signs ARK/ASK/VCEK with RSA-PSS, SHA-384, salt 48: the salt length must match exactly.
TEST_F(CryptoSignature, RsaPssExactSaltLength) {
  auto good = verify_rsa_pss(s.rsa, HashAlg::Sha384, msg(), s.rsa_pss_sha384_salt48, 48);
  EXPECT_TRUE(good.ok()) << good.message();
  EXPECT_TRUE(verify_rsa_pss(s.rsa, HashAlg::Sha384, msg(), s.rsa_pss_sha384_salt48).ok());
  auto salt32 = verify_rsa_pss(s.rsa, HashAlg::Sha384, msg(), s.rsa_pss_sha384_salt48, 32);
  ASSERT_FALSE(salt32.ok());
  EXPECT_NE(salt32.message().find("salt 32"), std::string::npos) << salt32.message();
  EXPECT_FALSE(verify_rsa_pss(s.rsa, HashAlg::Sha384, msg(), s.rsa_pss_sha384_salt48, 0).ok());
  EXPECT_TRUE(verify_rsa_pss(s.rsa, HashAlg::Sha256, msg(), s.rsa_pss_sha256_salt32, 32).ok());
  EXPECT_FALSE(verify_rsa_pss(s.rsa, HashAlg::Sha256, msg(), s.rsa_pss_sha256_salt32, 48).ok());
  EXPECT_FALSE(verify_rsa_pss(s.rsa, HashAlg::Sha384, msg(),
                              flipped(s.rsa_pss_sha384_salt48, 7), 48).ok());
  EXPECT_FALSE(verify_rsa_pss(s.rsa, HashAlg::Sha256, msg(), s.rsa_pkcs1_sha256, 32).ok());
  EXPECT_FALSE(verify_rsa_pss(s.rsa, HashAlg::Sha384, msg(), s.rsa_pss_sha384_salt48, -2).ok());
}

TEST_F(CryptoSignature, Ed25519GoodAndTampered) {
  auto good = verify_ed25519(s.ed25519, msg(), s.ed25519_sig);
  EXPECT_TRUE(good.ok()) << good.message();
  EXPECT_FALSE(verify_ed25519(s.ed25519, msg(), flipped(s.ed25519_sig, 10)).ok());
  std::string other = "x" + kMessage;
  EXPECT_FALSE(verify_ed25519(s.ed25519, as_bytes(other), s.ed25519_sig).ok());
  auto size = verify_ed25519(s.ed25519, msg(), ByteView(s.ed25519_sig).first(63));
  ASSERT_FALSE(size.ok());
  EXPECT_NE(size.message().find("expected a 64-byte signature, got 63"), std::string::npos);
  EXPECT_FALSE(verify_ed25519(s.ec256, msg(), s.ed25519_sig).ok());
}

TEST_F(CryptoSignature, EmptyKeyIsAnErrorNotACrash) {
  PublicKey none;
  EXPECT_FALSE(verify_ecdsa_der(none, HashAlg::Sha256, msg(), s.ec256_der).ok());
  EXPECT_FALSE(verify_rsa_pkcs1(none, HashAlg::Sha256, msg(), s.rsa_pkcs1_sha256).ok());
  EXPECT_FALSE(verify_ed25519(none, msg(), s.ed25519_sig).ok());
}

}  // namespace
}  // namespace cchost::crypto
