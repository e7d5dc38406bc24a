// Parsing of genuine and malformed SNP reports, cert tables and envelopes (no cryptography).
#include <gtest/gtest.h>

#include "cchost/crypto/encoding.hpp"
#include "cert_table.hpp"
#include "evidence.hpp"
#include "report.hpp"
#include "snp_test_support.hpp"

namespace cchost::snp {
namespace {

using test::load_case;

Bytes genuine_report(const std::filesystem::path& snp, const char* name = "trustee_milan_v2") {
  return load_case(snp, name).report;
}

void put_u32(Bytes& b, std::size_t off, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b[off + i] = static_cast<std::uint8_t>(v >> (8 * i));
}

void put_u64(Bytes& b, std::size_t off, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) b[off + i] = static_cast<std::uint8_t>(v >> (8 * i));
}

// Every case's report parses and its fields equal case.toml's [claims].
TEST(SnpParse, EveryGenuineReportMatchesItsCase) {
  SNP_REQUIRE_VECTORS(snp);
  for (const auto& name : test::case_names(snp)) {
    SCOPED_TRACE(name);
    auto c = load_case(snp, name);
    auto r = parse_snp_report(c.report);
    ASSERT_TRUE(r.ok()) << r.message();
    EXPECT_EQ(r->version, c.claims["version"].value_or(0));
    EXPECT_EQ(r->guest_svn, c.claims["guest_svn"].value_or(0));
    EXPECT_EQ(r->policy.raw, c.claims["policy"].value_or(std::int64_t{0}));
    EXPECT_EQ(r->policy.debug, c.claims["debug"].value_or(true));
    EXPECT_EQ(r->vmpl, c.claims["vmpl"].value_or(99));
    EXPECT_EQ(signing_key_name(r->signing_key), c.claims["signing_key"].value_or(std::string()));
    EXPECT_EQ(crypto::hex_encode(r->measurement), c.claims["measurement"].value_or(std::string()));
    EXPECT_EQ(crypto::hex_encode(r->host_data), c.claims["host_data"].value_or(std::string()));
    EXPECT_EQ(crypto::hex_encode(r->report_data), c.claims["report_data"].value_or(std::string()));
    EXPECT_EQ(crypto::hex_encode(r->chip_id), c.claims["chip_id"].value_or(std::string()));
    auto product = parse_product_name(c.claims["product"].value_or(std::string()));
    ASSERT_TRUE(product.ok());
    // NEGATIVE_genoa_report_milan_chain lists product = "Milan" for a Genoa report (CPUID
    // 0x19/0x11; that is the case's point), so the CPUID line is compared on verified cases only.
    if (r->version >= 3 && c.expect_verified) {
      auto from_cpuid = product_from_cpuid(*r);
      ASSERT_TRUE(from_cpuid.has_value());
      EXPECT_EQ(*from_cpuid, *product);
    } else if (r->version == 2) {
      EXPECT_FALSE(product_from_cpuid(*r).has_value());
    }
    const TcbVersion tcb = decode_tcb(r->reported_tcb, *product);
    const auto* want = c.claims["reported_tcb"].as_table();
    ASSERT_NE(want, nullptr);
    EXPECT_EQ(tcb.bootloader, (*want)["bootloader"].value_or(-1));
    EXPECT_EQ(tcb.tee, (*want)["tee"].value_or(-1));
    EXPECT_EQ(tcb.snp, (*want)["snp"].value_or(-1));
    EXPECT_EQ(tcb.microcode, (*want)["microcode"].value_or(-1));
    if (auto fmc = (*want)["fmc"].value<int>()) {
      ASSERT_TRUE(tcb.fmc.has_value());
      EXPECT_EQ(*tcb.fmc, *fmc);
    } else {
      EXPECT_FALSE(tcb.fmc.has_value());
    }
  }
}

TEST(SnpParse, TurinV5FieldsDecode) {
  SNP_REQUIRE_VECTORS(snp);
  auto r = parse_snp_report(genuine_report(snp, "tav_turin_v5"));
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_EQ(r->launch_mit_vector, std::optional<std::uint64_t>(0x3f));
  EXPECT_EQ(r->current_mit_vector, std::optional<std::uint64_t>(0x3f));
  EXPECT_EQ(r->platform_info.raw, 0x65u);  // bit 6 is unknown but not fatal (NOTES §3)
  EXPECT_TRUE(r->platform_info.smt_en);
  EXPECT_TRUE(r->platform_info.alias_check_complete);
  EXPECT_EQ(*r->cpuid_fam_id, 0x1A);
  const TcbVersion t = decode_tcb(0x5100000004010101ull, Product::Turin);
  EXPECT_EQ(*t.fmc, 1);
  EXPECT_EQ(t.bootloader, 1);
  EXPECT_EQ(t.tee, 1);
  EXPECT_EQ(t.snp, 4);
  EXPECT_EQ(t.microcode, 0x51);
  const TcbVersion m = decode_tcb(0x4405000000000002ull, Product::Milan);
  EXPECT_EQ(m.bootloader, 2);
  EXPECT_EQ(m.snp, 5);
  EXPECT_EQ(m.microcode, 0x44);
  EXPECT_FALSE(m.fmc.has_value());
}

TEST(SnpParse, RejectsEveryLengthButTheReportSize) {
  SNP_REQUIRE_VECTORS(snp);
  const Bytes good = genuine_report(snp);
  for (std::size_t n = 0; n < kReportSize; ++n) {
    auto r = parse_snp_report(ByteView(good).first(n));
    ASSERT_FALSE(r.ok()) << n;
    ASSERT_NE(r.message().find("expected 1184 bytes"), std::string::npos) << r.message();
  }
  Bytes longer = good;
  longer.push_back(0);
  EXPECT_FALSE(parse_snp_report(longer).ok());
  EXPECT_TRUE(parse_snp_report(good).ok());
}

TEST(SnpParse, RejectsUnknownVersions) {
  SNP_REQUIRE_VECTORS(snp);
  Bytes b = genuine_report(snp);
  for (std::uint32_t v : {0u, 1u, 6u, 0xFFFFFFFFu}) {
    put_u32(b, 0, v);
    auto r = parse_snp_report(b);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.message().find("VERSION must be 2, 3, 4 or 5, got " + std::to_string(v)),
              std::string::npos)
        << r.message();
  }
}

TEST(SnpParse, RejectsBadPolicySignerAndAlgorithm) {
  SNP_REQUIRE_VECTORS(snp);
  const Bytes good = genuine_report(snp);
  Bytes b = good;
  put_u64(b, 0x008, 0x1001F);  // bit 17 clear
  EXPECT_NE(parse_snp_report(b).message().find("bit 17"), std::string::npos);
  b = good;
  put_u64(b, 0x008, 0x30000ull | (1ull << 26));
  EXPECT_NE(parse_snp_report(b).message().find("63:26"), std::string::npos);
  b = good;
  put_u32(b, 0x034, 2);
  EXPECT_NE(parse_snp_report(b).message().find("SIGNATURE_ALGO"), std::string::npos);
  for (std::uint32_t key : {2u, 3u, 7u}) {
    b = good;
    put_u32(b, 0x048, key << 2);
    EXPECT_NE(parse_snp_report(b).message().find("SIGNING_KEY"), std::string::npos) << key;
  }
  b = good;
  put_u32(b, 0x048, 1u << 5);
  EXPECT_NE(parse_snp_report(b).message().find("31:5"), std::string::npos);
  b = good;
  put_u32(b, 0x048, 1u << 2);  // VLEK is a valid value
  auto vlek = parse_snp_report(b);
  ASSERT_TRUE(vlek.ok()) << vlek.message();
  EXPECT_EQ(vlek->signing_key, SigningKey::Vlek);
}

// Every reserved byte, set alone, is refused (v2 layout: 0x188-0x19F and 0x1F8-0x29F too).
TEST(SnpParse, RejectsNonZeroReservedBytes) {
  SNP_REQUIRE_VECTORS(snp);
  const Bytes v2 = genuine_report(snp);
  const Bytes v5 = genuine_report(snp, "tav_turin_v5");
  auto ranges_v2 = {std::pair{0x04Cu, 0x04Fu}, {0x188u, 0x19Fu}, {0x1EBu, 0x1EBu},
                    {0x1EFu, 0x1EFu}, {0x1F8u, 0x29Fu}, {0x330u, 0x49Fu}};
  for (auto [lo, hi] : ranges_v2) {
    for (std::size_t i = lo; i <= hi; ++i) {
      Bytes b = v2;
      b[i] = 0x01;
      auto r = parse_snp_report(b);
      ASSERT_FALSE(r.ok()) << "offset " << i;
      ASSERT_NE(r.message().find("must be zero"), std::string::npos) << r.message();
    }
  }
  // v5: the mitigation vectors are fields, 0x208.. still reserved; v3+: CPUID bytes are fields.
  Bytes b = v5;
  b[0x1F8] ^= 0x40;
  EXPECT_TRUE(parse_snp_report(b).ok());
  b = v5;
  b[0x208] = 1;
  EXPECT_FALSE(parse_snp_report(b).ok());
  b = v5;
  b[0x18B] = 1;
  EXPECT_FALSE(parse_snp_report(b).ok());
}

TEST(SnpParse, GarbageNeverParses) {
  Bytes zeros(kReportSize, 0);
  EXPECT_FALSE(parse_snp_report(zeros).ok());
  Bytes ff(kReportSize, 0xFF);
  EXPECT_FALSE(parse_snp_report(ff).ok());
  Bytes text(kReportSize, 'A');
  EXPECT_FALSE(parse_snp_report(text).ok());
}

TEST(SnpCertTable, RoundTripAndLookups) {
  const Bytes vcek = {1, 2, 3}, ask = {4, 5};
  const Bytes blob = write_cert_table({{kGuidVcek, vcek}, {kGuidAsk, ask}});
  EXPECT_EQ(blob.size(), 3 * kCertTableEntrySize + 5);
  auto t = parse_cert_table(blob);
  ASSERT_TRUE(t.ok()) << t.message();
  ASSERT_EQ(t->entries.size(), 2u);
  auto v = t->find(kGuidVcek);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(Bytes(v->begin(), v->end()), vcek);
  EXPECT_FALSE(t->find(kGuidArk).has_value());
  auto empty = parse_cert_table({});
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->entries.empty());
}

TEST(SnpCertTable, RejectsOutOfBoundsOverlapsAndDuplicates) {
  Bytes blob = write_cert_table({{kGuidVcek, Bytes(10, 7)}});
  // No terminator: every truncation before the end of the header fails.
  for (std::size_t n = 1; n < 2 * kCertTableEntrySize; ++n) {
    EXPECT_FALSE(parse_cert_table(ByteView(blob).first(n)).ok()) << n;
  }
  // Data cut short: offset+length past the end.
  auto cut = parse_cert_table(ByteView(blob).first(blob.size() - 1));
  ASSERT_FALSE(cut.ok());
  EXPECT_NE(cut.message().find("exceeds the table size"), std::string::npos) << cut.message();
  // Offset pointing into the header.
  Bytes into = blob;
  into[16] = 4;
  into[17] = into[18] = into[19] = 0;
  auto hdr = parse_cert_table(into);
  ASSERT_FALSE(hdr.ok());
  EXPECT_NE(hdr.message().find("into the header"), std::string::npos) << hdr.message();
  // A 32-bit overflow attempt: offset 0xFFFFFFF0 + length 0x20.
  Bytes wrap = blob;
  wrap[16] = 0xF0; wrap[17] = wrap[18] = wrap[19] = 0xFF;
  wrap[20] = 0x20; wrap[21] = wrap[22] = wrap[23] = 0;
  EXPECT_FALSE(parse_cert_table(wrap).ok());
  // Two VCEKs: refused rather than picking one.
  auto dup = parse_cert_table(write_cert_table({{kGuidVcek, {1}}, {kGuidVcek, {2}}}));
  ASSERT_FALSE(dup.ok());
  EXPECT_NE(dup.message().find("duplicate"), std::string::npos);
  // Garbage: 0xFF bytes have no terminator.
  EXPECT_FALSE(parse_cert_table(Bytes(4096, 0xFF)).ok());
}

TEST(SnpEvidence, RawReportAndEnvelopeRoundTrip) {
  const Bytes report(kReportSize, 0x02);
  auto raw = decode_evidence(report);
  ASSERT_TRUE(raw.ok());
  EXPECT_EQ(raw->report.size(), kReportSize);
  EXPECT_TRUE(raw->cert_table.empty());
  const Bytes table = write_cert_table({{kGuidArk, {9, 9}}});
  const Bytes token = encode_evidence(report, table);
  auto env = decode_evidence(token);
  ASSERT_TRUE(env.ok()) << env.message();
  EXPECT_TRUE(std::equal(env->report.begin(), env->report.end(), report.begin()));
  EXPECT_EQ(Bytes(env->cert_table.begin(), env->cert_table.end()), table);
}

TEST(SnpEvidence, RejectsTruncatedOversizedAndForeignTokens) {
  const Bytes token = encode_evidence(Bytes(kReportSize, 0x02), write_cert_table({{kGuidArk, {1}}}));
  for (std::size_t n = 0; n < token.size(); ++n) {
    auto r = decode_evidence(ByteView(token).first(n));
    ASSERT_FALSE(r.ok()) << n;
    ASSERT_FALSE(r.message().empty());
  }
  Bytes longer = token;
  longer.push_back(0);
  EXPECT_NE(decode_evidence(longer).message().find("from its lengths"), std::string::npos);
  Bytes bad_version = token;
  bad_version[4] = 2;
  EXPECT_NE(decode_evidence(bad_version).message().find("version"), std::string::npos);
  Bytes bad_report_len = token;
  bad_report_len[8] = 0;
  EXPECT_NE(decode_evidence(bad_report_len).message().find("report length"), std::string::npos);
  Bytes huge_table = token;
  huge_table[15] = 0x7F;
  EXPECT_FALSE(decode_evidence(huge_table).ok());
  EXPECT_FALSE(decode_evidence(as_bytes("{\"not\": \"snp\"}")).ok());
}

}  // namespace
}  // namespace cchost::snp
