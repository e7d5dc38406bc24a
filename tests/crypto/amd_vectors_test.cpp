// Genuine AMD SEV-SNP collateral from $CCHOST_VECTORS/snp: ARKs self-signed with RSA-PSS,
// ASK <- ARK, VCEK <- ASK (RSA-PSS SHA-384 salt 48), the Genoa CRL, and report signatures
// written as 72-byte little-endian r and s. Every case is verified at the time its case.toml
// gives, never "now".
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "cchost/crypto/encoding.hpp"
#include "cchost/crypto/signature.hpp"
#include "cchost/crypto/x509.hpp"
#include "crypto_test_support.hpp"

namespace cchost::crypto {
namespace {

namespace fs = std::filesystem;

fs::path snp_dir() {
  fs::path v = test::vectors_dir();
  return v.empty() || !fs::is_directory(v / "snp") ? fs::path() : v / "snp";
}

#define REQUIRE_SNP_VECTORS()                                                              \
  if (snp_dir().empty()) GTEST_SKIP() << "genuine SNP vectors absent: set CCHOST_VECTORS " \
                                         "to the shared vectors folder"

// The value of `key = "..."` in a case.toml (flat string keys are all these tests need).
std::string toml_string(const fs::path& file, const std::string& key) {
  std::ifstream in(file);
  std::string line;
  const std::string prefix = key + " = \"";
  while (std::getline(in, line)) {
    if (line.rfind(prefix, 0) == 0) {
      auto end = line.find('"', prefix.size());
      return line.substr(prefix.size(), end - prefix.size());
    }
  }
  return {};
}

Certificate load(const fs::path& path) {
  auto c = Certificate::from_file(path.string());
  EXPECT_TRUE(c.ok()) << c.message();
  return c.ok() ? *c : Certificate();
}

struct GenuineCase {
  std::string name;
  fs::path dir;
  std::time_t at = 0;
};

// Cases the source projects expect to verify and that ship a VCEK.
std::vector<GenuineCase> verified_cases() {
  std::vector<GenuineCase> cases;
  for (const auto& entry : fs::directory_iterator(snp_dir() / "cases")) {
    fs::path toml = entry.path() / "case.toml";
    if (!fs::exists(toml) || toml_string(toml, "expect") != "verified") continue;
    fs::path col = entry.path() / "collateral";
    if (!fs::exists(col / "vcek.der") && !fs::exists(col / "vcek.pem")) continue;
    auto at = parse_time(toml_string(toml, "at"));
    EXPECT_TRUE(at.ok()) << toml << ": " << at.message();
    cases.push_back({entry.path().filename().string(), entry.path(), at.ok() ? *at : 0});
  }
  return cases;
}

Certificate vcek_of(const GenuineCase& c) {
  fs::path col = c.dir / "collateral";
  return load(fs::exists(col / "vcek.der") ? col / "vcek.der" : col / "vcek.pem");
}

std::vector<Certificate> pinned_arks() {
  return {load(snp_dir() / "roots/milan_ark.pem"), load(snp_dir() / "roots/genoa_ark.pem"),
          load(snp_dir() / "roots/turin_ark.pem")};
}

TEST(CryptoAmdVectors, ArksAreSelfSignedRsaPssAndMatchThePins) {
  REQUIRE_SNP_VECTORS();
  const std::pair<const char*, const char*> arks[] = {{"milan", test::kMilanArkSha256},
                                                      {"genoa", test::kGenoaArkSha256},
                                                      {"turin", test::kTurinArkSha256}};
  for (auto [line, pin] : arks) {
    Certificate ark = load(snp_dir() / "roots" / (std::string(line) + "_ark.pem"));
    Certificate ask = load(snp_dir() / "roots" / (std::string(line) + "_ask.pem"));
    EXPECT_EQ(hex_encode(ark.sha256()), pin) << line;
    auto self = ark.verify_signed_by(ark.public_key());
    EXPECT_TRUE(self.ok()) << line << ": " << self.message();
    auto ask_ok = ask.verify_signed_by(ark.public_key());
    EXPECT_TRUE(ask_ok.ok()) << line << ": " << ask_ok.message();
    EXPECT_EQ(ark.public_key().type(), KeyType::Rsa);
    EXPECT_EQ(ark.public_key().bits(), 4096);
    EXPECT_FALSE(ark.verify_signed_by(ask.public_key()).ok()) << line;
  }
}

TEST(CryptoAmdVectors, EveryGenuineVcekChainVerifiesAtItsCaseTime) {
  REQUIRE_SNP_VECTORS();
  auto cases = verified_cases();
  ASSERT_GE(cases.size(), 5u);
  std::set<std::string> pins = {test::kMilanArkSha256, test::kGenoaArkSha256,
                                test::kTurinArkSha256};
  for (const auto& c : cases) {
    fs::path col = c.dir / "collateral";
    ChainOptions o;
    o.anchors = pinned_arks();  // the pinned roots, never the ARK shipped with the evidence
    o.at = c.at;
    if (fs::exists(col / "crl.der")) {
      auto crl = Crl::from_file((col / "crl.der").string());
      ASSERT_TRUE(crl.ok()) << c.name << ": " << crl.message();
      o.crls = {*crl};
    }
    auto path = verify_chain(vcek_of(c), {load(col / "ask.pem")}, o);
    ASSERT_TRUE(path.ok()) << c.name << ": " << path.message();
    ASSERT_EQ(path->size(), 3u) << c.name;
    EXPECT_TRUE(pins.count(hex_encode(path->back().sha256()))) << c.name;
    // The VCEK's hwID extension is the report's CHIP_ID (raw bytes, no DER tag: 64 bytes
    // before Turin, 8 bytes on Turin where the report zero-pads CHIP_ID to 64).
    std::string chip_id = toml_string(c.dir / "case.toml", "chip_id");
    auto hwid = path->front().extension("1.3.6.1.4.1.3704.1.4");
    if (!chip_id.empty() && hwid) {
      std::string hw = hex_encode(*hwid);
      ASSERT_TRUE(hwid->size() == 64 || hwid->size() == 8) << c.name << ": " << hw;
      EXPECT_EQ(chip_id.substr(0, hw.size()), hw) << c.name;
      EXPECT_EQ(chip_id.find_first_not_of('0', hw.size()), std::string::npos) << c.name;
    }
  }
}

TEST(CryptoAmdVectors, WrongProductLineRootIsRefused) {
  REQUIRE_SNP_VECTORS();
  fs::path col = snp_dir() / "cases/tav_milan_v3/collateral";
  if (!fs::exists(col)) GTEST_SKIP() << "case tav_milan_v3 absent";
  ChainOptions o;
  o.anchors = {load(snp_dir() / "roots/genoa_ark.pem")};
  o.at = *parse_time("2026-11-01T00:00:00Z");
  auto r = verify_chain(load(col / "vcek.der"), {load(col / "ask.pem")}, o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.message().find("SEV-Milan"), std::string::npos) << r.message();
}

TEST(CryptoAmdVectors, PinMismatchNamesBothValues) {
  REQUIRE_SNP_VECTORS();
  fs::path col = snp_dir() / "cases/tav_milan_v3/collateral";
  if (!fs::exists(col)) GTEST_SKIP() << "case tav_milan_v3 absent";
  Certificate ark = load(snp_dir() / "roots/milan_ark.pem");
  ChainOptions o;
  o.anchors = {ark};
  o.at = *parse_time("2026-11-01T00:00:00Z");
  o.pinned_root_spki_sha256 = ark.public_key().spki_sha256();
  EXPECT_TRUE(verify_chain(load(col / "vcek.der"), {load(col / "ask.pem")}, o).ok());
  Bytes wrong = load(snp_dir() / "roots/genoa_ark.pem").public_key().spki_sha256();
  o.pinned_root_spki_sha256 = wrong;
  auto r = verify_chain(load(col / "vcek.der"), {load(col / "ask.pem")}, o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.message().find("expected " + hex_encode(wrong)), std::string::npos) << r.message();
  EXPECT_NE(r.message().find("got " + hex_encode(ark.public_key().spki_sha256())),
            std::string::npos) << r.message();
}

TEST(CryptoAmdVectors, CorruptedArkIsCaughtAsAnchor) {
  REQUIRE_SNP_VECTORS();
  fs::path col = snp_dir() / "cases/tav_milan_v3/collateral";
  if (!fs::exists(col)) GTEST_SKIP() << "case tav_milan_v3 absent";
  Bytes der = load(snp_dir() / "roots/milan_ark.pem").der();
  der[der.size() - 10] ^= 0x40;
  auto corrupted = Certificate::from_der(der);
  ASSERT_TRUE(corrupted.ok());
  ChainOptions o;
  o.anchors = {*corrupted};
  o.at = *parse_time("2026-11-01T00:00:00Z");
  auto r = verify_chain(load(col / "vcek.der"), {load(col / "ask.pem")}, o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.message().find("ARK-Milan"), std::string::npos) << r.message();
}

TEST(CryptoAmdVectors, GenuineVcekExpiresAndRespectsTheGivenTime) {
  REQUIRE_SNP_VECTORS();
  fs::path col = snp_dir() / "cases/tav_milan_v3/collateral";
  if (!fs::exists(col)) GTEST_SKIP() << "case tav_milan_v3 absent";
  Certificate vcek = load(col / "vcek.der");
  ChainOptions o;
  o.anchors = {load(snp_dir() / "roots/milan_ark.pem")};
  o.at = vcek.not_after() + 1;
  auto r = verify_chain(vcek, {load(col / "ask.pem")}, o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.message().find("certificate has expired"), std::string::npos) << r.message();
  EXPECT_NE(r.message().find("SEV-VCEK"), std::string::npos) << r.message();
}

class CryptoAmdGenoaCrl : public ::testing::Test {
 protected:
  void SetUp() override {
    if (snp_dir().empty()) GTEST_SKIP() << "genuine SNP vectors absent: set CCHOST_VECTORS";
    dir = snp_dir() / "cases/openpcc_azure_genoa_v3_crl";
    if (!fs::exists(dir / "collateral/crl.der")) GTEST_SKIP() << "Genoa CRL case absent";
    auto c = Crl::from_file((dir / "collateral/crl.der").string());
    ASSERT_TRUE(c.ok()) << c.message();
    crl = *c;
    at = *parse_time(toml_string(dir / "case.toml", "at"));
  }
  fs::path dir;
  Crl crl;
  std::time_t at = 0;
};

TEST_F(CryptoAmdGenoaCrl, FieldsAndWindow) {
  EXPECT_EQ(crl.issuer(),
            "CN=ARK-Genoa,O=Advanced Micro Devices,ST=CA,L=Santa Clara,C=US,OU=Engineering");
  EXPECT_EQ(format_time(crl.this_update()).substr(0, 10), "2024-10-23");
  EXPECT_EQ(format_time(crl.next_update()).substr(0, 10), "2025-11-03");
  Certificate ask = load(dir / "collateral/ask.pem");
  EXPECT_EQ(ask.serial_hex(), "020002");
  EXPECT_FALSE(crl.is_revoked(ask));
}

// The revoked ASK (serial 0x020001) is not among the vectors; a stand-in certificate with the
// same issuer name and serial shows the CRL lists it, and 0x020002 is not listed.
TEST_F(CryptoAmdGenoaCrl, RevokesSerial020001) {
  const std::string ark_dn =
      "/OU=Engineering/C=US/L=Santa Clara/ST=CA/O=Advanced Micro Devices/CN=ARK-Genoa";
  ASSERT_TRUE(test::openssl("genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out fake_ark.key"));
  ASSERT_TRUE(test::openssl("req -x509 -new -key fake_ark.key -days 30 -subj '" + ark_dn +
                            "' -out fake_ark.pem"));
  ASSERT_TRUE(test::openssl("req -new -key fake_ark.key -subj '/CN=SEV-Genoa' -out fake_ask.csr"));
  for (const char* serial : {"0x020001", "0x020002"}) {
    ASSERT_TRUE(test::openssl(std::string("x509 -req -in fake_ask.csr -CA fake_ark.pem "
                                          "-CAkey fake_ark.key -days 30 -set_serial ") +
                              serial + " -out fake_ask_" + serial + ".pem"));
  }
  Certificate revoked = load(test::temp_dir() / "fake_ask_0x020001.pem");
  Certificate current = load(test::temp_dir() / "fake_ask_0x020002.pem");
  EXPECT_EQ(revoked.serial_hex(), "020001");
  EXPECT_TRUE(crl.is_revoked(revoked));
  EXPECT_FALSE(crl.is_revoked(current));
}

TEST_F(CryptoAmdGenoaCrl, ChainWithCrlVerifiesInsideTheWindowOnly) {
  ChainOptions o;
  o.anchors = {load(snp_dir() / "roots/genoa_ark.pem")};
  o.at = at;
  o.crls = {crl};
  Certificate vcek = load(dir / "collateral/vcek.der");
  Certificate ask = load(dir / "collateral/ask.pem");
  auto good = verify_chain(vcek, {ask}, o);
  EXPECT_TRUE(good.ok()) << good.message();
  o.at = crl.next_update() + 86400;  // the VCEK is still valid; the CRL is stale
  auto stale = verify_chain(vcek, {ask}, o);
  ASSERT_FALSE(stale.ok());
  EXPECT_NE(stale.message().find("CRL has expired"), std::string::npos) << stale.message();
  // The ASK issues no CRL: demanding one for every CA refuses the chain.
  o.at = at;
  o.require_crl_for_every_ca = true;
  auto strict = verify_chain(vcek, {ask}, o);
  ASSERT_FALSE(strict.ok());
  EXPECT_NE(strict.message().find("unable to get certificate CRL"), std::string::npos)
      << strict.message();
}

// SNP report: signed region [0, 0x2A0), ECDSA P-384 SHA-384, r at 0x2A0 and s at 0x2E8, each
// 72 bytes little-endian (AMD SEV-SNP ABI, Table 23 / Chapter 10).
TEST(CryptoAmdVectors, GenuineReportSignaturesAreLittleEndian) {
  REQUIRE_SNP_VECTORS();
  int checked = 0;
  for (const auto& c : verified_cases()) {
    Bytes report = test::read_bytes(c.dir / "report.bin");
    if (report.size() < 0x2A0 + 144) continue;
    PublicKey vcek = vcek_of(c).public_key();
    ASSERT_EQ(vcek.type(), KeyType::EcP384) << c.name;
    ByteView signed_part(report.data(), 0x2A0);
    ByteView r(report.data() + 0x2A0, 72), s(report.data() + 0x2E8, 72);
    auto ok = verify_ecdsa_raw(vcek, HashAlg::Sha384, signed_part, r, s, Endian::Little);
    EXPECT_TRUE(ok.ok()) << c.name << ": " << ok.message();
    EXPECT_FALSE(verify_ecdsa_raw(vcek, HashAlg::Sha384, signed_part, r, s, Endian::Big).ok())
        << c.name;
    Bytes tampered(report.begin(), report.begin() + 0x2A0);
    tampered[0x90] ^= 0x01;  // inside MEASUREMENT
    EXPECT_FALSE(verify_ecdsa_raw(vcek, HashAlg::Sha384, tampered, r, s, Endian::Little).ok())
        << c.name;
    ++checked;
  }
  EXPECT_GE(checked, 5);
}

}  // namespace
}  // namespace cchost::crypto
