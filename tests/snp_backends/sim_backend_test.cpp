// The sim backend end to end: [sim] config -> report + cert table whose chain, signature and VCEK
// extensions check out with cchost::crypto; strict config errors name the key.
#include <ctime>
#include <sstream>

#include <gtest/gtest.h>

#include "backends/backend.hpp"
#include "backends/sim_config.hpp"
#include "cchost/crypto/signature.hpp"
#include "cchost/crypto/x509.hpp"
#include "cert_table.hpp"
#include "test_support.hpp"

namespace cchost::snp {
namespace {

using testing::from_hex;
using testing::le32;
using testing::le64;
using testing::slice;

toml::table parse_toml(const std::string& text) { return toml::parse(text); }

std::string ca_line(Product product) {
  return "ca_dir = \"" + testing::shared_sim_ca(product).string() + "\"\n";
}

std::array<std::uint8_t, 64> nonce() {
  std::array<std::uint8_t, 64> rd{};
  for (std::size_t i = 0; i < rd.size(); ++i) rd[i] = static_cast<std::uint8_t>(0xF0 ^ i);
  return rd;
}

crypto::Certificate cert_from(const CertTable& table, const Guid& guid) {
  auto der = table.find(guid);
  EXPECT_TRUE(der.has_value());
  auto cert = crypto::Certificate::from_der(der.value_or(ByteView{}));
  EXPECT_TRUE(cert.ok());
  return *cert;
}

TEST(SnpBackendSim, MilanReportAndChainVerify) {
  const std::string measurement(96, 'a');
  const auto config = parse_toml("backend = \"sim\"\n[sim]\n" + ca_line(Product::Milan) +
                                 "product = \"Milan\"\nmeasurement = \"" + measurement + "\"\n"
                                 "debug = true\nguest_svn = 7\n"
                                 "reported_tcb = { bootloader = 3, snp = 20, microcode = 200 }\n");
  auto backend = make_backend(config);
  ASSERT_TRUE(backend.ok()) << backend.message();
  EXPECT_EQ((*backend)->name(), "sim");
  const auto rd = nonce();
  auto evidence = (*backend)->get_report(rd);
  ASSERT_TRUE(evidence.ok()) << evidence.message();
  const Bytes& r = evidence->report;
  ASSERT_EQ(r.size(), 1184u);
  EXPECT_EQ(slice(r, 0x050, 64), Bytes(rd.begin(), rd.end()));
  EXPECT_EQ(slice(r, 0x090, 48), from_hex(measurement));
  EXPECT_EQ(le32(r, 0x004), 7u);
  EXPECT_EQ(le64(r, 0x008), 0xB0000u);  // SMT + bit 17 + debug
  // Reported TCB: given components over current_tcb's defaults (tee 0), Milan layout.
  EXPECT_EQ(slice(r, 0x180, 8), from_hex("03000000000014c8"));
  EXPECT_EQ(slice(r, 0x038, 8), from_hex("04000000000018db"));  // current_tcb: Milan default

  auto table = parse_cert_table(evidence->cert_table);
  ASSERT_TRUE(table.ok()) << table.message();
  const auto vcek = cert_from(*table, kGuidVcek);
  const auto ask = cert_from(*table, kGuidAsk);
  const auto ark = cert_from(*table, kGuidArk);
  auto ark_file = crypto::Certificate::from_file((testing::shared_sim_ca(Product::Milan) / "ark.pem").string());
  ASSERT_TRUE(ark_file.ok());
  EXPECT_EQ(ark.der(), ark_file->der());
  crypto::ChainOptions options;
  options.anchors = {*ark_file};
  options.at = std::time(nullptr);
  auto path = crypto::verify_chain(vcek, {ask}, options);
  ASSERT_TRUE(path.ok()) << path.message();

  EXPECT_TRUE(crypto::verify_ecdsa_raw(vcek.public_key(), crypto::HashAlg::Sha384, slice(r, 0, 0x2A0),
                                       slice(r, 0x2A0, 72), slice(r, 0x2E8, 72),
                                       crypto::Endian::Little)
                  .ok());
  // The VCEK was issued for this report's chip and reported TCB.
  EXPECT_EQ(vcek.extension("1.3.6.1.4.1.3704.1.4"), slice(r, 0x1A0, 64));
  EXPECT_EQ(vcek.extension("1.3.6.1.4.1.3704.1.3.1"), from_hex("020103"));
  EXPECT_EQ(vcek.extension("1.3.6.1.4.1.3704.1.3.3"), from_hex("020114"));
  EXPECT_EQ(vcek.extension("1.3.6.1.4.1.3704.1.3.8"), from_hex("020200c8"));

  // A second report: same chain, new signature over the new nonce, same REPORT_ID.
  std::array<std::uint8_t, 64> other{};
  auto second = (*backend)->get_report(other);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->cert_table, evidence->cert_table);
  EXPECT_EQ(slice(second->report, 0x140, 32), slice(r, 0x140, 32));
  EXPECT_NE(slice(second->report, 0x2A0, 144), slice(r, 0x2A0, 144));
}

TEST(SnpBackendSim, TurinReportCarriesFmcAndShortChipId) {
  const auto config = parse_toml(
      "backend = \"sim\"\nvmpl = 1\n[sim]\n" + ca_line(Product::Turin) +
      "product = \"Turin\"\nchip_id = \"0102030405060708\"\n"
      "current_tcb = { fmc = 2, bootloader = 3, tee = 4, snp = 5, microcode = 0x60 }\n"
      "launch_mit_vector = 63\n");
  auto backend = make_backend(config);
  ASSERT_TRUE(backend.ok()) << backend.message();
  auto evidence = (*backend)->get_report(nonce());
  ASSERT_TRUE(evidence.ok()) << evidence.message();
  const Bytes& r = evidence->report;
  EXPECT_EQ(le32(r, 0x000), 5u);  // Turin default version
  EXPECT_EQ(le32(r, 0x030), 1u);  // top-level vmpl
  EXPECT_EQ(slice(r, 0x180, 8), from_hex("0203040500000060"));
  EXPECT_EQ(slice(r, 0x1A0, 8), from_hex("0102030405060708"));
  EXPECT_TRUE(testing::all_zero(r, 0x1A8, 0x1E0));
  EXPECT_EQ(le64(r, 0x1F8), 63u);
  auto table = parse_cert_table(evidence->cert_table);
  ASSERT_TRUE(table.ok());
  const auto vcek = cert_from(*table, kGuidVcek);
  EXPECT_EQ(vcek.extension("1.3.6.1.4.1.3704.1.3.9"), from_hex("020102"));
  EXPECT_EQ(vcek.extension("1.3.6.1.4.1.3704.1.4"), from_hex("0102030405060708"));
}

TEST(SnpBackendSim, CreatesCaWhenAskedAndOnlyThen) {
  testing::TempDir dir;
  const std::string ca = (dir.path() / "ca").string();
  auto refused = make_backend(parse_toml("backend = \"sim\"\n[sim]\nca_dir = \"" + ca +
                                         "\"\nproduct = \"Genoa\"\n"));
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.message().find("ark.pem"), std::string::npos) << refused.message();
  auto created = make_backend(parse_toml("backend = \"sim\"\n[sim]\nca_dir = \"" + ca +
                                         "\"\nproduct = \"Genoa\"\ncreate_ca_if_missing = true\n"));
  ASSERT_TRUE(created.ok()) << created.message();
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "ca" / "ask.key"));
  EXPECT_TRUE((*created)->get_report(nonce()).ok());
}

TEST(SnpBackendSimConfig, SeedGivesStablePerNameChipId) {
  auto parse = [](const std::string& extra) {
    return parse_sim_config(toml::parse("ca_dir = \"/x\"\n" + extra), std::nullopt);
  };
  auto a1 = parse("seed = \"site-a\"\n");
  auto a2 = parse("seed = \"site-a\"\n");
  auto b = parse("seed = \"site-b\"\n");
  auto turin = parse("seed = \"site-a\"\nproduct = \"Turin\"\n");
  ASSERT_TRUE(a1.ok() && a2.ok() && b.ok() && turin.ok());
  EXPECT_EQ(a1->fields.chip_id, a2->fields.chip_id);
  EXPECT_NE(a1->fields.chip_id, b->fields.chip_id);
  EXPECT_NE(a1->fields.chip_id[63], 0);
  EXPECT_TRUE(std::all_of(turin->fields.chip_id.begin() + 8, turin->fields.chip_id.end(),
                          [](std::uint8_t x) { return x == 0; }));
  EXPECT_TRUE(std::equal(turin->fields.chip_id.begin(), turin->fields.chip_id.begin() + 8,
                         a1->fields.chip_id.begin()));
}

TEST(SnpBackendSimConfig, ReadableBitsAndVersionsApply) {
  auto parsed = parse_sim_config(
      toml::parse("ca_dir = \"/x\"\npolicy = 0x30000\nsmt = false\nsingle_socket = true\n"
                  "abi_major = 1\nabi_minor = 2\ncurrent_version = \"1.56.3\"\n"
                  "committed_version = \"1.55.9\"\nplatform_info = 3\nreport_id = \"" +
                  std::string(64, '1') + "\"\nvmpl = 2\n"),
      1);
  ASSERT_TRUE(parsed.ok()) << parsed.message();
  const auto& f = parsed->fields;
  EXPECT_EQ(f.policy, 0x120102u);  // bit 17, single_socket, ABI 1.2, SMT cleared
  EXPECT_EQ(f.current_version.major, 1);
  EXPECT_EQ(f.current_version.minor, 56);
  EXPECT_EQ(f.current_version.build, 3);
  EXPECT_EQ(f.committed_version.minor, 55);
  EXPECT_EQ(f.platform_info, 3u);
  EXPECT_EQ(f.vmpl, 2u);  // [sim] vmpl wins over the top-level one
  EXPECT_TRUE(parsed->report_id_given);
}

TEST(SnpBackendSimConfig, BadConfigIsRefusedNamingTheKey) {
  const struct {
    std::string toml;
    std::vector<std::string> expect;  // every one must appear in the message
  } cases[] = {
      {"debgu = true", {"debgu", "unknown key"}},
      {"measurement = \"abcd\"", {"measurement", "48 bytes", "got 2"}},
      {"host_data = \"" + std::string(66, 'a') + "\"", {"host_data", "32 bytes"}},
      {"family_id = \"zz\"", {"family_id", "hex"}},
      {"guest_svn = \"1\"", {"guest_svn", "integer", "string"}},
      {"debug = 1", {"debug", "true or false"}},
      {"vmpl = 4", {"vmpl", "0..3"}},
      {"version = 4", {"version", "2, 3 or 5"}},
      {"product = \"Turin\"\nversion = 2", {"version", "Turin"}},
      {"product = \"Rome\"", {"product", "Rome"}},
      {"reported_tcb = { fmc = 1 }", {"reported_tcb", "fmc", "Turin only"}},
      {"current_tcb = { microcode = 300 }", {"current_tcb", "microcode", "0..255"}},
      {"current_tcb = 5", {"current_tcb", "table"}},
      {"current_version = \"1.55\"", {"current_version", "major.minor.build"}},
      {"seed = \"a\"\nchip_id = \"" + std::string(128, '0') + "\"", {"chip_id", "not both"}},
      {"chip_id = \"0102030405060708\"", {"chip_id", "64 bytes"}},
      {"policy = 0x4000000", {"policy", "0..67108863"}},
      {"current_mit_vector = 1", {"current_mit_vector", "version 5"}},
  };
  for (const auto& c : cases) {
    auto parsed = parse_sim_config(toml::parse("ca_dir = \"/x\"\n" + c.toml), std::nullopt);
    ASSERT_FALSE(parsed.ok()) << c.toml;
    for (const auto& word : c.expect) {
      EXPECT_NE(parsed.message().find(word), std::string::npos)
          << c.toml << " -> " << parsed.message() << " (missing \"" << word << "\")";
    }
    EXPECT_EQ(parsed.message().rfind("[sim]", 0), 0u) << parsed.message();
  }
  auto no_ca = parse_sim_config(toml::parse("product = \"Milan\""), std::nullopt);
  ASSERT_FALSE(no_ca.ok());
  EXPECT_NE(no_ca.message().find("ca_dir"), std::string::npos);
}

TEST(SnpBackendSimConfig, BadConfigThroughFactoryNamesTheKey) {
  auto backend = make_backend(toml::parse("backend = \"sim\"\n[sim]\n" + ca_line(Product::Milan) +
                                          "measurment = \"00\"\n"));
  ASSERT_FALSE(backend.ok());
  EXPECT_NE(backend.message().find("measurment"), std::string::npos) << backend.message();
}

}  // namespace
}  // namespace cchost::snp
