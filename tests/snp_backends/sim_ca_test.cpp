// The simulated AMD CA: files, permissions, refusal to overwrite, AMD-shaped chain that
// cchost::crypto verifies with the sim ARK as the only anchor.
#include <sys/stat.h>

#include <ctime>

#include <gtest/gtest.h>
#include <openssl/x509.h>

#include "cchost/crypto/encoding.hpp"
#include "cchost/crypto/x509.hpp"
#include "cchost/snp/sim_ca.hpp"
#include "test_support.hpp"

namespace cchost::snp {
namespace {

using testing::read_text;
using testing::shared_sim_ca;
using testing::TempDir;

unsigned file_mode(const std::filesystem::path& p) {
  struct stat st {};
  EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
  return st.st_mode & 07777;
}

crypto::Certificate load_cert(const std::filesystem::path& p) {
  auto cert = crypto::Certificate::from_file(p.string());
  EXPECT_TRUE(cert.ok()) << p << ": " << (cert.ok() ? "" : cert.message());
  return *cert;
}

// DER of the signature AlgorithmIdentifier AMD uses on ARK, ASK and VCEK: RSASSA-PSS,
// SHA-384, MGF1-SHA-384, salt 48 (0x30); read off the genuine Turin VCEK (AMD's older Milan
// ARK also spells out the default trailerField, which DER allows either way).
constexpr const char* kPssSha384Salt48AlgorithmHex =
    "3041"                                    // SEQUENCE
    "06092a864886f70d01010a"                  // rsassaPss
    "3034"                                    // RSASSA-PSS-params
    "a00f300d06096086480165030402020500"      // hashAlgorithm sha384
    "a11c301a06092a864886f70d010108"          // maskGenAlgorithm mgf1
    "300d06096086480165030402020500"          //   with sha384
    "a203020130";                             // saltLength 48

std::string signature_algorithm_hex(const crypto::Certificate& cert) {
  const X509_ALGOR* alg = X509_get0_tbs_sigalg(cert.get());
  unsigned char* der = nullptr;
  const int len = i2d_X509_ALGOR(alg, &der);
  std::string hex = crypto::hex_encode(ByteView(der, static_cast<std::size_t>(len)));
  OPENSSL_free(der);
  return hex;
}

TEST(SnpSimCa, WritesCertificatesAndOwnerOnlyPkcs8Keys) {
  const auto& ca = shared_sim_ca(Product::Milan);
  EXPECT_EQ(file_mode(ca / "ark.key"), 0600u);
  EXPECT_EQ(file_mode(ca / "ask.key"), 0600u);
  EXPECT_EQ(file_mode(ca / "ark.pem"), 0644u);
  EXPECT_EQ(file_mode(ca / "ask.pem"), 0644u);
  EXPECT_EQ(read_text(ca / "ark.key").rfind("-----BEGIN PRIVATE KEY-----", 0), 0u);
  EXPECT_EQ(read_text(ca / "ask.key").rfind("-----BEGIN PRIVATE KEY-----", 0), 0u);
  EXPECT_EQ(read_text(ca / "ark.pem").rfind("-----BEGIN CERTIFICATE-----", 0), 0u);
  // No temporary files left behind by the atomic writes.
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(ca)) ++entries;
  EXPECT_EQ(entries, 4u);
}

TEST(SnpSimCa, RefusesToOverwriteAnExistingCa) {
  const auto& ca = shared_sim_ca(Product::Milan);
  const std::string key_before = read_text(ca / "ark.key");
  auto again = sim::create_sim_ca(ca, "Milan");
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.message().find("refusing to overwrite"), std::string::npos) << again.message();
  EXPECT_EQ(read_text(ca / "ark.key"), key_before);
}

TEST(SnpSimCa, RefusesWhenAnyOneFileExistsAndWritesNothing) {
  TempDir dir;
  testing::write_text(dir.path() / "ask.pem", "planted");
  auto made = sim::create_sim_ca(dir.path(), "Genoa");
  ASSERT_FALSE(made.ok());
  EXPECT_NE(made.message().find("ask.pem"), std::string::npos) << made.message();
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "ark.key"));
  EXPECT_EQ(read_text(dir.path() / "ask.pem"), "planted");
}

TEST(SnpSimCa, RejectsUnknownProduct) {
  TempDir dir;
  auto made = sim::create_sim_ca(dir.path(), "Rome");
  ASSERT_FALSE(made.ok());
  EXPECT_NE(made.message().find("Rome"), std::string::npos) << made.message();
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

TEST(SnpSimCa, ChainIsAmdShapedAndMarkedSimulated) {
  const auto& ca = shared_sim_ca(Product::Turin);
  const auto ark = load_cert(ca / "ark.pem");
  const auto ask = load_cert(ca / "ask.pem");
  EXPECT_EQ(ark.subject_cn(), "ARK-Turin");
  EXPECT_EQ(ask.subject_cn(), "SEV-Turin");
  EXPECT_EQ(ark.subject(), ark.issuer());
  EXPECT_EQ(ask.issuer(), ark.subject());
  EXPECT_NE(ark.subject().find("O=cchost SIMULATED"), std::string::npos) << ark.subject();
  EXPECT_EQ(ark.subject().find("Advanced Micro Devices"), std::string::npos) << ark.subject();
  EXPECT_NE(ark.subject().find("OU=Engineering"), std::string::npos) << ark.subject();
  for (const auto* cert : {&ark, &ask}) {
    EXPECT_EQ(cert->public_key().type(), crypto::KeyType::Rsa);
    EXPECT_EQ(cert->public_key().bits(), 4096);
    EXPECT_EQ(signature_algorithm_hex(*cert), kPssSha384Salt48AlgorithmHex) << cert->subject_cn();
  }
  EXPECT_TRUE(ark.verify_signed_by(ark.public_key()).ok());
  EXPECT_TRUE(ask.verify_signed_by(ark.public_key()).ok());
  // Long-lived like AMD's (25 years); at least 20 here.
  EXPECT_GT(ark.not_after() - std::time(nullptr), 20L * 365 * 24 * 3600);
  EXPECT_LE(ark.not_before(), std::time(nullptr));
}

TEST(SnpSimCa, AskVerifiesToArkAnchorWithCchostCrypto) {
  const auto& ca = shared_sim_ca(Product::Milan);
  crypto::ChainOptions options;
  options.anchors = {load_cert(ca / "ark.pem")};
  options.at = std::time(nullptr);
  options.pinned_root_spki_sha256 = options.anchors[0].public_key().spki_sha256();
  auto path = crypto::verify_chain(load_cert(ca / "ask.pem"), {}, options);
  ASSERT_TRUE(path.ok()) << path.message();
  EXPECT_EQ(path->size(), 2u);

  // Another product's sim ARK is not this ASK's root.
  crypto::ChainOptions other = options;
  other.anchors = {load_cert(shared_sim_ca(Product::Turin) / "ark.pem")};
  other.pinned_root_spki_sha256.reset();
  EXPECT_FALSE(crypto::verify_chain(load_cert(ca / "ask.pem"), {}, other).ok());
}

}  // namespace
}  // namespace cchost::snp
