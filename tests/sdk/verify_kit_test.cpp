// The verification kit's helpers on their own: the strict TOML reader, the provider-generic
// configfs-tsm client (against a fake tree whose kernel part the test seams play) and the fd
// helpers, the test-CA builder and key files. Each check below guards a refusal a plugin relies on.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cerrno>
#include <filesystem>
#include <fstream>

#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "cchost/crypto/hash.hpp"
#include "cchost/crypto/x509.hpp"
#include "cchost/verify/configfs_tsm.hpp"
#include "cchost/verify/der.hpp"
#include "cchost/verify/ecdsa_p256.hpp"
#include "cchost/verify/key_files.hpp"
#include "cchost/verify/posix_files.hpp"
#include "cchost/verify/strict_toml.hpp"
#include "cchost/verify/test_ca.hpp"
#include "cchost/verify/validity_cache.hpp"

namespace cchost::vkit {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class TempDir {
 public:
  TempDir() {
    std::string templ = (fs::temp_directory_path() / "cchost-vkit-XXXXXX").string();
    if (::mkdtemp(templ.data()) != nullptr) path_ = templ;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

void write_text(const fs::path& p, const std::string& text) { std::ofstream(p, std::ios::binary) << text; }

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

// --- strict TOML --------------------------------------------------------------------------

TEST(StrictToml, ReadsTypedKeysAndRefusesAnUnknownOne) {
  auto table = parse_toml("level = 3\nname = \"a\"\non = true\nleveel = 4\n", "cfg.toml");
  ASSERT_TRUE(table.ok()) << table.message();
  StrictTable t(*table, "[demo]");
  EXPECT_EQ(t.integer("level", 0, 9)->value(), 3);
  EXPECT_EQ(t.string("name")->value(), "a");
  EXPECT_TRUE(t.boolean("on")->value());
  auto done = t.finish();
  ASSERT_FALSE(done.ok());
  EXPECT_EQ(done.message(), "[demo] leveel: unknown key (expected one of level, name, on)");
}

TEST(StrictToml, WrongTypeAndRangeNameTheKey) {
  auto table = parse_toml("level = \"3\"\nsvn = 10\nlist = 1\n", "cfg.toml");
  ASSERT_TRUE(table.ok());
  StrictTable t(*table, "[demo]");
  EXPECT_EQ(t.integer("level", 0, 9).message(), "[demo] level: expected an integer, got a string");
  EXPECT_EQ(t.integer("svn", 0, 9).message(), "[demo] svn: expected 0..9, got 10");
  EXPECT_EQ(t.array("list").message(), "[demo] list: expected an array, got an integer");
  EXPECT_EQ(t.table("absent").value(), nullptr);
}

TEST(StrictToml, AllowedKeysBelongToAnotherReader) {
  auto table = parse_toml("mine = 1\ntheirs = 2\n", "cfg.toml");
  ASSERT_TRUE(table.ok());
  StrictTable t(*table, "[demo]");
  EXPECT_EQ(t.integer("mine", 0, 9)->value(), 1);
  EXPECT_FALSE(t.finish().ok());
  t.allow("theirs");
  EXPECT_TRUE(t.finish().ok());
}

TEST(StrictToml, HexHasOneOfTheSizesGiven) {
  auto table = parse_toml("a = \"00ff\"\nb = \"0g\"\nc = \"abc\"\nd = \"AaBb\"\n", "cfg.toml");
  ASSERT_TRUE(table.ok());
  StrictTable t(*table, "[demo]");
  EXPECT_EQ(t.hex("a", {2})->value(), (Bytes{0x00, 0xff}));
  EXPECT_THAT(t.hex("b", {1}).message(), HasSubstr("invalid character at position 1"));
  EXPECT_THAT(t.hex("c", {1}).message(), HasSubstr("odd length"));
  EXPECT_THAT(t.hex("d", {1, 4}).message(), HasSubstr("expected 1 or 4 bytes"));
}

TEST(StrictToml, SyntaxErrorGivesFileLineColumn) {
  auto table = parse_toml("a = 1\nb = = 2\n", "cfg.toml");
  ASSERT_FALSE(table.ok());
  EXPECT_THAT(table.message(), HasSubstr("cfg.toml:2:"));
}

// --- fd helpers ---------------------------------------------------------------------------

TEST(PosixFiles, ReadRefusesMoreThanTheLimitAndReportsErrno) {
  TempDir dir;
  write_text(dir.path() / "f", std::string(10, 'x'));
  EXPECT_EQ(read_whole_file(dir.path() / "f", 10)->size(), 10u);
  EXPECT_THAT(read_whole_file(dir.path() / "f", 9).message(), HasSubstr("more than 9 bytes"));
  int err = 0;
  auto missing = read_whole_file(dir.path() / "none", 10, &err);
  EXPECT_FALSE(missing.ok());
  EXPECT_EQ(err, ENOENT);
  EXPECT_THAT(missing.message(), HasSubstr("(errno " + std::to_string(ENOENT) + ")"));
}

// --- configfs-tsm -------------------------------------------------------------------------

// Plays the kernel: attribute files on mkdir, generation bumps and outblob on each write.
struct FakeTsm {
  FakeTsm(fs::path r, std::string p) : root(std::move(r)), provider(std::move(p)) {}
  fs::path root;
  std::string provider;
  std::uint64_t generation = 1;
  int racing_attempts = 0;
  std::vector<std::string> writes;

  TsmReportOptions options(std::string want) {
    TsmReportOptions o;
    o.root = root;
    o.provider = std::move(want);
    o.after_mkdir = [this](const fs::path& e) {
      write_text(e / "provider", provider + "\n");
      write_text(e / "generation", std::to_string(generation) + "\n");
      for (const char* f : {"inblob", "privlevel", "outblob"}) write_text(e / f, "");
    };
    o.after_write = [this](const fs::path& e, std::string_view file) {
      writes.emplace_back(file);
      ++generation;
      if (file == "inblob") {
        write_text(e / "outblob", "quote:" + read_text(e / "inblob"));
        if (racing_attempts > 0) {
          --racing_attempts;
          ++generation;
        }
      }
      write_text(e / "generation", std::to_string(generation) + "\n");
    };
    return o;
  }
};

TEST(TsmReportClient, TdxProviderGetsAQuoteForItsInblob) {
  TempDir dir;
  FakeTsm kernel{dir.path(), "tdx_guest"};
  auto client = TsmReportClient::open(kernel.options("tdx_guest"));
  ASSERT_TRUE(client.ok()) << client.message();
  const std::string inblob(64, 'n');
  auto report = client->get_report(as_bytes(inblob));
  ASSERT_TRUE(report.ok()) << report.message();
  EXPECT_EQ(std::string(report->outblob.begin(), report->outblob.end()), "quote:" + inblob);
  EXPECT_TRUE(report->auxblob.empty());
  EXPECT_EQ(kernel.writes, std::vector<std::string>{"inblob"});
}

TEST(TsmReportClient, RefusesAnotherProvider) {
  TempDir dir;
  FakeTsm kernel{dir.path(), "sev_guest"};
  auto options = kernel.options("tdx_guest");
  options.provider_hint = "not a TDX guest";
  auto client = TsmReportClient::open(std::move(options));
  ASSERT_FALSE(client.ok());
  EXPECT_THAT(client.message(),
              HasSubstr("expected provider \"tdx_guest\", got \"sev_guest\" (not a TDX guest)"));
}

TEST(TsmReportClient, RequiresAProviderAndAnInblobOfOneTo64Bytes) {
  TempDir dir;
  FakeTsm kernel{dir.path(), "tdx_guest"};
  EXPECT_THAT(TsmReportClient::open(kernel.options("")).message(), HasSubstr("no provider named"));
  auto client = TsmReportClient::open(kernel.options("tdx_guest"));
  ASSERT_TRUE(client.ok());
  const std::string big(65, 'n');
  EXPECT_THAT(client->get_report(as_bytes(big)).message(), HasSubstr("1..64 bytes, got 65"));
  EXPECT_THAT(client->get_report({}).message(), HasSubstr("got 0"));
}

TEST(TsmReportClient, RefusesAReportWhenAnotherWriterRacesEveryAttempt) {
  TempDir dir;
  FakeTsm kernel{dir.path(), "tdx_guest"};
  kernel.racing_attempts = 3;
  auto client = TsmReportClient::open(kernel.options("tdx_guest"));
  ASSERT_TRUE(client.ok());
  const std::string inblob(64, 'n');
  auto report = client->get_report(as_bytes(inblob));
  ASSERT_FALSE(report.ok());
  EXPECT_THAT(report.message(), HasSubstr("another writer changed the report entry on all 3"));
}

// --- DER reader ---------------------------------------------------------------------------

TEST(Der, ReadsGenuineShapes) {
  EXPECT_EQ(der_uint64(Bytes{0x02, 0x01, 0x05}).value(), 5u);
  EXPECT_EQ(der_uint64(Bytes{0x02, 0x02, 0x00, 0xd1}).value(), 0xd1u);  // sign byte before >= 0x80
  EXPECT_EQ(der_uint64(Bytes{0x02, 0x09, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}).value(),
            0xffffffffffffffffu);
  EXPECT_EQ(der_ia5_string(Bytes{0x16, 0x05, 'M', 'i', 'l', 'a', 'n'}).value(), "Milan");
  EXPECT_EQ(der_octet_string(Bytes{0x04, 0x02, 0xab, 0xcd}).value(), (Bytes{0xab, 0xcd}));
  // Long-form length (0x81 0x80: 128 bytes).
  Bytes long_form{0x04, 0x81, 0x80};
  long_form.resize(3 + 128, 0x11);
  EXPECT_EQ(der_octet_string(long_form)->size(), 128u);
}

TEST(Der, RefusesMalformedElements) {
  EXPECT_THAT(der_uint64(Bytes{}).message(), HasSubstr("empty input"));
  EXPECT_THAT(der_uint64(Bytes{0x16, 0x01, 0x05}).message(),
              HasSubstr("wrong tag, expected 0x02, got tag 0x16"));
  EXPECT_THAT(der_uint64(Bytes{0x02, 0x02, 0x05}).message(), HasSubstr("truncated"));  // 1 of 2
  EXPECT_THAT(der_uint64(Bytes{0x02}).message(), HasSubstr("truncated"));
  // A long-form length far beyond the input.
  EXPECT_THAT(der_octet_string(Bytes{0x04, 0x84, 0x7f, 0xff, 0xff, 0xff, 0x00}).message(),
              HasSubstr("truncated, or a length beyond"));
  EXPECT_THAT(der_uint64(Bytes{0x02, 0x01, 0x05, 0x00}).message(), HasSubstr("1 bytes after the element"));
  EXPECT_THAT(der_uint64(Bytes{0x02, 0x01, 0xff}).message(), HasSubstr("negative"));
  EXPECT_THAT(der_uint64(Bytes{0x02, 0x09, 0x01, 0, 0, 0, 0, 0, 0, 0, 0}).message(),
              HasSubstr("wider than 64 bits"));
  EXPECT_THAT(der_ia5_string(Bytes{0x16, 0x01, 0xc3}).message(), HasSubstr("non-ASCII"));
  EXPECT_THAT(der_ia5_string(Bytes{0x0c, 0x01, 'a'}).message(), HasSubstr("wrong tag"));  // UTF8String
}

// The shapes vendor extensions use (Intel's SGX PCK extension): SEQUENCE OF SEQUENCE {OID, ANY},
// ENUMERATED and BOOLEAN.
TEST(Der, ReadsOidValueSequencesEnumeratedAndBoolean) {
  // SEQUENCE { SEQUENCE { OID 1.2.3, INTEGER 5 }, SEQUENCE { OID 1.2.4, OCTET STRING ab } }
  const Bytes seq{0x30, 0x12, 0x30, 0x07, 0x06, 0x02, 0x2a, 0x03, 0x02, 0x01, 0x05,
                  0x30, 0x07, 0x06, 0x02, 0x2a, 0x04, 0x04, 0x01, 0xab};
  auto pairs = der_oid_value_sequence(seq);
  ASSERT_TRUE(pairs) << pairs.message();
  ASSERT_EQ(pairs->size(), 2u);
  EXPECT_EQ((*pairs)[0].oid, "1.2.3");
  EXPECT_EQ(der_uint64((*pairs)[0].value).value(), 5u);
  EXPECT_EQ((*pairs)[1].oid, "1.2.4");
  EXPECT_EQ(der_octet_string((*pairs)[1].value).value(), (Bytes{0xab}));
  EXPECT_EQ(der_enumerated(Bytes{0x0a, 0x01, 0x02}).value(), 2u);
  EXPECT_TRUE(der_boolean(Bytes{0x01, 0x01, 0xff}).value());
  EXPECT_FALSE(der_boolean(Bytes{0x01, 0x01, 0x00}).value());
}

TEST(Der, RefusesMalformedOidValueSequences) {
  // A pair with three elements, a pair whose first element is not an OID, a bare INTEGER, a
  // truncated outer length, trailing bytes.
  EXPECT_THAT(der_oid_value_sequence(Bytes{0x30, 0x0b, 0x30, 0x09, 0x06, 0x02, 0x2a, 0x03, 0x02, 0x01, 0x05, 0x05, 0x00})
                  .message(), HasSubstr("2 elements"));
  EXPECT_FALSE(der_oid_value_sequence(Bytes{0x30, 0x0c, 0x30, 0x0a, 0x06, 0x02, 0x2a, 0x03, 0x02, 0x01, 0x05, 0x05, 0x00}));
  EXPECT_THAT(der_oid_value_sequence(Bytes{0x30, 0x08, 0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x05}).message(),
              HasSubstr("OBJECT IDENTIFIER"));
  EXPECT_THAT(der_oid_value_sequence(Bytes{0x30, 0x03, 0x02, 0x01, 0x05}).message(), HasSubstr("must be a SEQUENCE"));
  EXPECT_FALSE(der_oid_value_sequence(Bytes{0x30, 0x10, 0x30}));
  EXPECT_THAT(der_oid_value_sequence(Bytes{0x30, 0x00, 0x00}).message(), HasSubstr("bytes after the element"));
  EXPECT_THAT(der_enumerated(Bytes{0x02, 0x01, 0x02}).message(), HasSubstr("wrong tag"));
  EXPECT_FALSE(der_enumerated(Bytes{0x0a, 0x01, 0xff}));  // negative
  EXPECT_FALSE(der_boolean(Bytes{0x02, 0x01, 0x01}));
}

// --- ECDSA P-256 r || s --------------------------------------------------------------------

TEST(EcdsaP256, VerifiesRsAndRefusesTamperingSizesAndOtherKeys) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  EVP_PKEY* other = EVP_EC_gen("P-256");
  EVP_PKEY* p384 = EVP_EC_gen("P-384");
  ASSERT_TRUE(key && other && p384);
  const std::string msg = "header || body";
  const Bytes rs = sign_ecdsa_rs(key, as_bytes(msg), 32).value();
  EXPECT_TRUE(verify_p256_sha256_rs(key, as_bytes(msg), rs).ok());
  EXPECT_THAT(verify_p256_sha256_rs(key, as_bytes(std::string("header || bodY")), rs).message(), HasSubstr("does not verify"));
  Bytes flipped = rs;
  flipped[40] ^= 1;
  EXPECT_FALSE(verify_p256_sha256_rs(key, as_bytes(msg), flipped).ok());
  EXPECT_FALSE(verify_p256_sha256_rs(other, as_bytes(msg), rs).ok());
  EXPECT_FALSE(verify_p256_sha256_rs(key, as_bytes(msg), Bytes(64, 0)).ok());
  EXPECT_FALSE(verify_p256_sha256_rs(key, as_bytes(msg), Bytes(64, 0xff)).ok());
  EXPECT_THAT(verify_p256_sha256_rs(key, as_bytes(msg), ByteView(rs).first(63)).message(), HasSubstr("64 bytes, got 63"));
  EXPECT_THAT(verify_p256_sha256_rs(p384, as_bytes(msg), rs).message(), HasSubstr("not an EC P-256 key"));
  EXPECT_FALSE(verify_p256_sha256_rs(nullptr, as_bytes(msg), rs).ok());
  EVP_PKEY_free(key);
  EVP_PKEY_free(other);
  EVP_PKEY_free(p384);
}

// A self-signed RSA certificate signed with RSASSA-PSS over SHA-384 / MGF1-SHA-384 and `salt`.
Bytes pss_certificate(int salt) {
  EVP_PKEY* key = EVP_RSA_gen(2048);
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
  X509_NAME_add_entry_by_txt(X509_get_subject_name(cert), "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("pss test"), -1, -1, 0);
  X509_set_issuer_name(cert, X509_get_subject_name(cert));
  X509_set_pubkey(cert, key);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_PKEY_CTX* pctx = nullptr;
  EVP_DigestSignInit(ctx, &pctx, EVP_sha384(), nullptr, key);
  EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING);
  EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, salt);
  EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha384());
  const bool signed_ok = X509_sign_ctx(cert, ctx) > 0;
  unsigned char* der = nullptr;
  const int len = signed_ok ? i2d_X509(cert, &der) : 0;
  Bytes out(der, der + (len > 0 ? len : 0));
  OPENSSL_free(der);
  EVP_MD_CTX_free(ctx);
  X509_free(cert);
  EVP_PKEY_free(key);
  return out;
}

TEST(Der, SignatureAlgorithmGivesThePssParameters) {
  const Bytes der = pss_certificate(48);
  ASSERT_FALSE(der.empty());
  auto alg = signature_algorithm_of_der(der);
  ASSERT_TRUE(alg.ok()) << alg.message();
  EXPECT_EQ(alg->algorithm, kOidRsassaPss);
  ASSERT_TRUE(alg->pss.has_value());
  EXPECT_EQ(alg->pss->hash, "SHA384");
  EXPECT_EQ(alg->pss->mask_gen, "MGF1");
  EXPECT_EQ(alg->pss->mgf1_hash, "SHA384");
  EXPECT_EQ(alg->pss->salt_length, 48);
  EXPECT_EQ(alg->pss->trailer_field, 1);
  EXPECT_EQ(signature_algorithm_of_der(pss_certificate(32))->pss->salt_length, 32);
}

TEST(Der, SignatureAlgorithmRefusesABrokenCertificate) {
  Bytes der = pss_certificate(48);
  ASSERT_GT(der.size(), 10u);
  EXPECT_THAT(signature_algorithm_of_der(ByteView(der).first(der.size() - 1)).message(),
              HasSubstr("Certificate: truncated"));
  der.push_back(0);
  EXPECT_THAT(signature_algorithm_of_der(der).message(), HasSubstr("1 bytes after the element"));
  EXPECT_THAT(signature_algorithm_of_der(Bytes{0x02, 0x01, 0x01}).message(), HasSubstr("wrong tag"));
}

// --- validity cache -----------------------------------------------------------------------

TEST(ValidityCache, HitsOnlyInsideTheWindow) {
  ValidityCache<int> cache(2);
  cache.put("chain", 7, 100, 200);
  EXPECT_EQ(cache.find("chain", 100), 7);
  EXPECT_EQ(cache.find("chain", 199), 7);
  EXPECT_FALSE(cache.find("chain", 200).has_value()) << "valid_until is exclusive";
  EXPECT_FALSE(cache.find("chain", 99).has_value()) << "not yet valid";
  EXPECT_FALSE(cache.find("other", 150).has_value());
  cache.put("empty", 1, 200, 200);
  EXPECT_EQ(cache.size(), 1u) << "an empty window is not stored";
}

TEST(ValidityCache, StaysWithinCapacity) {
  ValidityCache<int> cache(2);
  cache.put("a", 1, 0, 10);
  cache.put("b", 2, 0, 10);
  cache.put("c", 3, 0, 10);
  EXPECT_LE(cache.size(), 2u);
  EXPECT_EQ(cache.find("c", 5), 3);
}

}  // namespace
}  // namespace cchost::vkit

// ---- the test-CA builder (test_ca.hpp) and key files (key_files.hpp) ----------------------
namespace cchost::vkit {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

namespace testca {

struct Issued {
  EvpPkeyPtr key;
  X509Ptr cert;
};

Issued make_root(std::string_view cn) {
  auto key = generate_ec("P-256");
  EXPECT_TRUE(key.ok()) << key.message();
  auto name = make_name({{"C", "US"}, {"O", "cchost SIMULATED"}, {"CN", std::string(cn)}});
  EXPECT_TRUE(name.ok()) << name.message();
  auto cert = start_certificate(name->get(), name->get(), 1, key->get(), 10);
  EXPECT_TRUE(cert.ok()) << cert.message();
  EXPECT_TRUE(add_standard_extension(cert->get(), cert->get(), NID_basic_constraints, "critical,CA:TRUE").ok());
  EXPECT_TRUE(add_standard_extension(cert->get(), cert->get(), NID_key_usage, "critical,keyCertSign,cRLSign").ok());
  EXPECT_TRUE(sign_certificate(cert->get(), key->get(), CertSignature::ecdsa_sha256).ok());
  return {std::move(*key), std::move(*cert)};
}

}  // namespace testca

TEST(VerifyKitTestCa, BuildsAChainTheCryptoHalfVerifiesToThePinnedRoot) {
  auto root = testca::make_root("Sim Root");
  auto leaf_key = generate_ec("P-384");
  ASSERT_TRUE(leaf_key.ok()) << leaf_key.message();
  auto leaf_name = make_name({{"CN", "Sim Leaf"}});
  ASSERT_TRUE(leaf_name.ok());
  auto leaf = start_certificate(leaf_name->get(), X509_get_subject_name(root.cert.get()), 7, leaf_key->get(), 1);
  ASSERT_TRUE(leaf.ok()) << leaf.message();
  const Bytes payload{0x04, 0x02, 0xca, 0xfe};
  ASSERT_TRUE(add_raw_extension(leaf->get(), "1.3.6.1.4.1.99999.1", payload).ok());
  ASSERT_TRUE(sign_certificate(leaf->get(), root.key.get(), CertSignature::ecdsa_sha256).ok());

  auto root_der = certificate_der(root.cert.get());
  auto leaf_der = certificate_der(leaf->get());
  ASSERT_TRUE(root_der.ok() && leaf_der.ok());
  auto anchor = crypto::Certificate::from_der(*root_der);
  auto end = crypto::Certificate::from_der(*leaf_der);
  ASSERT_TRUE(anchor.ok() && end.ok());
  EXPECT_EQ(end->extension("1.3.6.1.4.1.99999.1"), payload);
  crypto::ChainOptions options;
  options.anchors = {*anchor};
  options.at = std::time(nullptr);
  options.pinned_root_spki_sha256 = anchor->public_key().spki_sha256();
  auto path = crypto::verify_chain(*end, {}, options);
  EXPECT_TRUE(path.ok()) << path.message();
  // Another root with the same name does not verify it: the signature is checked, not the name.
  auto other = testca::make_root("Sim Root");
  auto other_der = certificate_der(other.cert.get());
  ASSERT_TRUE(other_der.ok());
  options.anchors = {*crypto::Certificate::from_der(*other_der)};
  options.pinned_root_spki_sha256.reset();
  EXPECT_FALSE(crypto::verify_chain(*end, {}, options).ok());
}

TEST(VerifyKitTestCa, RsaPssAndBadCurveAndKeyFileModes) {
  auto rsa = generate_rsa(2048);
  ASSERT_TRUE(rsa.ok()) << rsa.message();
  auto name = make_name({{"CN", "PSS"}});
  ASSERT_TRUE(name.ok());
  auto cert = start_certificate(name->get(), name->get(), 2, rsa->get(), 1);
  ASSERT_TRUE(cert.ok());
  ASSERT_TRUE(sign_certificate(cert->get(), rsa->get(), CertSignature::rsa_pss_sha384).ok());
  auto der = certificate_der(cert->get());
  ASSERT_TRUE(der.ok());
  auto alg = signature_algorithm_of_der(*der);
  ASSERT_TRUE(alg.ok()) << alg.message();

  auto bad = generate_ec("P-999");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.message(), HasSubstr("P-999"));

  TempDir dir;
  auto pem = private_key_pkcs8_pem(rsa->get());
  ASSERT_TRUE(pem.ok());
  const fs::path key_path = dir.path() / "ca.key";
  ASSERT_TRUE(write_new_file(key_path, *pem, 0600).ok());
  EXPECT_TRUE(load_private_key_file(key_path).ok());
  // Never clobbers an existing key, and refuses a key others can read.
  EXPECT_FALSE(write_new_file(key_path, *pem, 0600).ok());
  fs::permissions(key_path, fs::perms::group_read | fs::perms::others_read, fs::perm_options::add);
  auto readable = load_private_key_file(key_path);
  ASSERT_FALSE(readable.ok());
}

}  // namespace
}  // namespace cchost::vkit

namespace cchost::vkit {
namespace {

TEST(VerifyKitPaths, ConfigPathsResolveAgainstTheKitOnly) {
  EXPECT_EQ(resolve_against("/kits/site-1", "trust/x-acme/root.pem"), "/kits/site-1/trust/x-acme/root.pem");
  EXPECT_EQ(resolve_against("/kits/site-1", "./sim/../sim/ca"), "/kits/site-1/sim/ca");
  EXPECT_EQ(resolve_against("/kits/site-1", "/etc/abs.pem"), "/etc/abs.pem");
  EXPECT_EQ(resolve_against("", "relative.pem"), "relative.pem");
  EXPECT_EQ(resolve_against("/kits/site-1", ""), "");
}

}  // namespace
}  // namespace cchost::vkit
