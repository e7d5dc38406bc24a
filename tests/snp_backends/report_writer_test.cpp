// The simulated report: every field at its NOTES.md §1 offset (located here independently of the
// writer), TCB bytes per product layout, MBZ ranges, and an ECDSA signature cchost::crypto accepts.
#include <gtest/gtest.h>

#include "cchost/crypto/signature.hpp"
#include "cchost/crypto/x509.hpp"
#include "report.hpp"
#include "sim/report_signer.hpp"
#include "sim/report_writer.hpp"
#include "sim/vcek_issuer.hpp"
#include "test_support.hpp"

namespace cchost::snp {
namespace {

using testing::all_zero;
using testing::from_hex;
using testing::le32;
using testing::le64;
using testing::slice;

template <std::size_t N>
std::array<std::uint8_t, N> pattern(std::uint8_t start) {
  std::array<std::uint8_t, N> a{};
  for (std::size_t i = 0; i < N; ++i) a[i] = static_cast<std::uint8_t>(start + i);
  return a;
}

template <std::size_t N>
Bytes as_bytes(const std::array<std::uint8_t, N>& a) {
  return Bytes(a.begin(), a.end());
}

sim::SimReportFields distinctive_fields(Product product, std::uint32_t version) {
  sim::SimReportFields f = sim::default_sim_fields(product);
  f.version = version;
  f.guest_svn = 0x01020304;
  f.policy = 0x30000 | (1u << 19) | 0x0102;  // debug on, ABI 1.2 (bit 17 already set)
  f.family_id = pattern<16>(0x10);
  f.image_id = pattern<16>(0x20);
  f.vmpl = 2;
  f.platform_info = 0x65;
  f.author_key_en = true;
  f.report_data = pattern<64>(0x40);
  f.measurement = pattern<48>(0x90);
  f.host_data = pattern<32>(0xC0);
  f.id_key_digest = pattern<48>(0x01);
  f.author_key_digest = pattern<48>(0x31);
  f.report_id = pattern<32>(0x61);
  f.report_id_ma = pattern<32>(0x81);
  f.chip_id = pattern<64>(0x9A);
  if (product == Product::Turin) std::fill(f.chip_id.begin() + 8, f.chip_id.end(), 0);
  f.current_version = {.major = 1, .minor = 55, .build = 29};
  f.committed_version = {.major = 1, .minor = 54, .build = 7};
  return f;
}

TEST(SnpSimReport, MilanV3FieldsAtDocumentedOffsets) {
  auto f = distinctive_fields(Product::Milan, 3);
  f.current_tcb = {.bootloader = 2, .tee = 3, .snp = 5, .microcode = 0x44, .fmc = 0};
  f.reported_tcb = {.bootloader = 1, .tee = 0, .snp = 4, .microcode = 0x40, .fmc = 0};
  f.committed_tcb = {.bootloader = 2, .tee = 3, .snp = 5, .microcode = 0x43, .fmc = 0};
  f.launch_tcb = {.bootloader = 7, .tee = 8, .snp = 9, .microcode = 0x0A, .fmc = 0};
  auto written = sim::write_report(f);
  ASSERT_TRUE(written.ok()) << written.message();
  const Bytes& r = *written;
  ASSERT_EQ(r.size(), 1184u);
  EXPECT_EQ(le32(r, 0x000), 3u);
  EXPECT_EQ(le32(r, 0x004), 0x01020304u);
  EXPECT_EQ(le64(r, 0x008), 0xB0102u);  // bit 17 kept, debug bit 19, ABI 1.2
  EXPECT_EQ(slice(r, 0x010, 16), as_bytes(pattern<16>(0x10)));
  EXPECT_EQ(slice(r, 0x020, 16), as_bytes(pattern<16>(0x20)));
  EXPECT_EQ(le32(r, 0x030), 2u);
  EXPECT_EQ(le32(r, 0x034), 1u);  // ECDSA P-384 with SHA-384
  // Milan/Genoa TCB: bl, tee, 4 reserved, snp, microcode.
  EXPECT_EQ(slice(r, 0x038, 8), from_hex("0203000000000544"));
  EXPECT_EQ(le64(r, 0x040), 0x65u);
  EXPECT_EQ(le32(r, 0x048), 1u);  // AUTHOR_KEY_EN, VCEK
  EXPECT_EQ(le32(r, 0x04C), 0u);
  EXPECT_EQ(slice(r, 0x050, 64), as_bytes(pattern<64>(0x40)));
  EXPECT_EQ(slice(r, 0x090, 48), as_bytes(pattern<48>(0x90)));
  EXPECT_EQ(slice(r, 0x0C0, 32), as_bytes(pattern<32>(0xC0)));
  EXPECT_EQ(slice(r, 0x0E0, 48), as_bytes(pattern<48>(0x01)));
  EXPECT_EQ(slice(r, 0x110, 48), as_bytes(pattern<48>(0x31)));
  EXPECT_EQ(slice(r, 0x140, 32), as_bytes(pattern<32>(0x61)));
  EXPECT_EQ(slice(r, 0x160, 32), as_bytes(pattern<32>(0x81)));
  EXPECT_EQ(slice(r, 0x180, 8), from_hex("0100000000000440"));
  EXPECT_EQ(r[0x188], 0x19);
  EXPECT_EQ(r[0x189], 0x01);
  EXPECT_EQ(r[0x18A], 0x01);
  EXPECT_TRUE(all_zero(r, 0x18B, 0x1A0));
  EXPECT_EQ(slice(r, 0x1A0, 64), as_bytes(pattern<64>(0x9A)));
  EXPECT_EQ(slice(r, 0x1E0, 8), from_hex("0203000000000543"));
  EXPECT_EQ(slice(r, 0x1E8, 4), from_hex("1d370100"));  // build 29, minor 55, major 1, MBZ
  EXPECT_EQ(slice(r, 0x1EC, 4), from_hex("07360100"));
  EXPECT_EQ(slice(r, 0x1F0, 8), from_hex("070800000000090a"));
  EXPECT_TRUE(all_zero(r, 0x1F8, 0x4A0));  // v3: reserved to the signature, signature unset
}

TEST(SnpSimReport, TurinV5LayoutWithFmcAndMitigationVectors) {
  auto f = distinctive_fields(Product::Turin, 5);
  f.reported_tcb = {.bootloader = 2, .tee = 3, .snp = 4, .microcode = 0x51, .fmc = 1};
  f.launch_mit_vector = 0x3F;
  f.current_mit_vector = 0x1F;
  auto written = sim::write_report(f);
  ASSERT_TRUE(written.ok()) << written.message();
  const Bytes& r = *written;
  EXPECT_EQ(le32(r, 0x000), 5u);
  // Turin TCB: fmc, bl, tee, snp, 3 reserved, microcode.
  EXPECT_EQ(slice(r, 0x180, 8), from_hex("0102030400000051"));
  EXPECT_EQ(r[0x188], 0x1A);
  EXPECT_EQ(r[0x189], 0x02);
  EXPECT_EQ(slice(r, 0x1A0, 8), as_bytes(pattern<8>(0x9A)));
  EXPECT_TRUE(all_zero(r, 0x1A8, 0x1E0));  // 56 zero bytes after Turin's 8-byte chip id
  EXPECT_EQ(le64(r, 0x1F8), 0x3Fu);
  EXPECT_EQ(le64(r, 0x200), 0x1Fu);
  EXPECT_TRUE(all_zero(r, 0x208, 0x4A0));
}

TEST(SnpSimReport, V2HasNoCpuidFields) {
  auto written = sim::write_report(distinctive_fields(Product::Genoa, 2));
  ASSERT_TRUE(written.ok()) << written.message();
  EXPECT_EQ(le32(*written, 0), 2u);
  EXPECT_TRUE(all_zero(*written, 0x188, 0x1A0));
}

TEST(SnpSimReport, PolicyBit17IsAlwaysSet) {
  auto f = sim::default_sim_fields(Product::Milan);
  f.policy = 0;
  auto written = sim::write_report(f);
  ASSERT_TRUE(written.ok()) << written.message();
  EXPECT_EQ(le64(*written, 0x008), 1u << 17);
}

TEST(SnpSimReport, RefusesInconsistentFields) {
  const struct {
    const char* what;
    void (*mutate)(sim::SimReportFields&);
    const char* expect_in_message;
  } cases[] = {
      {"version 4", [](sim::SimReportFields& f) { f.version = 4; }, "version"},
      {"Turin v2", [](sim::SimReportFields& f) { f.product = Product::Turin; f.version = 2; }, "Turin"},
      {"fmc on Milan", [](sim::SimReportFields& f) { f.reported_tcb.fmc = 1; }, "reported_tcb"},
      {"policy MBZ", [](sim::SimReportFields& f) { f.policy |= 1ULL << 30; }, "63:26"},
      {"vmpl 4", [](sim::SimReportFields& f) { f.vmpl = 4; }, "vmpl"},
      {"mit vector on v3", [](sim::SimReportFields& f) { f.current_mit_vector = 1; }, "version 5"},
      {"long Turin chip id",
       [](sim::SimReportFields& f) {
         f = sim::default_sim_fields(Product::Turin);
         f.chip_id[9] = 1;
       },
       "chip_id"},
  };
  for (const auto& c : cases) {
    auto f = sim::default_sim_fields(Product::Milan);
    c.mutate(f);
    auto written = sim::write_report(f);
    ASSERT_FALSE(written.ok()) << c.what;
    EXPECT_NE(written.message().find(c.expect_in_message), std::string::npos)
        << c.what << ": " << written.message();
  }
}

// The report parser (src/parse_report.cpp, written separately) reads back what the writer wrote.
TEST(SnpSimReport, ParserAgreesWithWriter) {
  for (auto [product, version] : {std::pair{Product::Milan, 2u}, std::pair{Product::Genoa, 3u},
                                  std::pair{Product::Turin, 5u}}) {
    auto f = distinctive_fields(product, version);
    auto written = sim::write_report(f);
    ASSERT_TRUE(written.ok()) << written.message();
    auto parsed = parse_snp_report(*written);
    ASSERT_TRUE(parsed.ok()) << product_name(product) << ": " << parsed.message();
    EXPECT_EQ(parsed->version, version);
    EXPECT_EQ(parsed->measurement, f.measurement);
    EXPECT_EQ(parsed->chip_id, f.chip_id);
    EXPECT_TRUE(parsed->policy.debug);
    const auto tcb = decode_tcb(parsed->reported_tcb, product);
    EXPECT_EQ(tcb.bootloader, f.reported_tcb.bootloader);
    EXPECT_EQ(tcb.snp, f.reported_tcb.snp);
    EXPECT_EQ(tcb.microcode, f.reported_tcb.microcode);
    if (version >= 3) {
      EXPECT_EQ(product_from_cpuid(*parsed), product);
    }
  }
}

TEST(SnpSimReport, SignatureVerifiesLittleEndianOverSignedRegion) {
  auto ca = sim::load_sim_ca(testing::shared_sim_ca(Product::Milan), Product::Milan);
  ASSERT_TRUE(ca.ok()) << ca.message();
  const auto f = distinctive_fields(Product::Milan, 3);
  auto vcek = sim::issue_vcek(*ca, f.chip_id, f.reported_tcb);
  ASSERT_TRUE(vcek.ok()) << vcek.message();
  auto report = sim::write_report(f);
  ASSERT_TRUE(report.ok());
  ASSERT_TRUE(sim::sign_report(*report, vcek->key.get()).ok());
  const Bytes& r = *report;
  const auto key = crypto::Certificate::from_der(vcek->der)->public_key();
  const Bytes signed_region = slice(r, 0, 0x2A0);
  const Bytes sig_r = slice(r, 0x2A0, 72);
  const Bytes sig_s = slice(r, 0x2E8, 72);
  EXPECT_TRUE(crypto::verify_ecdsa_raw(key, crypto::HashAlg::Sha384, signed_region, sig_r, sig_s,
                                       crypto::Endian::Little)
                  .ok());
  // P-384 integers fill 48 bytes; the top 24 of each 72-byte field are zero padding.
  EXPECT_TRUE(all_zero(r, 0x2A0 + 48, 0x2E8));
  EXPECT_TRUE(all_zero(r, 0x2E8 + 48, 0x330));
  EXPECT_TRUE(all_zero(r, 0x330, 0x4A0));
  // Big-endian reading of the same bytes does not verify; neither does a changed signed byte.
  EXPECT_FALSE(crypto::verify_ecdsa_raw(key, crypto::HashAlg::Sha384, signed_region, sig_r, sig_s,
                                        crypto::Endian::Big)
                   .ok());
  Bytes tampered = signed_region;
  tampered[0x90] ^= 1;
  EXPECT_FALSE(crypto::verify_ecdsa_raw(key, crypto::HashAlg::Sha384, tampered, sig_r, sig_s,
                                        crypto::Endian::Little)
                   .ok());
}

TEST(SnpSimReport, SignerRefusesWrongSizeAndNonP384Key) {
  auto ca = sim::load_sim_ca(testing::shared_sim_ca(Product::Milan), Product::Milan);
  ASSERT_TRUE(ca.ok());
  Bytes short_report(100, 0);
  EXPECT_FALSE(sim::sign_report(short_report, ca->ask_key.get()).ok());
  Bytes report(1184, 0);
  auto rsa = sim::sign_report(report, ca->ask_key.get());
  ASSERT_FALSE(rsa.ok());
  EXPECT_NE(rsa.message().find("P-384"), std::string::npos) << rsa.message();
}

}  // namespace
}  // namespace cchost::snp
