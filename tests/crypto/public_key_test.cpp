// PublicKey: SPKI PEM/DER, EC points and RSA components (as in JWKs), and the SPKI pin.
#include <gtest/gtest.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>

#include "cchost/crypto/encoding.hpp"
#include "cchost/crypto/hash.hpp"
#include "cchost/crypto/public_key.hpp"
#include "crypto_test_support.hpp"

namespace cchost::crypto {
namespace {

using test::openssl;
using test::temp_dir;

struct Keys {
  bool ok = false;
  std::string ec_pem, rsa_pem;
  Bytes ec_der, ec_der_sha256_cli;
};

const Keys& keys() {
  static Keys k = [] {
    Keys out;
    out.ok = openssl("genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out pk_ec.key") &&
             openssl("pkey -in pk_ec.key -pubout -out pk_ec.pub") &&
             openssl("pkey -in pk_ec.key -pubout -outform DER -out pk_ec.der") &&
             openssl("dgst -sha256 -binary -out pk_ec.der.sha256 pk_ec.der") &&
             openssl("genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out pk_rsa.key") &&
             openssl("pkey -in pk_rsa.key -pubout -out pk_rsa.pub");
    if (!out.ok) return out;
    out.ec_pem = test::read_text(temp_dir() / "pk_ec.pub");
    out.rsa_pem = test::read_text(temp_dir() / "pk_rsa.pub");
    out.ec_der = test::read_bytes(temp_dir() / "pk_ec.der");
    out.ec_der_sha256_cli = test::read_bytes(temp_dir() / "pk_ec.der.sha256");
    return out;
  }();
  return k;
}

class CryptoPublicKey : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(keys().ok); }
};

TEST_F(CryptoPublicKey, PemAndDerAgreeWithOpensslCli) {
  auto from_pem = PublicKey::from_pem(keys().ec_pem);
  ASSERT_TRUE(from_pem.ok()) << from_pem.message();
  EXPECT_EQ(from_pem->type(), KeyType::EcP384);
  EXPECT_EQ(from_pem->bits(), 384);
  EXPECT_EQ(from_pem->spki_der(), keys().ec_der);
  EXPECT_EQ(from_pem->spki_sha256(), keys().ec_der_sha256_cli);
  EXPECT_EQ(from_pem->pem(), keys().ec_pem);
  auto from_der = PublicKey::from_spki_der(keys().ec_der);
  ASSERT_TRUE(from_der.ok()) << from_der.message();
  EXPECT_EQ(from_der->spki_der(), keys().ec_der);
}

TEST_F(CryptoPublicKey, RejectsMalformed) {
  EXPECT_FALSE(PublicKey::from_pem("not a key").ok());
  EXPECT_FALSE(PublicKey::from_pem(keys().ec_pem.substr(0, 60)).ok());
  Bytes trailing = keys().ec_der;
  trailing.push_back(0);
  auto r = PublicKey::from_spki_der(trailing);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.message().find("trailing bytes"), std::string::npos) << r.message();
  Bytes cut(keys().ec_der.begin(), keys().ec_der.end() - 5);
  EXPECT_FALSE(PublicKey::from_spki_der(cut).ok());
  EXPECT_FALSE(PublicKey::from_spki_der(Bytes{}).ok());
}

TEST_F(CryptoPublicKey, EcPointRoundTripAndOffCurvePoint) {
  auto key = PublicKey::from_pem(keys().ec_pem);
  ASSERT_TRUE(key.ok());
  unsigned char point[97];
  std::size_t len = 0;
  ASSERT_EQ(EVP_PKEY_get_octet_string_param(key->get(), OSSL_PKEY_PARAM_PUB_KEY, point,
                                            sizeof point, &len), 1);
  ASSERT_EQ(len, 97u);
  ByteView x(point + 1, 48), y(point + 49, 48);
  auto rebuilt = PublicKey::from_ec_point(KeyType::EcP384, x, y);
  ASSERT_TRUE(rebuilt.ok()) << rebuilt.message();
  EXPECT_EQ(rebuilt->spki_der(), keys().ec_der);
  Bytes bad_y(y.begin(), y.end());
  bad_y[47] ^= 1;
  EXPECT_FALSE(PublicKey::from_ec_point(KeyType::EcP384, x, bad_y).ok());
  auto size = PublicKey::from_ec_point(KeyType::EcP256, x, y);
  ASSERT_FALSE(size.ok());
  EXPECT_NE(size.message().find("expected x and y of 32 bytes each, got 48 and 48"),
            std::string::npos) << size.message();
  EXPECT_FALSE(PublicKey::from_ec_point(KeyType::Rsa, x, y).ok());
}

TEST_F(CryptoPublicKey, RsaComponents) {
  auto key = PublicKey::from_pem(keys().rsa_pem);
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key->type(), KeyType::Rsa);
  BIGNUM* n = nullptr;
  BIGNUM* e = nullptr;
  ASSERT_EQ(EVP_PKEY_get_bn_param(key->get(), OSSL_PKEY_PARAM_RSA_N, &n), 1);
  ASSERT_EQ(EVP_PKEY_get_bn_param(key->get(), OSSL_PKEY_PARAM_RSA_E, &e), 1);
  Bytes nb(static_cast<std::size_t>(BN_num_bytes(n))), eb(static_cast<std::size_t>(BN_num_bytes(e)));
  BN_bn2bin(n, nb.data());
  BN_bn2bin(e, eb.data());
  BN_free(n);
  BN_free(e);
  auto rebuilt = PublicKey::from_rsa_components(nb, eb);
  ASSERT_TRUE(rebuilt.ok()) << rebuilt.message();
  EXPECT_EQ(rebuilt->spki_der(), key->spki_der());
  EXPECT_EQ(rebuilt->bits(), 2048);
  EXPECT_FALSE(PublicKey::from_rsa_components(Bytes{}, eb).ok());
  EXPECT_FALSE(PublicKey::from_rsa_components(nb, Bytes(9, 1)).ok());
}

TEST(CryptoPublicKeyNames, KeyTypeNames) {
  EXPECT_EQ(key_type_name(KeyType::Rsa), "RSA");
  EXPECT_EQ(key_type_name(KeyType::EcP256), "EC P-256");
  EXPECT_EQ(key_type_name(KeyType::EcP384), "EC P-384");
  EXPECT_EQ(key_type_name(KeyType::Ed25519), "Ed25519");
  PublicKey empty;
  EXPECT_EQ(empty.type(), KeyType::Other);
  EXPECT_TRUE(empty.spki_der().empty());
}

}  // namespace
}  // namespace cchost::crypto
