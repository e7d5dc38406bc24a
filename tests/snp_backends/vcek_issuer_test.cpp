// The simulated VCEK carries AMD's extensions encoded and ordered as genuine VCEKs are, matching
// the chip id and reported TCB it was issued for, and chains to the sim ARK.
#include <ctime>

#include <gtest/gtest.h>

#include "cchost/crypto/encoding.hpp"
#include "cchost/crypto/x509.hpp"
#include "sim/vcek_issuer.hpp"
#include "test_support.hpp"

namespace cchost::snp {
namespace {

using testing::from_hex;
using testing::shared_sim_ca;

std::array<std::uint8_t, 64> test_chip_id(bool turin) {
  std::array<std::uint8_t, 64> id{};
  for (std::size_t i = 0; i < (turin ? 8u : 64u); ++i) id[i] = static_cast<std::uint8_t>(0xA0 + i);
  return id;
}

struct IssuedForTest {
  crypto::Certificate vcek;
  crypto::Certificate ask;
  crypto::Certificate ark;
};

IssuedForTest issue(Product product, const sim::TcbParts& tcb) {
  auto ca = sim::load_sim_ca(shared_sim_ca(product), product);
  EXPECT_TRUE(ca.ok()) << (ca.ok() ? "" : ca.message());
  auto vcek = sim::issue_vcek(*ca, test_chip_id(product == Product::Turin), tcb);
  EXPECT_TRUE(vcek.ok()) << (vcek.ok() ? "" : vcek.message());
  auto cert = crypto::Certificate::from_der(vcek->der);
  auto ask = crypto::Certificate::from_file((shared_sim_ca(product) / "ask.pem").string());
  auto ark = crypto::Certificate::from_file((shared_sim_ca(product) / "ark.pem").string());
  EXPECT_TRUE(cert.ok() && ask.ok() && ark.ok());
  return {*cert, *ask, *ark};
}

std::string ext_hex(const crypto::Certificate& cert, std::string_view oid) {
  auto value = cert.extension(oid);
  return value ? crypto::hex_encode(*value) : "<absent>";
}

TEST(SnpSimVcek, MilanCarriesAmdExtensionsForChipAndTcb) {
  const sim::TcbParts tcb{.bootloader = 4, .tee = 0, .snp = 24, .microcode = 219, .fmc = 0};
  const auto issued = issue(Product::Milan, tcb);
  const auto& v = issued.vcek;
  EXPECT_EQ(v.subject_cn(), "SEV-VCEK");
  EXPECT_EQ(v.issuer(), issued.ask.subject());
  EXPECT_EQ(v.serial_hex(), "0");  // serial 0, as AMD's VCEKs
  EXPECT_EQ(v.public_key().type(), crypto::KeyType::EcP384);
  EXPECT_EQ(ext_hex(v, "1.3.6.1.4.1.3704.1.1"), "020100");                  // structVersion 0
  EXPECT_EQ(ext_hex(v, "1.3.6.1.4.1.3704.1.2"), "16084d696c616e2d4230");    // IA5 "Milan-B0"
  EXPECT_EQ(ext_hex(v, "1.3.6.1.4.1.3704.1.3.1"), "020104");                // blSPL 4
  EXPECT_EQ(ext_hex(v, "1.3.6.1.4.1.3704.1.3.2"), "020100");                // teeSPL 0
  EXPECT_EQ(ext_hex(v, "1.3.6.1.4.1.3704.1.3.3"), "020118");                // snpSPL 24
  EXPECT_EQ(ext_hex(v, "1.3.6.1.4.1.3704.1.3.4"), "020100");                // spl_4
  EXPECT_EQ(ext_hex(v, "1.3.6.1.4.1.3704.1.3.8"), "020200db");              // ucodeSPL 219
  EXPECT_EQ(ext_hex(v, "1.3.6.1.4.1.3704.1.3.9"), "<absent>");
  const auto chip = test_chip_id(false);
  EXPECT_EQ(v.extension("1.3.6.1.4.1.3704.1.4"), Bytes(chip.begin(), chip.end()));  // raw hwID
  // Only AMD extensions: no AKI, basicConstraints or keyUsage (NOTES §5).
  for (const auto& oid : v.extension_oids()) {
    EXPECT_EQ(oid.rfind("1.3.6.1.4.1.3704.1.", 0), 0u) << oid;
  }
}

TEST(SnpSimVcek, TurinHasFmcShortHwidAndNoSpl4) {
  const sim::TcbParts tcb{.bootloader = 1, .tee = 1, .snp = 4, .microcode = 81, .fmc = 1};
  const auto v = issue(Product::Turin, tcb).vcek;
  EXPECT_EQ(ext_hex(v, "1.3.6.1.4.1.3704.1.1"), "020101");                  // structVersion 1
  EXPECT_EQ(ext_hex(v, "1.3.6.1.4.1.3704.1.2"), "1605547572696e");          // IA5 "Turin"
  EXPECT_EQ(ext_hex(v, "1.3.6.1.4.1.3704.1.3.9"), "020101");                // fmcSPL 1
  EXPECT_EQ(ext_hex(v, "1.3.6.1.4.1.3704.1.3.3"), "020104");
  EXPECT_EQ(ext_hex(v, "1.3.6.1.4.1.3704.1.3.8"), "020151");                // 81 < 0x80: one byte
  EXPECT_EQ(ext_hex(v, "1.3.6.1.4.1.3704.1.3.4"), "<absent>");
  EXPECT_EQ(ext_hex(v, "1.3.6.1.4.1.3704.1.4"), "a0a1a2a3a4a5a6a7");        // 8-byte hwID
}

// Same extensions, same order as AMD's own certificates (when the genuine vectors are present).
TEST(SnpSimVcek, ExtensionOrderMatchesGenuineVceks) {
  const auto vectors = testing::vectors_dir();
  if (vectors.empty()) GTEST_SKIP() << "genuine vectors absent (set CCHOST_VECTORS)";
  const struct {
    Product product;
    const char* file;
  } cases[] = {{Product::Milan, "snp/cases/tav_milan_v3/collateral/vcek.der"},
               {Product::Turin, "snp/cases/tav_turin_v5/collateral/vcek.der"}};
  for (const auto& c : cases) {
    auto genuine = crypto::Certificate::from_file((vectors / c.file).string());
    ASSERT_TRUE(genuine.ok()) << c.file;
    const auto sim = issue(c.product, {}).vcek;
    EXPECT_EQ(sim.extension_oids(), genuine->extension_oids()) << c.file;
    EXPECT_EQ(sim.extension("1.3.6.1.4.1.3704.1.2"), genuine->extension("1.3.6.1.4.1.3704.1.2"));
    EXPECT_EQ(sim.extension("1.3.6.1.4.1.3704.1.1"), genuine->extension("1.3.6.1.4.1.3704.1.1"));
  }
}

TEST(SnpSimVcek, ChainVerifiesToSimArkWithCchostCrypto) {
  const auto issued = issue(Product::Genoa, {.bootloader = 10, .tee = 0, .snp = 23, .microcode = 84, .fmc = 0});
  crypto::ChainOptions options;
  options.anchors = {issued.ark};
  options.at = std::time(nullptr);
  options.pinned_root_spki_sha256 = issued.ark.public_key().spki_sha256();
  auto path = crypto::verify_chain(issued.vcek, {issued.ask}, options);
  ASSERT_TRUE(path.ok()) << path.message();
  ASSERT_EQ(path->size(), 3u);
  EXPECT_EQ((*path)[0].subject_cn(), "SEV-VCEK");
  EXPECT_EQ((*path)[2].subject_cn(), "ARK-Genoa");
  // Valid for about seven years, as KDS issues them.
  const auto years = (issued.vcek.not_after() - issued.vcek.not_before()) / (365L * 24 * 3600);
  EXPECT_EQ(years, 7);
  // Not valid before it was issued: verifying at a time before notBefore fails.
  options.at = issued.vcek.not_before() - 3600;
  EXPECT_FALSE(crypto::verify_chain(issued.vcek, {issued.ask}, options).ok());
}

TEST(SnpSimVcek, RefusesFmcOffTurin) {
  auto ca = sim::load_sim_ca(shared_sim_ca(Product::Milan), Product::Milan);
  ASSERT_TRUE(ca.ok()) << ca.message();
  auto vcek = sim::issue_vcek(*ca, test_chip_id(false), {.fmc = 3});
  ASSERT_FALSE(vcek.ok());
  EXPECT_NE(vcek.message().find("fmc"), std::string::npos) << vcek.message();
}

TEST(SnpSimVcek, LoadSimCaRejectsWrongProductAndLooseKeyMode) {
  auto wrong = sim::load_sim_ca(shared_sim_ca(Product::Milan), Product::Genoa);
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.message().find("SEV-Milan"), std::string::npos) << wrong.message();

  testing::TempDir dir;
  for (const char* f : {"ark.pem", "ask.pem", "ask.key", "ark.key"}) {
    std::filesystem::copy_file(shared_sim_ca(Product::Milan) / f, dir.path() / f);
  }
  std::filesystem::permissions(dir.path() / "ask.key", std::filesystem::perms::owner_read |
                                                           std::filesystem::perms::owner_write |
                                                           std::filesystem::perms::others_read);
  auto loose = sim::load_sim_ca(dir.path(), Product::Milan);
  ASSERT_FALSE(loose.ok());
  EXPECT_NE(loose.message().find("0604"), std::string::npos) << loose.message();
}

}  // namespace
}  // namespace cchost::snp
