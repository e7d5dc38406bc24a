// Attacks on the MAA path with tokens made here (throwaway RSA keys): each check of
// verify_maa_token() has a token that only that check stops, and a positive control that the
// same token, honestly made, verifies.
#include <gtest/gtest.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "aci_test_support.hpp"
#include "plugin_config.hpp"
#include "aci_verifier.hpp"

namespace cchost::aci {
namespace {
using namespace test;

constexpr const char* kIssuer = "https://trusted.attest.example";
constexpr const char* kHost = "trusted.attest.example";
constexpr std::int64_t kIat = 1760000000;
constexpr std::int64_t kAt = kIat + 120;

// A self-signed certificate for `key`, as an attacker would embed in x5c.
std::string self_signed_x5c(const sim::MaaSigner& key) {
  auto pem = key.private_pem();
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* pkey = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), -86400L * 365 * 10);
  X509_gmtime_adj(X509_getm_notAfter(cert), 86400L * 365 * 10);
  X509_set_pubkey(cert, pkey);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(kIssuer), -1, -1, 0);
  X509_set_issuer_name(cert, name);
  X509_sign(cert, pkey, EVP_sha256());
  unsigned char* der = nullptr;
  int n = i2d_X509(cert, &der);
  std::string out = crypto::base64_encode(ByteView(der, static_cast<std::size_t>(n)));
  OPENSSL_free(der);
  X509_free(cert);
  EVP_PKEY_free(pkey);
  return out;
}

class AciMaaAttack : public ::testing::Test {
 protected:
  struct Outcome {
    bool ok;
    std::string message;
  };
  void SetUp() override { pin_instance(dir_.path(), kHost, trusted_key().jwks_json()); }

  Outcome verify(const std::string& token, const std::string& config = "", std::optional<Binding> binding = binding_of(1),
                 std::int64_t at = kAt) {
    cfg_ = parse_plugin_config(config);
    AciVerifier verifier(cfg_);
    AciVerifyRequest r{token, binding, at};
    auto result = verifier.verify(r, dir_.path());
    if (auto* f = std::get_if<AciFailure>(&result)) return {false, f->message};
    return {true, ""};
  }
  Json honest_payload(std::uint8_t seed = 1) { return aci_payload(kIssuer, kIat, make_runtime_data(binding_of(seed))); }
  std::string honest_token() { return sign(trusted_key(), header_for(trusted_key().kid()), honest_payload()); }

  TempDir dir_{"attack"};
  AciPluginConfig cfg_;
};

#define EXPECT_REJECTED(outcome, fragment)                                      \
  do {                                                                          \
    auto o_ = (outcome);                                                        \
    EXPECT_FALSE(o_.ok);                                                        \
    EXPECT_NE(o_.message.find(fragment), std::string::npos) << o_.message;      \
  } while (0)

TEST_F(AciMaaAttack, HonestTokenVerifies) {
  auto o = verify(honest_token());
  EXPECT_TRUE(o.ok) << o.message;
}

TEST_F(AciMaaAttack, AttackerKeyWithJkuHeaderIsRejected) {
  // Same kid as the pinned key, a jku pointing at the attacker's JWKS: the pinned key decides.
  Json extra = {{"jku", "https://attacker.example/certs"}};
  auto t = sign(attacker_key(), header_for(trusted_key().kid(), "RS256", extra), honest_payload());
  EXPECT_REJECTED(verify(t), "MAA token signature (https://trusted.attest.example)");
}

TEST_F(AciMaaAttack, AttackerKeyWithEmbeddedX5cIsRejected) {
  Json extra = {{"x5c", Json::array({self_signed_x5c(attacker_key())})}};
  auto t = sign(attacker_key(), header_for(trusted_key().kid(), "RS256", extra), honest_payload());
  EXPECT_REJECTED(verify(t), "MAA token signature");
}

TEST_F(AciMaaAttack, AttackerKeyWithEmbeddedJwkIsRejected) {
  auto jwks = parse_json_object(attacker_key().jwks_json(), "jwks");
  Json extra = {{"jwk", (*jwks)["keys"][0]}, {"x5u", "https://attacker.example/cert.pem"}};
  auto t = sign(attacker_key(), header_for("attacker-kid", "RS256", extra), honest_payload());
  EXPECT_REJECTED(verify(t), "kid \"attacker-kid\" not found in the JWKS");
}

TEST_F(AciMaaAttack, UntrustedIssuerIsRejectedByName) {
  auto p = honest_payload();
  p["iss"] = "https://sharedeus2.eus2.attest.azure.net";  // real, but not pinned by this relying party
  auto t = sign(attacker_key(), header_for("k"), p);
  EXPECT_REJECTED(verify(t), "issuer \"https://sharedeus2.eus2.attest.azure.net\" is not a trusted MAA instance "
                             "(pinned: https://trusted.attest.example)");
}

TEST_F(AciMaaAttack, IssuerLookalikesAreNotTheInstance) {
  for (const char* iss : {"https://trusted.attest.example/", "http://trusted.attest.example",
                          "https://TRUSTED.attest.example", "https://trusted.attest.example.evil"}) {
    SCOPED_TRACE(iss);
    auto p = honest_payload();
    p["iss"] = iss;
    EXPECT_REJECTED(verify(sign(trusted_key(), header_for(trusted_key().kid()), p)), "is not a trusted MAA instance");
  }
}

TEST_F(AciMaaAttack, OneInstancesKeyCannotSignForAnother) {
  // Both instances pinned; a token claiming instance B signed with A's key fails under B's keys.
  auto other = sim::MaaSigner::generate(2048, "other-kid");
  ASSERT_TRUE(other);
  pin_instance(dir_.path(), "other.attest.example", other->jwks_json());
  auto p = honest_payload();
  p["iss"] = "https://other.attest.example";
  auto t = sign(trusted_key(), header_for("other-kid"), p);
  EXPECT_REJECTED(verify(t), "MAA token signature (https://other.attest.example)");
}

TEST_F(AciMaaAttack, AlgorithmComesFromConfigurationOnly) {
  auto ps = sign(trusted_key(), header_for(trusted_key().kid(), "PS256"), honest_payload(), crypto::JwsAlg::PS256);
  EXPECT_REJECTED(verify(ps), "alg PS256 not allowed: allowed [RS256]");
  auto o = verify(ps, "allowed_algs = [\"PS256\"]\n");
  EXPECT_TRUE(o.ok) << o.message;
  // An RS256 signature relabelled PS256 (or the reverse) never verifies.
  auto rs = honest_token();
  auto relabelled = crypto::base64url_encode(as_bytes(header_for(trusted_key().kid(), "PS256"))) + rs.substr(rs.find('.'));
  EXPECT_REJECTED(verify(relabelled, "allowed_algs = [\"RS256\", \"PS256\"]\n"), "MAA token signature");
  EXPECT_THROW(parse_plugin_config("allowed_algs = [\"HS256\"]\n"), std::invalid_argument);
  EXPECT_THROW(parse_plugin_config("allowed_algs = [\"none\"]\n"), std::invalid_argument);
  EXPECT_THROW(parse_plugin_config("allowed_algs = []\n"), std::invalid_argument);
}

TEST_F(AciMaaAttack, PinnedKeyWithAChainIsHeldToTheMicrosoftRoot) {
  // The pinned entry carries an x5c chain (a PKI-issued key, NOTES §2 (b)) that does not end in
  // Microsoft Root CA 2011: the signature verifies under the pinned key, the chain check refuses.
  Json jwks = {{"keys", Json::array({{{"kid", "pki-kid"}, {"kty", "RSA"},
                                      {"x5c", Json::array({self_signed_x5c(trusted_key()), self_signed_x5c(attacker_key())})}}})}};
  pin_instance(dir_.path(), kHost, compact_json(jwks));
  auto t = sign(trusted_key(), header_for("pki-kid"), honest_payload());
  EXPECT_REJECTED(verify(t), "not the pinned Microsoft Root CA 2011");
  // The same key pinned without a chain (an enclave-style entry) verifies.
  Json bare = {{"keys", Json::array({{{"kid", "pki-kid"}, {"kty", "RSA"}, {"x5c", Json::array({self_signed_x5c(trusted_key())})}}})}};
  pin_instance(dir_.path(), kHost, compact_json(bare));
  auto o = verify(t);
  EXPECT_TRUE(o.ok) << o.message;
}

TEST_F(AciMaaAttack, CriticalHeaderIsRejected) {
  Json extra = {{"crit", Json::array({"exp"})}};
  EXPECT_REJECTED(verify(sign(trusted_key(), header_for(trusted_key().kid(), "RS256", extra), honest_payload())),
                  "\"crit\" present");
}

TEST_F(AciMaaAttack, RegisteredTimesAreEnforcedWithSkew) {
  auto t = honest_token();
  EXPECT_TRUE(verify(t, "", binding_of(1), kIat + 28800 + 60).ok);
  EXPECT_REJECTED(verify(t, "", binding_of(1), kIat + 28800 + 61), "MAA token expired");
  EXPECT_TRUE(verify(t, "", binding_of(1), kIat - 60).ok);
  EXPECT_REJECTED(verify(t, "", binding_of(1), kIat - 61), "not yet valid");
  auto p = honest_payload();
  p["iat"] = kAt + 3600;  // nbf still in the past: only iat says "future"
  EXPECT_REJECTED(verify(sign(trusted_key(), header_for(trusted_key().kid()), p)), "issued in the future");
  for (const char* claim : {"exp", "nbf", "iat"}) {
    SCOPED_TRACE(claim);
    auto q = honest_payload();
    q.erase(claim);
    EXPECT_REJECTED(verify(sign(trusted_key(), header_for(trusted_key().kid()), q)), std::string("\"") + claim + "\" missing");
    q[claim] = std::to_string(kIat);  // a string is not a NumericDate
    EXPECT_REJECTED(verify(sign(trusted_key(), header_for(trusted_key().kid()), q)), "is not an integer");
  }
}

TEST_F(AciMaaAttack, ReportDataMustCommitToTheRuntimeData) {
  auto p = honest_payload();
  p["x-ms-runtime"]["cchost_binding"] = crypto::hex_encode(binding_of(9));  // swapped after MAA hashed it
  EXPECT_REJECTED(verify(sign(trusted_key(), header_for(trusted_key().kid()), p), "", binding_of(9)),
                  "REPORT_DATA must be SHA-256(runtime data) || 0^32");
  auto q = honest_payload();
  std::string rd = q["x-ms-sevsnpvm-reportdata"];
  rd[127] = '1';  // the zero tail is part of the commitment
  q["x-ms-sevsnpvm-reportdata"] = rd;
  EXPECT_REJECTED(verify(sign(trusted_key(), header_for(trusted_key().kid()), q)), "REPORT_DATA must be");
  auto r = honest_payload();
  r.erase("x-ms-runtime");
  EXPECT_REJECTED(verify(sign(trusted_key(), header_for(trusted_key().kid()), r)), "binds no runtime data");
}

TEST_F(AciMaaAttack, BindingMustBeTheRelyingPartysOwn) {
  auto t = honest_token();  // carries binding_of(1)
  EXPECT_REJECTED(verify(t, "", binding_of(2)), "binding mismatch");
  EXPECT_TRUE(verify(t, "", std::nullopt).ok);  // --no-binding: inspection only
  // Runtime data with a nonce but no cchost binding binds nothing cchost can check.
  auto p = aci_payload(kIssuer, kIat, "{\"nonce\":\"abc\"}");
  EXPECT_REJECTED(verify(sign(trusted_key(), header_for(trusted_key().kid()), p)), "has no \"cchost_binding\"");
}

TEST_F(AciMaaAttack, DuplicateMembersAreRefused) {
  // Two "iss" members: a lenient parser would read one, a reviewer's tool the other.
  std::string payload = compact_json(honest_payload());
  payload.insert(1, "\"iss\":\"https://evil.example\",");
  auto t = trusted_key().sign_compact(header_for(trusted_key().kid()), payload, crypto::JwsAlg::RS256);
  ASSERT_TRUE(t);
  EXPECT_REJECTED(verify(*t), "duplicate member \"iss\"");
  std::string header = header_for(trusted_key().kid());
  header.insert(1, "\"alg\":\"none\",");
  auto h = trusted_key().sign_compact(header, compact_json(honest_payload()), crypto::JwsAlg::RS256);
  EXPECT_REJECTED(verify(*h), "duplicate member \"alg\"");
}

TEST_F(AciMaaAttack, ClaimsOfTheWrongTypeAreRefused) {
  auto p = honest_payload();
  p["x-ms-sevsnpvm-is-debuggable"] = "false";
  EXPECT_REJECTED(verify(sign(trusted_key(), header_for(trusted_key().kid()), p)), "expected a boolean");
  auto q = honest_payload();
  q["x-ms-sevsnpvm-hostdata"] = "cadd";
  EXPECT_REJECTED(verify(sign(trusted_key(), header_for(trusted_key().kid()), q)), "expected 32 bytes, got 2");
  auto r = honest_payload();
  r["x-ms-sevsnpvm-uvm-endorsement"]["x-ms-sevsnpvm-guestsvn"] = "0101";
  EXPECT_REJECTED(verify(sign(trusted_key(), header_for(trusted_key().kid()), r)), "expected a decimal svn");
  auto s = honest_payload();
  s["x-ms-sevsnpvm-vmpl"] = -1;
  EXPECT_REJECTED(verify(sign(trusted_key(), header_for(trusted_key().kid()), s)), "expected an integer 0..4294967295");
}

TEST_F(AciMaaAttack, WeakSigningKeysAreRefused) {
  auto weak = sim::MaaSigner::generate(1024, "weak");
  ASSERT_TRUE(weak);
  pin_instance(dir_.path(), kHost, weak->jwks_json());
  auto t = sign(*weak, header_for("weak"), honest_payload());
  EXPECT_REJECTED(verify(t), "at least 2048 bits, got 1024");
  EXPECT_TRUE(verify(t, "min_rsa_bits = 1024\n").ok);
  EXPECT_THROW(parse_plugin_config("min_rsa_bits = 512\n"), std::invalid_argument);
}

TEST_F(AciMaaAttack, MalformedShapesAreRejectedNeverAccepted) {
  const std::string t = honest_token();
  // Every truncation and every one-byte change of the signing input or signature is refused.
  for (std::size_t n = 0; n < t.size(); n += 7) {
    EXPECT_FALSE(verify(t.substr(0, n)).ok) << n;
  }
  for (std::size_t i = 0; i < t.size(); i += 11) {
    std::string m = t;
    m[i] = m[i] == 'A' ? 'B' : 'A';
    if (m == t) continue;
    EXPECT_FALSE(verify(m).ok) << i;
  }
  EXPECT_REJECTED(verify(t + "="), "not base64url");
  EXPECT_REJECTED(verify(t + ".x"), "3 parts");
  EXPECT_REJECTED(verify(std::string(70 * 1024, 'A') + ".A.A"), "the limit is 65536");
  std::string spaced = t;
  spaced.insert(t.find('.') + 3, " ");
  EXPECT_FALSE(verify(spaced).ok);
}

TEST_F(AciMaaAttack, SimulatedInstanceTokensAreMarkedSimulated) {
  TempDir sim_dir("sim");
  pin_instance(sim_dir.path(), kHost, trusted_key().jwks_json(), /*simulated=*/true);
  AciPluginConfig cfg;
  AciVerifier verifier(cfg);
  std::string t = honest_token();
  auto result = verifier.verify({t, binding_of(1), kAt}, sim_dir.path());
  ASSERT_TRUE(std::holds_alternative<AciClaims>(result)) << std::get<AciFailure>(result).message;
  EXPECT_TRUE(std::get<AciClaims>(result).simulated);
  // Pinning one host both ways is refused rather than guessed.
  pin_instance(sim_dir.path(), kHost, trusted_key().jwks_json(), /*simulated=*/false);
  auto both = verifier.verify({t, binding_of(1), kAt}, sim_dir.path());
  ASSERT_TRUE(std::holds_alternative<AciFailure>(both));
  EXPECT_NE(std::get<AciFailure>(both).message.find("both as a real and a simulated"), std::string::npos);
}

TEST_F(AciMaaAttack, CollateralProblemsAreCollateralErrors) {
  TempDir empty("empty");
  AciPluginConfig cfg;
  AciVerifier verifier(cfg);
  std::string t = honest_token();
  auto none = verifier.verify({t, std::nullopt, kAt}, empty.path());
  ASSERT_TRUE(std::holds_alternative<AciFailure>(none));
  EXPECT_EQ(std::get<AciFailure>(none).kind, FailureKind::Collateral);
  write_text(empty.path() / "maa.Not_A_Host.jwks.json", "{}");
  auto bad = verifier.verify({t, std::nullopt, kAt}, empty.path());
  ASSERT_TRUE(std::holds_alternative<AciFailure>(bad));
  EXPECT_NE(std::get<AciFailure>(bad).message.find("is not a lowercase host name"), std::string::npos);
}

}  // namespace
}  // namespace cchost::aci
