// Signing and strict verification of EAR tokens: the round trip, then every tamper a reader
// must refuse, each with the reason it must give.
#include <gtest/gtest.h>

#include "cchost/crypto/encoding.hpp"
#include "cchost/ear/ear_claims.hpp"
#include "cchost/ear/ear_token.hpp"
#include "ear_test_keys.hpp"

namespace cchost::ear {
namespace {

using nlohmann::json;
using test::b64u;
using test::raw_token;

json sample_claims() {
  AppraisalRecord r;
  r.attester = "trustee";
  r.verified = true;
  r.accept = false;
  r.namespaces = {"x-snp"};
  r.failed = {{"snp.min_abi", "snp.policy"}};
  r.issued_at = 1793491300;
  r.verifier_build = "cchost test";
  return *build_ear_claims(r);
}

class EarToken : public ::testing::Test {
 protected:
  crypto::SigningKey key_ = *crypto::SigningKey::generate();
  crypto::SigningKey other_ = *crypto::SigningKey::generate();
  json claims_ = sample_claims();
  std::string token_ = *sign_ear(claims_, key_);

  std::string part(int i) const {
    std::size_t start = 0;
    for (int k = 0; k < i; ++k) start = token_.find('.', start) + 1;
    const std::size_t end = token_.find('.', start);
    return token_.substr(start, end == std::string::npos ? std::string::npos : end - start);
  }

  void expect_refused(const std::string& token, const std::string& words, const crypto::PublicKey* key = nullptr) {
    auto v = verify_ear(token, key ? *key : key_.public_key());
    ASSERT_FALSE(v) << "accepted: " << token.substr(0, 80);
    EXPECT_NE(v.message().find(words), std::string::npos) << v.message();
  }
};

TEST_F(EarToken, RoundTrip) {
  auto v = verify_ear(token_, key_.public_key());
  ASSERT_TRUE(v) << v.message();
  EXPECT_EQ(v->alg, "EdDSA");
  EXPECT_EQ(v->header["alg"], "EdDSA");
  EXPECT_EQ(v->header["typ"], "JWT");
  EXPECT_EQ(v->claims, claims_);
}

TEST_F(EarToken, PayloadByteChanged) {
  std::string t = token_;
  const std::size_t at = t.find('.') + 5;
  t[at] = t[at] == 'A' ? 'B' : 'A';
  expect_refused(t, "does not verify");
}

TEST_F(EarToken, PayloadReplacedWithOtherClaims) {
  json c = claims_;
  c["submods"]["trustee"]["ear.status"] = "none";
  c["submods"]["trustee"]["ear.trustworthiness-vector"] = json::object();
  expect_refused(part(0) + "." + b64u(c.dump()) + "." + part(2), "does not verify");
}

TEST_F(EarToken, SignatureByteChanged) {
  std::string t = token_;
  const std::size_t at = t.rfind('.') + 3;
  t[at] = t[at] == 'A' ? 'B' : 'A';
  expect_refused(t, "does not verify");
}

TEST_F(EarToken, AlgNone) {
  const std::string h = b64u(R"({"alg":"none","typ":"JWT"})");
  expect_refused(h + "." + part(1) + "." + part(2), "\"none\"");
  expect_refused(h + "." + part(1) + ".", "\"none\"");
  expect_refused(b64u(R"({"alg":"NONE"})") + "." + part(1) + "." + part(2), "\"none\"");
}

TEST_F(EarToken, AlgHs256) {
  expect_refused(b64u(R"({"alg":"HS256"})") + "." + part(1) + "." + part(2), "HMAC");
}

TEST_F(EarToken, AlgSwappedToEs256WithAnEd25519Key) {
  expect_refused(b64u(R"({"alg":"ES256"})") + "." + part(1) + "." + part(2), "must be \"EdDSA\"");
}

TEST_F(EarToken, AlgMissingOrNotAString) {
  expect_refused(b64u(R"({"typ":"JWT"})") + "." + part(1) + "." + part(2), "alg is missing");
  expect_refused(b64u(R"({"alg":1})") + "." + part(1) + "." + part(2), "alg must be a string");
}

TEST_F(EarToken, WrongKey) {
  const auto other = other_.public_key();
  expect_refused(token_, "does not verify", &other);
}

TEST_F(EarToken, Truncated) {
  expect_refused(token_.substr(0, token_.size() - 1), "EAR signature: base64url");  // 85 symbols: no byte string
  expect_refused(token_.substr(0, token_.size() - 2), "EdDSA needs 64 bytes, got 63");
  expect_refused(token_.substr(0, token_.rfind('.')), "3 dot-separated parts");
  expect_refused(token_.substr(0, token_.rfind('.') + 1), "signature part is empty");
  expect_refused("", "empty");
  expect_refused(token_ + "." + part(2) + "." + part(2), "3 dot-separated parts");  // a JWE's 5 parts
}

TEST_F(EarToken, Oversize) {
  std::string big(kMaxEarTokenBytes + 1, 'A');
  expect_refused(big, "at most 65536");
  // Oversize but validly signed: the bound comes before the signature.
  json c = claims_;
  c["padding"] = std::string(kMaxEarTokenBytes, 'x');
  expect_refused(raw_token(R"({"alg":"EdDSA"})", c.dump(), key_), "at most 65536");
  EXPECT_FALSE(sign_ear(c, key_));
}

TEST_F(EarToken, BadBase64) {
  std::string t = token_;
  t[t.find('.') + 2] = '+';
  expect_refused(t, "not base64url");
  expect_refused(part(0) + "=." + part(1) + "." + part(2), "not base64url");
  expect_refused(part(0) + " ." + part(1) + "." + part(2), "not base64url");
  expect_refused(token_ + "\n", "not base64url");
  // Alphabet right, but a length no base64 string has.
  expect_refused("A." + part(1) + "." + part(2), "EAR header");
}

TEST_F(EarToken, UnknownCrit) {
  const json c = claims_;
  expect_refused(raw_token(R"({"alg":"EdDSA","crit":["exp"],"exp":1})", c.dump(), key_), "crit");
  expect_refused(raw_token(R"({"alg":"EdDSA","b64":false})", c.dump(), key_), "b64");
}

TEST_F(EarToken, HeaderKeyIsNotFollowed) {
  // The attacker signs with its own key and names it in the header; our key decides.
  const auto attacker_pub = other_.public_key();
  const std::string jwk = R"({"kty":"OKP","crv":"Ed25519","x":")" + crypto::base64url_encode(attacker_pub.spki_der()) + "\"}";
  for (const std::string& h : {R"({"alg":"EdDSA","jwk":)" + jwk + "}",
                               std::string(R"({"alg":"EdDSA","jku":"https://attacker.example/keys"})"),
                               std::string(R"({"alg":"EdDSA","x5u":"https://attacker.example/cert"})"),
                               std::string(R"({"alg":"EdDSA","x5c":["MIIB"]})")}) {
    expect_refused(raw_token(h, claims_.dump(), other_), "does not verify");
  }
}

TEST_F(EarToken, DuplicateMembers) {
  expect_refused(raw_token(R"({"alg":"EdDSA","alg":"none"})", claims_.dump(), key_), "appears twice");
  std::string text = claims_.dump();
  text.insert(1, R"("eat_profile":"other",)");
  expect_refused(raw_token(R"({"alg":"EdDSA"})", text, key_), "appears twice");
}

TEST_F(EarToken, ClaimsCheckedAfterSignature) {
  json c = claims_;
  c["eat_profile"] = "tag:example.com,2024:other";
  expect_refused(raw_token(R"({"alg":"EdDSA"})", c.dump(), key_), "eat_profile");
  c = claims_;
  c["submods"]["trustee"]["ear.status"] = "fine";
  expect_refused(raw_token(R"({"alg":"EdDSA"})", c.dump(), key_), "ear.status");
  expect_refused(raw_token(R"({"alg":"EdDSA"})", "[1,2]", key_), "expected a JSON object");
  expect_refused(raw_token(R"({"alg":"EdDSA"})", "{\"a\":", key_), "not valid JSON");
  expect_refused(raw_token(R"({"alg":"EdDSA"})", std::string(40, '[') + std::string(40, ']'), key_), "deep");
  expect_refused(raw_token(R"({"alg":"EdDSA","typ":"JOSE+JSON"})", claims_.dump(), key_), "typ");
}

TEST_F(EarToken, SignRefusesInvalidClaims) {
  json c = claims_;
  c["submods"]["trustee"]["ear.trustworthiness-vector"]["hardware"] = 300;
  auto t = sign_ear(c, key_);
  ASSERT_FALSE(t);
  EXPECT_NE(t.message().find("[-128, 127]"), std::string::npos) << t.message();
}

TEST(EarTokenEc, Es256AndEs384FollowTheKey) {
  const json c = sample_claims();
  test::EcSigner p256("P-256"), p384("P-384");
  const auto k256 = p256.public_key(), k384 = p384.public_key();
  auto v = verify_ear(raw_token(R"({"alg":"ES256","typ":"JWT"})", c.dump(), p256), k256);
  ASSERT_TRUE(v) << v.message();
  EXPECT_EQ(v->alg, "ES256");
  v = verify_ear(raw_token(R"({"alg":"ES384"})", c.dump(), p384), k384);
  ASSERT_TRUE(v) << v.message();
  EXPECT_EQ(v->alg, "ES384");
  // The curve decides: an ES256 header offered to a P-384 key, or ES384 to P-256, is refused.
  auto wrong = verify_ear(raw_token(R"({"alg":"ES256"})", c.dump(), p256), k384);
  ASSERT_FALSE(wrong);
  EXPECT_NE(wrong.message().find("must be \"ES384\""), std::string::npos) << wrong.message();
  // EdDSA header with an EC key.
  const auto ed = *crypto::SigningKey::generate();
  wrong = verify_ear(*sign_ear(c, ed), k256);
  ASSERT_FALSE(wrong);
  EXPECT_NE(wrong.message().find("must be \"ES256\""), std::string::npos) << wrong.message();
  // Another P-256 key.
  test::EcSigner other("P-256");
  wrong = verify_ear(raw_token(R"({"alg":"ES256"})", c.dump(), other), k256);
  ASSERT_FALSE(wrong);
  EXPECT_NE(wrong.message().find("does not verify"), std::string::npos) << wrong.message();
}

}  // namespace
}  // namespace cchost::ear
