// JWS compact verification with tokens signed by the openssl CLI at test time: every
// algorithm good, and each refusal (alg none/HS*/disallowed, unknown kid, crit, tampering,
// header-supplied keys, malformed structure, x5c chains).
#include <gtest/gtest.h>

#include "cchost/crypto/encoding.hpp"
#include "cchost/crypto/jws.hpp"
#include "crypto_test_support.hpp"

namespace cchost::crypto {
namespace {

using test::openssl;
using test::temp_dir;

struct Signer {
  std::string key_file;
  JwsAlg alg;
};

// Signs `input` as `alg` with the openssl CLI and returns the JWS signature bytes.
Bytes sign(const Signer& signer, const std::string& input) {
  test::write_text(temp_dir() / "jws_input.txt", input);
  std::string args;
  switch (signer.alg) {
    case JwsAlg::RS256: args = "dgst -sha256 -sign " + signer.key_file; break;
    case JwsAlg::PS256:
      args = "dgst -sha256 -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:32 -sign " +
             signer.key_file;
      break;
    case JwsAlg::ES256: args = "dgst -sha256 -sign " + signer.key_file; break;
    case JwsAlg::ES384: args = "dgst -sha384 -sign " + signer.key_file; break;
  }
  if (!openssl(args + " -out jws_sig.bin jws_input.txt")) return {};
  Bytes sig = test::read_bytes(temp_dir() / "jws_sig.bin");
  if (signer.alg == JwsAlg::ES256 || signer.alg == JwsAlg::ES384) {
    std::size_t field = signer.alg == JwsAlg::ES256 ? 32 : 48;
    Bytes r, s;
    if (!test::ecdsa_der_to_raw(sig, field, r, s)) return {};
    r.insert(r.end(), s.begin(), s.end());
    return r;
  }
  return sig;
}

std::string b64u(const std::string& s) { return base64url_encode(as_bytes(s)); }

std::string make_token(const std::string& header, const std::string& payload,
                       const Signer& signer) {
  std::string input = b64u(header) + "." + b64u(payload);
  return input + "." + base64url_encode(sign(signer, input));
}

const std::string kPayload = R"({"iss":"https://issuer.invalid","x-ms-sevsnpvm-vmpl":0})";

struct JwsKeys {
  bool ok = false;
  std::string jwks, single_jwks;
  PublicKey rsa, ec256, ec384;
  Certificate x5c_root, x5c_other_root, x5c_leaf;
};

const JwsKeys& keys() {
  static JwsKeys k = [] {
    JwsKeys out;
    bool ok =
        openssl("genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out jws_rsa.key") &&
        openssl("genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out jws_ec256.key") &&
        openssl("genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out jws_ec384.key") &&
        openssl("genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out jws_attacker.key") &&
        openssl("pkey -in jws_rsa.key -pubout -out jws_rsa.pub") &&
        openssl("pkey -in jws_ec256.key -pubout -out jws_ec256.pub") &&
        openssl("pkey -in jws_ec384.key -pubout -out jws_ec384.pub") &&
        // x5c chain: EC P-384 root -> EC P-256 leaf (the token signer).
        openssl("genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out jws_root.key") &&
        openssl("req -x509 -new -key jws_root.key -sha384 -days 3650 -subj '/CN=jws root' "
                "-addext basicConstraints=critical,CA:TRUE -out jws_root.pem") &&
        openssl("req -x509 -new -key jws_attacker.key -sha256 -days 3650 -subj '/CN=jws root' "
                "-addext basicConstraints=critical,CA:TRUE -out jws_other_root.pem") &&
        openssl("req -new -key jws_ec256.key -subj '/CN=jws signer' -out jws_leaf.csr") &&
        openssl("x509 -req -in jws_leaf.csr -CA jws_root.pem -CAkey jws_root.key -sha384 "
                "-set_serial 7 -days 100 -out jws_leaf.pem");
    if (!ok) return out;
    auto key = [](const char* f) { return *PublicKey::from_pem(test::read_text(temp_dir() / f)); };
    out.rsa = key("jws_rsa.pub");
    out.ec256 = key("jws_ec256.pub");
    out.ec384 = key("jws_ec384.pub");
    out.jwks = R"({"keys":[)" + test::jwk_for(out.rsa, "rsa-1") + "," +
               test::jwk_for(out.ec256, "ec-1") + "," + test::jwk_for(out.ec384, "ec-2") + "]}";
    out.single_jwks = R"({"keys":[)" + test::jwk_for(out.ec256, "ec-1") + "]}";
    out.x5c_root = *Certificate::from_file((temp_dir() / "jws_root.pem").string());
    out.x5c_other_root = *Certificate::from_file((temp_dir() / "jws_other_root.pem").string());
    out.x5c_leaf = *Certificate::from_file((temp_dir() / "jws_leaf.pem").string());
    out.ok = true;
    return out;
  }();
  return k;
}

const Signer kRsa{"jws_rsa.key", JwsAlg::RS256};
const Signer kRsaPss{"jws_rsa.key", JwsAlg::PS256};
const Signer kEc256{"jws_ec256.key", JwsAlg::ES256};
const Signer kEc384{"jws_ec384.key", JwsAlg::ES384};
const Signer kAttacker{"jws_attacker.key", JwsAlg::ES256};

std::string header(const std::string& alg, const std::string& kid, const std::string& extra = "") {
  std::string h = R"({"alg":")" + alg + R"(","typ":"JWT")";
  if (!kid.empty()) h += R"(,"kid":")" + kid + "\"";
  return h + extra + "}";
}

class CryptoJws : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(keys().ok) << "openssl CLI could not make JWS keys"; }
  JwsOptions options(std::vector<JwsAlg> algs = {JwsAlg::RS256, JwsAlg::PS256, JwsAlg::ES256,
                                                 JwsAlg::ES384}) const {
    JwsOptions o;
    o.allowed_algs = std::move(algs);
    o.jwks_json = keys().jwks;
    return o;
  }
  static std::string error_of(const Result<JwsVerified>& r) { return r.ok() ? "" : r.message(); }
};

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST_F(CryptoJws, EveryAlgorithmVerifies) {
  const std::pair<Signer, const char*> cases[] = {
      {kRsa, "rsa-1"}, {kRsaPss, "rsa-1"}, {kEc256, "ec-1"}, {kEc384, "ec-2"}};
  for (const auto& [signer, kid] : cases) {
    std::string alg(jws_alg_name(signer.alg));
    auto r = verify_jws_compact(make_token(header(alg, kid), kPayload, signer), options());
    ASSERT_TRUE(r.ok()) << alg << ": " << r.message();
    EXPECT_EQ(r->alg, signer.alg);
    EXPECT_EQ(r->kid, kid);
    EXPECT_EQ(std::string(r->payload.begin(), r->payload.end()), kPayload);
    EXPECT_EQ(r->header_json, header(alg, kid));
  }
}

TEST_F(CryptoJws, TamperedPayloadAndTruncatedSignatureFail) {
  std::string token = make_token(header("ES256", "ec-1"), kPayload, kEc256);
  auto first_dot = token.find('.'), second_dot = token.rfind('.');
  std::string tampered = token.substr(0, first_dot + 1) +
                         b64u(R"({"iss":"https://issuer.invalid","x-ms-sevsnpvm-vmpl":1})") +
                         token.substr(second_dot);
  EXPECT_TRUE(contains(error_of(verify_jws_compact(tampered, options())), "does not verify"));
  Bytes sig = *base64url_decode(token.substr(second_dot + 1));
  sig.resize(sig.size() - 3);
  std::string truncated = token.substr(0, second_dot + 1) + base64url_encode(sig);
  auto r = verify_jws_compact(truncated, options());
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(contains(r.message(), "expects 64 bytes (R||S), got 61")) << r.message();
  std::string rsa = make_token(header("RS256", "rsa-1"), kPayload, kRsa);
  std::string rsa_bad = rsa.substr(0, rsa.size() - 6) + (rsa[rsa.size() - 6] == 'A' ? "B" : "A") +
                        rsa.substr(rsa.size() - 5);
  EXPECT_FALSE(verify_jws_compact(rsa_bad, options()).ok());
}

TEST_F(CryptoJws, EcdsaDerSignatureIsNotJose) {
  std::string input = b64u(header("ES256", "ec-1")) + "." + b64u(kPayload);
  test::write_text(temp_dir() / "jws_input.txt", input);
  ASSERT_TRUE(openssl("dgst -sha256 -sign jws_ec256.key -out jws_der.bin jws_input.txt"));
  std::string token = input + "." + base64url_encode(test::read_bytes(temp_dir() / "jws_der.bin"));
  EXPECT_TRUE(contains(error_of(verify_jws_compact(token, options())), "R||S"));
}

TEST_F(CryptoJws, AlgNoneAndHmacAreAlwaysRefused) {
  std::string none = b64u(R"({"alg":"none"})") + "." + b64u(kPayload) + ".";
  EXPECT_TRUE(contains(error_of(verify_jws_compact(none, options())), "always refused"));
  std::string none_upper = b64u(R"({"alg":"NONE","kid":"ec-1"})") + "." + b64u(kPayload) + ".AA";
  EXPECT_TRUE(contains(error_of(verify_jws_compact(none_upper, options())), "always refused"));
  std::string hs = b64u(R"({"alg":"HS256","kid":"rsa-1"})") + "." + b64u(kPayload) + ".c2ln";
  EXPECT_TRUE(contains(error_of(verify_jws_compact(hs, options())), "(HMAC) is always refused"));
  EXPECT_FALSE(parse_jws_alg("HS512").ok());
  EXPECT_FALSE(parse_jws_alg("none").ok());
  EXPECT_FALSE(parse_jws_alg("RS512").ok());
  EXPECT_FALSE(parse_jws_alg("rs256").ok());
  EXPECT_EQ(*parse_jws_alg("PS256"), JwsAlg::PS256);
}

TEST_F(CryptoJws, AlgorithmsComeFromOptionsNotTheHeader) {
  std::string token = make_token(header("RS256", "rsa-1"), kPayload, kRsa);
  auto r = verify_jws_compact(token, options({JwsAlg::ES256, JwsAlg::PS256}));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.message(), "JWS: alg RS256 not allowed: allowed [ES256, PS256]");
  auto none = verify_jws_compact(token, options({}));
  EXPECT_TRUE(contains(error_of(none), "no allowed algorithms"));
}

TEST_F(CryptoJws, KeyMustSuitTheAlgorithm) {
  // ES384 claimed with the P-256 key's kid.
  std::string token = make_token(header("ES384", "ec-1"), kPayload, kEc384);
  EXPECT_TRUE(contains(error_of(verify_jws_compact(token, options())),
                       "ES384 expects an EC P-384 key, got EC P-256"));
  std::string rsa = make_token(header("RS256", "rsa-1"), kPayload, kRsa);
  JwsOptions o = options();
  o.min_rsa_bits = 3072;
  EXPECT_TRUE(contains(error_of(verify_jws_compact(rsa, o)),
                       "expected RSA of at least 3072 bits, got 2048"));
}

TEST_F(CryptoJws, KidSelection) {
  std::string unknown = make_token(header("ES256", "ec-9"), kPayload, kEc256);
  EXPECT_TRUE(contains(error_of(verify_jws_compact(unknown, options())),
                       "kid \"ec-9\" not found in the JWKS (3 keys)"));
  std::string no_kid = make_token(header("ES256", ""), kPayload, kEc256);
  EXPECT_TRUE(contains(error_of(verify_jws_compact(no_kid, options())), "exactly one key"));
  JwsOptions single = options();
  single.jwks_json = keys().single_jwks;
  auto r = verify_jws_compact(no_kid, single);
  EXPECT_TRUE(r.ok()) << r.message();
  std::string dup = R"({"keys":[)" + test::jwk_for(keys().ec256, "ec-1") + "," +
                    test::jwk_for(keys().ec256, "ec-1") + "]}";
  single.jwks_json = dup;
  std::string with_kid = make_token(header("ES256", "ec-1"), kPayload, kEc256);
  EXPECT_TRUE(contains(error_of(verify_jws_compact(with_kid, single)), "ambiguous"));
}

TEST_F(CryptoJws, HeaderSuppliedKeysAreNeverTrusted) {
  // An attacker signs with its own key and offers it in jwk / jku / x5c; the JWKS key for "ec-1"
  // is used regardless, so the signature fails.
  std::string jwk = test::jwk_for(*PublicKey::from_pem([] {
    openssl("pkey -in jws_attacker.key -pubout -out jws_attacker.pub");
    return test::read_text(temp_dir() / "jws_attacker.pub");
  }()), "ec-1");
  // x5c: the attacker's own self-signed certificate (JWKS mode never reads the header x5c).
  std::string x5c = R"(,"x5c":[")" + base64_encode(keys().x5c_other_root.der()) + R"("])";
  std::string token = make_token(
      header("ES256", "ec-1",
             R"(,"jwk":)" + jwk + R"(,"jku":"https://attacker.invalid/certs")" + x5c),
      kPayload, kAttacker);
  EXPECT_TRUE(contains(error_of(verify_jws_compact(token, options())), "does not verify"));
}

TEST_F(CryptoJws, CritHeaderIsRefused) {
  std::string token =
      make_token(header("ES256", "ec-1", R"(,"crit":["exp"],"exp":1)"), kPayload, kEc256);
  EXPECT_TRUE(contains(error_of(verify_jws_compact(token, options())), "\"crit\" present"));
}

TEST_F(CryptoJws, MalformedStructure) {
  std::string good = make_token(header("ES256", "ec-1"), kPayload, kEc256);
  EXPECT_TRUE(contains(error_of(verify_jws_compact("a.b", options())), "got 1 dots"));
  EXPECT_TRUE(contains(error_of(verify_jws_compact(good + ".x", options())), "got 3 dots"));
  EXPECT_TRUE(contains(error_of(verify_jws_compact("." + good.substr(good.find('.') + 1),
                                                   options())), "header part is empty"));
  std::string padded = b64u(header("ES256", "ec-1")) + "=." + b64u(kPayload) + ".AAAA";
  EXPECT_TRUE(contains(error_of(verify_jws_compact(padded, options())), "padding"));
  std::string bad_char = "eyJ*." + b64u(kPayload) + ".AAAA";
  EXPECT_TRUE(contains(error_of(verify_jws_compact(bad_char, options())), "'*' at position 3"));
  std::string not_json = b64u("{alg:ES256}") + "." + b64u(kPayload) + ".AAAA";
  EXPECT_TRUE(contains(error_of(verify_jws_compact(not_json, options())), "not valid JSON"));
  std::string array = b64u("[1]") + "." + b64u(kPayload) + ".AAAA";
  EXPECT_TRUE(contains(error_of(verify_jws_compact(array, options())), "expected a JSON object"));
  std::string alg_number = b64u(R"({"alg":256})") + "." + b64u(kPayload) + ".AAAA";
  EXPECT_TRUE(contains(error_of(verify_jws_compact(alg_number, options())), "not a string"));
  JwsOptions small = options();
  small.max_token_size = 100;
  EXPECT_TRUE(contains(error_of(verify_jws_compact(good, small)), "exceeds the limit of 100"));
}

// RFC 7515 §5.2: a duplicate "alg" could show one algorithm to one parser and another to us.
TEST_F(CryptoJws, DuplicateHeaderMembersAreRefused) {
  std::string token = make_token(R"({"alg":"ES256","kid":"ec-1","alg":"none"})", kPayload, kEc256);
  EXPECT_TRUE(contains(error_of(verify_jws_compact(token, options())), "duplicate member \"alg\""));
}

TEST_F(CryptoJws, ExactlyOneKeySource) {
  std::string token = make_token(header("ES256", "ec-1"), kPayload, kEc256);
  JwsOptions both = options();
  both.x5c_anchors = {keys().x5c_root};
  EXPECT_TRUE(contains(error_of(verify_jws_compact(token, both)), "got both"));
  JwsOptions none = options();
  none.jwks_json.reset();
  EXPECT_TRUE(contains(error_of(verify_jws_compact(token, none)), "got none"));
  JwsOptions bad_jwks = options();
  bad_jwks.jwks_json = R"({"keys":{}})";
  EXPECT_TRUE(contains(error_of(verify_jws_compact(token, bad_jwks)), "\"keys\""));
}

TEST_F(CryptoJws, PreParsedKeySetSelectsAsTheDocumentDoes) {
  std::string token = make_token(header("ES256", "ec-1"), kPayload, kEc256);
  JwsOptions doc = options();
  auto set = JwksKeySet::parse(*doc.jwks_json);
  ASSERT_TRUE(set) << set.message();
  JwsOptions pre = options();
  pre.jwks_json.reset();
  pre.jwks = *set;
  auto r = verify_jws_compact(token, pre);
  EXPECT_TRUE(r.ok()) << r.message();
  // Same refusals, same words: unknown kid, key unsuited to the algorithm, both sources given.
  for (const auto& t : {make_token(header("ES256", "nope"), kPayload, kEc256),
                        make_token(header("ES384", "ec-1"), kPayload, kEc256)}) {
    EXPECT_EQ(error_of(verify_jws_compact(t, pre)), error_of(verify_jws_compact(t, doc)));
  }
  pre.jwks_json = doc.jwks_json;
  EXPECT_TRUE(contains(error_of(verify_jws_compact(token, pre)), "got both"));
  EXPECT_FALSE(JwksKeySet::parse(R"({"keys":{}})"));
}

TEST_F(CryptoJws, JwksEntryWithOnlyX5c) {
  Bytes der = keys().x5c_leaf.der();
  std::string jwks = R"({"keys":[{"kty":"EC","kid":"ec-1","x5c":[")" + base64_encode(der) +
                     R"("]}]})";
  JwsOptions o = options();
  o.jwks_json = jwks;
  std::string token = make_token(header("ES256", "ec-1"), kPayload, kEc256);
  auto r = verify_jws_compact(token, o);
  EXPECT_TRUE(r.ok()) << r.message();
  // x5c and x/y naming different keys is refused.
  std::string mixed = test::jwk_for(keys().ec256, "ec-1");
  mixed.insert(mixed.size() - 1,
               R"(,"x5c":[")" + base64_encode(keys().x5c_root.der()) + R"("])");
  o.jwks_json = R"({"keys":[)" + mixed + "]}";
  EXPECT_TRUE(contains(error_of(verify_jws_compact(token, o)), "differs from the key of x5c[0]"));
}

class CryptoJwsX5c : public CryptoJws {
 protected:
  JwsOptions x5c_options() const {
    JwsOptions o;
    o.allowed_algs = {JwsAlg::ES256};
    o.x5c_anchors = {keys().x5c_root};
    o.at = keys().x5c_leaf.not_before() + 3600;
    return o;
  }
  std::string token() const {
    std::string x5c = R"(,"x5c":[")" + base64_encode(keys().x5c_leaf.der()) + R"("])";
    return make_token(header("ES256", "", x5c), kPayload, kEc256);
  }
};

TEST_F(CryptoJwsX5c, ChainToAnchorVerifies) {
  auto r = verify_jws_compact(token(), x5c_options());
  EXPECT_TRUE(r.ok()) << r.message();
}

TEST_F(CryptoJwsX5c, WrongAnchorExpiredOrMissingX5cFail) {
  JwsOptions o = x5c_options();
  o.x5c_anchors = {keys().x5c_other_root};
  EXPECT_TRUE(contains(error_of(verify_jws_compact(token(), o)), "x5c: certificate chain"));
  o = x5c_options();
  o.at = keys().x5c_leaf.not_after() + 60;
  EXPECT_TRUE(contains(error_of(verify_jws_compact(token(), o)), "certificate has expired"));
  std::string bare = make_token(header("ES256", "ec-1"), kPayload, kEc256);
  EXPECT_TRUE(contains(error_of(verify_jws_compact(bare, x5c_options())), "x5c missing"));
  std::string garbage = make_token(header("ES256", "", R"(,"x5c":["AAAA"])"), kPayload, kEc256);
  EXPECT_TRUE(contains(error_of(verify_jws_compact(garbage, x5c_options())), "x5c[0]"));
}

TEST_F(CryptoJwsX5c, SignatureByAnotherKeyFails) {
  std::string x5c = R"(,"x5c":[")" + base64_encode(keys().x5c_leaf.der()) + R"("])";
  std::string forged = make_token(header("ES256", "", x5c), kPayload, kAttacker);
  EXPECT_TRUE(contains(error_of(verify_jws_compact(forged, x5c_options())), "does not verify"));
}

}  // namespace
}  // namespace cchost::crypto
