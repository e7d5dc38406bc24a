// HPKE (host/crypto/hpke.hpp). RFC 9180 publishes no vector for our exact suite (kem 0x0020,
// kdf 0x0001, aead 0x0002), so: RFC 9180 A.1.1 (aead 0x0001: our KEM and our HKDF-SHA256 key
// schedule, genuine), then our suite on the same keys against values computed independently
// of this code. Then round trips, and every tampered input fails.
#include <gtest/gtest.h>

#include "cchost/crypto/encoding.hpp"
#include "cchost/crypto/hpke.hpp"
#include "cchost/crypto/hpke_suite.hpp"

namespace hpke = cchost::crypto::hpke;
using cchost::Bytes;
using cchost::crypto::hex_encode;

namespace {

Bytes hex(const char* text) { return *cchost::crypto::hex_decode(text); }
Bytes text_bytes(std::string_view s) { return Bytes(s.begin(), s.end()); }

struct Vector {
  hpke::Suite suite;
  const char* info;
  const char* sk_em;
  const char* pk_em;
  const char* sk_rm;
  const char* pk_rm;
  const char* shared_secret;
  const char* key_schedule_context;
  const char* secret;
  const char* key;
  const char* base_nonce;
  const char* aad0;
  const char* ct0;
  const char* aad1;
  const char* ct1;
};
constexpr const char* kPlaintext = "4265617574792069732074727574682c20747275746820626561757479";

// RFC 9180 A.1.1 (mode 0, kem 32, kdf 1, aead 1): genuine.
const Vector kA1 = {
    {cchost::crypto::HashAlg::Sha256, 16},
    "4f6465206f6e2061204772656369616e2055726e",
    "52c4a758a802cd8b936eceea314432798d5baf2d7e9235dc084ab1b9cfa2f736",
    "37fda3567bdbd628e88668c3c8d7e97d1d1253b6d4ea6d44c150f741f1bf4431",
    "4612c550263fc8ad58375df3f557aac531d26850903e55a9f23f21d8534e8ac8",
    "3948cfe0ad1ddb695d780e59077195da6c56506b027329794ab02bca80815c4d",
    "fe0e18c9f024ce43799ae393c7e8fe8fce9d218875e8227b0187c04e7d2ea1fc",
    "00725611c9d98c07c03f60095cd32d400d8347d45ed67097bbad50fc56da742d07cb6cffde367bb0565ba28bb02c90744a20f5ef37f30523526106f637abb05449",
    "12fff91991e93b48de37e7daddb52981084bd8aa64289c3788471d9a9712f397",
    "4531685d41d65f03dc48f6b8302c05b0",
    "56d890e5accaaf011cff4b7d",
    "436f756e742d30",
    "f938558b5d72f1a23810b4be2ab4f84331acc02fc97babc53a52ae8218a355a96d8770ac83d07bea87e13c512a",
    "436f756e742d31",
    "af2d7e9ac9ae7e270f46ba1f975be53c09f8d875bdc8535458c2494e8a6eab251c03d0c22a56b8ca42c2063b84",
};

// Our suite (aead 2) on A.1.1's keys. NOT an RFC vector (RFC 9180 publishes none for this
// suite): key_schedule_context, secret, key, base_nonce and both ciphertexts were computed
// independently of this code, with Python's hmac/hashlib (RFC 9180 4 and 5.1 written out) and
// pyca/cryptography's AESGCM. The KEM steps (shared_secret) are A.1.1's genuine values.
const Vector kOurSuiteCrossCheck = {
    hpke::kCchostSuite,
    "4f6465206f6e2061204772656369616e2055726e",
    "52c4a758a802cd8b936eceea314432798d5baf2d7e9235dc084ab1b9cfa2f736",
    "37fda3567bdbd628e88668c3c8d7e97d1d1253b6d4ea6d44c150f741f1bf4431",
    "4612c550263fc8ad58375df3f557aac531d26850903e55a9f23f21d8534e8ac8",
    "3948cfe0ad1ddb695d780e59077195da6c56506b027329794ab02bca80815c4d",
    "fe0e18c9f024ce43799ae393c7e8fe8fce9d218875e8227b0187c04e7d2ea1fc",
    "004ce5472ecdd5093ba0aecb8f871ff13f1fbc90ee76f0e18ace1a1b7e565bafa306f6ef962c9ee7cea40407b5d60f0f26990472faae3ac44c78366f1cac1ecde1",
    "f43f0d342f341adbf46889a6d23529ce2b223c36cdd65a2f9148e9a9d98c2110",
    "a2863277956ec56c4f9f16b43665870daa2403d0d22baceff6551c4ff35b8528",
    "94fc3a5af015ec686da39ff8",
    "436f756e742d30",
    "090b7dc225419f7da9e8b460becfbb96a26c7964d79b8010d397fa838530a32a397b14f5776db19ff5e57734e0",
    "436f756e742d31",
    "05cbb27ea0f48fa8768a10c9f2f1438233f63104bf68d51abf26f0aae2c62a449d5cf7e8b73791a4e55d79b650",
};

void check_vector(const Vector& v) {
  auto ephemeral = hpke::X25519KeyPair::from_private(hex(v.sk_em));
  ASSERT_TRUE(ephemeral) << ephemeral.message();
  EXPECT_EQ(hex_encode(ephemeral->public_key()), v.pk_em);
  auto recipient = hpke::X25519KeyPair::from_private(hex(v.sk_rm));
  ASSERT_TRUE(recipient) << recipient.message();
  EXPECT_EQ(hex_encode(recipient->public_key()), v.pk_rm);

  auto s = hpke::setup_base_sender(v.suite, *ephemeral, hex(v.pk_rm), hex(v.info));
  ASSERT_TRUE(s) << s.message();
  EXPECT_EQ(hex_encode(s->shared_secret), v.shared_secret);
  EXPECT_EQ(hex_encode(s->key_schedule_context), v.key_schedule_context);
  EXPECT_EQ(hex_encode(s->secret), v.secret);
  EXPECT_EQ(hex_encode(s->key), v.key);
  EXPECT_EQ(hex_encode(s->base_nonce), v.base_nonce);
  auto ct0 = hpke::aead_seal(*s, v.suite.aes_key_bytes, 0, hex(v.aad0), hex(kPlaintext));
  ASSERT_TRUE(ct0) << ct0.message();
  EXPECT_EQ(hex_encode(*ct0), v.ct0);
  auto ct1 = hpke::aead_seal(*s, v.suite.aes_key_bytes, 1, hex(v.aad1), hex(kPlaintext));
  ASSERT_TRUE(ct1) << ct1.message();
  EXPECT_EQ(hex_encode(*ct1), v.ct1);

  auto r = hpke::setup_base_recipient(v.suite, *recipient, hex(v.pk_em), hex(v.info));
  ASSERT_TRUE(r) << r.message();
  EXPECT_EQ(hex_encode(r->key), v.key);
  auto pt = hpke::aead_open(*r, v.suite.aes_key_bytes, 1, hex(v.aad1), hex(v.ct1));
  ASSERT_TRUE(pt) << pt.message();
  EXPECT_EQ(hex_encode(*pt), kPlaintext);
}

TEST(Hpke, Rfc9180A1X25519Sha256Aes128KnownAnswers) { check_vector(kA1); }
TEST(Hpke, OurSuiteMatchesAnIndependentComputation) { check_vector(kOurSuiteCrossCheck); }

TEST(Hpke, OurSuiteIdsAreX25519Sha256Aes256) {
  EXPECT_EQ(hpke::kCchostSuite.kdf_id(), 1);
  EXPECT_EQ(hpke::kCchostSuite.aead_id(), 2);
}

struct Sealing : ::testing::Test {
  void SetUp() override {
    auto k = hpke::X25519KeyPair::generate();
    ASSERT_TRUE(k);
    recipient = std::move(*k);
    auto s = hpke::seal(recipient.public_key(), info, aad, plaintext);
    ASSERT_TRUE(s) << s.message();
    sealed = std::move(*s);
  }
  hpke::X25519KeyPair recipient;
  Bytes info = text_bytes("job-1/site-1");
  Bytes aad = text_bytes("aad");
  Bytes plaintext = text_bytes("the payload");
  hpke::Sealed sealed;
};

TEST_F(Sealing, RoundTrips) {
  EXPECT_EQ(sealed.enc.size(), hpke::kEncSize);
  EXPECT_EQ(sealed.ciphertext.size(), plaintext.size() + hpke::kTagSize);
  auto pt = hpke::open(recipient, sealed.enc, info, aad, sealed.ciphertext);
  ASSERT_TRUE(pt) << pt.message();
  EXPECT_EQ(*pt, plaintext);
}

TEST_F(Sealing, TamperedCiphertextFails) {
  for (std::size_t i : {std::size_t{0}, sealed.ciphertext.size() - 1}) {
    Bytes ct = sealed.ciphertext;
    ct[i] ^= 0x01;
    EXPECT_FALSE(hpke::open(recipient, sealed.enc, info, aad, ct)) << "byte " << i;
  }
  Bytes short_ct(sealed.ciphertext.begin(), sealed.ciphertext.begin() + 15);
  EXPECT_FALSE(hpke::open(recipient, sealed.enc, info, aad, short_ct));
}

TEST_F(Sealing, TamperedAadFails) { EXPECT_FALSE(hpke::open(recipient, sealed.enc, info, text_bytes("aae"), sealed.ciphertext)); }

TEST_F(Sealing, TamperedInfoFails) {
  EXPECT_FALSE(hpke::open(recipient, sealed.enc, text_bytes("job-1/site-2"), aad, sealed.ciphertext));
}

TEST_F(Sealing, TamperedEncFails) {
  Bytes enc = sealed.enc;
  enc[3] ^= 0x40;
  EXPECT_FALSE(hpke::open(recipient, enc, info, aad, sealed.ciphertext));
  EXPECT_FALSE(hpke::open(recipient, Bytes(31, 1), info, aad, sealed.ciphertext));
}

TEST_F(Sealing, AnotherRecipientCannotOpen) {
  auto other = hpke::X25519KeyPair::generate();
  ASSERT_TRUE(other);
  EXPECT_FALSE(hpke::open(*other, sealed.enc, info, aad, sealed.ciphertext));
}

TEST_F(Sealing, AWipedKeyOpensNothing) {
  recipient.wipe();
  EXPECT_TRUE(recipient.public_key().empty());
  EXPECT_FALSE(hpke::open(recipient, sealed.enc, info, aad, sealed.ciphertext));
}

TEST(Hpke, SmallOrderRecipientKeyIsRefused) {
  EXPECT_FALSE(hpke::seal(Bytes(32, 0), {}, {}, text_bytes("x")));  // the all-zero point
  EXPECT_FALSE(hpke::seal(Bytes(31, 9), {}, {}, text_bytes("x")));
}

}  // namespace
