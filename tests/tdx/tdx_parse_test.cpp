// Quote parsing against every genuine vector's extracted fields (derived/<src>/<q>.fields.json),
// and malformed input: every truncation, each size field and type field broken on its own.
#include <gtest/gtest.h>

#include <vector>

#include "cchost/crypto/encoding.hpp"
#include "pck_extensions.hpp"
#include "quote.hpp"
#include "tdx_test_support.hpp"

namespace cchost::tdx {
namespace {

using test::read_file;

const std::vector<std::string> kQuotes = {
    "go-tdx-guest/quote_v4_spr_e4", "go-tdx-guest/quote_v5_tdx15", "go-tdx-guest/quote_v4_cos113",
    "trustee/quote_v4_debug_td",   "trustee/quote_v5_tdx15",      "trustee/quote_v4_module_tdx03",
    "phala/quote_v4_uptodate"};

template <std::size_t N>
std::string hex(const std::array<std::uint8_t, N>& a) {
  return crypto::hex_encode(a);
}

std::string hex64le(std::uint64_t v) {
  std::array<std::uint8_t, 8> b{};
  for (std::size_t i = 0; i < 8; ++i) b[i] = static_cast<std::uint8_t>(v >> (8 * i));
  return crypto::hex_encode(b);
}

TEST(TdxParse, EveryVectorMatchesItsExtractedFields) {
  TDX_REQUIRE_VECTORS(vec);
  for (const auto& q : kQuotes) {
    SCOPED_TRACE(q);
    const auto dir = q.substr(0, q.find('/'));
    const auto name = q.substr(q.find('/') + 1);
    if (!std::filesystem::exists(vec / (q + ".dat"))) continue;
    const Bytes bytes = read_file(vec / (q + ".dat"));
    const auto f = test::read_json(vec / "derived" / dir / (name + ".fields.json"));
    auto parsed = parse_tdx_quote(bytes);
    ASSERT_TRUE(parsed) << parsed.message();
    const TdxQuote& p = *parsed;
    EXPECT_EQ(p.header.version, f["header"]["version"].get<int>());
    EXPECT_EQ(hex(p.header.qe_vendor_id), f["header"]["qe_vendor_id"]);
    EXPECT_EQ(hex(p.header.user_data), f["header"]["user_data"]);
    if (!f["body_type"].is_null()) {
      EXPECT_EQ(p.body_type, f["body_type"].get<int>());
    } else {
      EXPECT_EQ(p.body_type, 2);
    }
    const auto& b = f["body"];
    EXPECT_EQ(hex(p.body.tee_tcb_svn), b["tee_tcb_svn"]);
    EXPECT_EQ(hex(p.body.mr_seam), b["mr_seam"]);
    EXPECT_EQ(hex(p.body.mr_signer_seam), b["mr_signer_seam"]);
    EXPECT_EQ(hex(p.body.seam_attributes), b["seam_attributes"]);
    EXPECT_EQ(hex64le(p.body.td_attributes.raw), b["td_attributes"]);
    EXPECT_EQ(hex64le(p.body.xfam), b["xfam"]);
    EXPECT_EQ(hex(p.body.mr_td), b["mr_td"]);
    EXPECT_EQ(hex(p.body.mr_config_id), b["mr_config_id"]);
    EXPECT_EQ(hex(p.body.mr_owner), b["mr_owner"]);
    EXPECT_EQ(hex(p.body.mr_owner_config), b["mr_owner_config"]);
    for (int i = 0; i < 4; ++i) EXPECT_EQ(hex(p.body.rtmr[static_cast<std::size_t>(i)]), b["rtmr" + std::to_string(i)]);
    EXPECT_EQ(hex(p.body.report_data), b["report_data"]);
    EXPECT_EQ(p.body.td_attributes.debug(), b["td_attributes_bits"]["debug(0)"].get<bool>());
    EXPECT_EQ(p.body.td_attributes.sept_ve_disable(), b["td_attributes_bits"]["sept_ve_disable(28)"].get<bool>());
    EXPECT_EQ(p.body.td_attributes.pks(), b["td_attributes_bits"]["pks(30)"].get<bool>());
    EXPECT_EQ(p.body.td_attributes.kl(), b["td_attributes_bits"]["key_locker(31)"].get<bool>());
    EXPECT_EQ(p.body.td_attributes.perfmon(), b["td_attributes_bits"]["perfmon(63)"].get<bool>());
    if (b.contains("tee_tcb_svn_2")) {
      ASSERT_TRUE(p.body.tee_tcb_svn_2);
      EXPECT_EQ(hex(*p.body.tee_tcb_svn_2), b["tee_tcb_svn_2"]);
      ASSERT_TRUE(p.body.mr_servicetd);
      EXPECT_EQ(hex(*p.body.mr_servicetd), b["mr_servicetd"]);
    } else {
      EXPECT_FALSE(p.body.tee_tcb_svn_2);
    }
    EXPECT_EQ(p.signed_region.size(), f["signed_region"][1].get<std::size_t>());
    EXPECT_EQ(p.signed_region, read_file(vec / "derived" / dir / (name + ".signed_region.bin")));
    EXPECT_EQ(p.trailing_bytes, f["trailing_bytes_after_sig_data"].get<std::size_t>());
    const auto& s = f["sig_data"];
    EXPECT_EQ(hex(p.quote_signature), s["quote_signature"]);
    EXPECT_EQ(hex(p.attestation_key), s["attestation_key"]);
    EXPECT_EQ(hex(p.qe_report_signature), s["qe_report_sig"]);
    EXPECT_EQ(crypto::hex_encode(p.qe_auth_data), s["qe_auth_data"]);
    EXPECT_EQ(p.pck_chain_trailing_nul, s["pck_chain_trailing_nul"].get<bool>());
    EXPECT_EQ(p.qe_report_bytes, read_file(vec / "derived" / dir / (name + ".qe_report.bin")));
    const auto& r = f["qe_report"];
    EXPECT_EQ(hex(p.qe_report.mr_signer), r["mr_signer"]);
    EXPECT_EQ(hex(p.qe_report.mr_enclave), r["mr_enclave"]);
    EXPECT_EQ(hex(p.qe_report.attributes), r["attributes"]);
    EXPECT_EQ(p.qe_report.isv_prod_id, r["isv_prod_id"].get<int>());
    EXPECT_EQ(p.qe_report.isv_svn, r["isv_svn"].get<int>());
    EXPECT_EQ(hex(p.qe_report.report_data), r["report_data"]);
    // The chain in the quote is the extracted chain (trailing NUL dropped).
    EXPECT_EQ(p.pck_chain_pem, test::read_text(vec / (q + ".pck_chain.pem")));
  }
}

TEST(TdxParse, PckExtensionsMatchTheExtractedFields) {
  TDX_REQUIRE_VECTORS(vec);
  for (const auto& q : kQuotes) {
    SCOPED_TRACE(q);
    const auto dir = q.substr(0, q.find('/'));
    const auto name = q.substr(q.find('/') + 1);
    if (!std::filesystem::exists(vec / (q + ".pck_leaf.pem"))) continue;
    auto leaf = crypto::Certificate::from_file((vec / (q + ".pck_leaf.pem")).string());
    ASSERT_TRUE(leaf) << leaf.message();
    auto ext = parse_pck_extensions(*leaf);
    ASSERT_TRUE(ext) << ext.message();
    const auto f = test::read_json(vec / "derived" / dir / (name + ".fields.json"))["pck_sgx_extension"];
    EXPECT_EQ(crypto::hex_encode(ext->ppid), f["ppid"]);
    EXPECT_EQ(ext->pce_svn, f["pcesvn"].get<int>());
    EXPECT_EQ(hex(ext->cpu_svn), f["cpusvn"]);
    EXPECT_EQ(hex(ext->fmspc), f["fmspc"]);
    EXPECT_EQ(hex(ext->pce_id), f["pceid"]);
    EXPECT_EQ(ext->sgx_type, f["sgx_type"].get<std::uint64_t>());
    for (std::size_t i = 0; i < 16; ++i) EXPECT_EQ(ext->sgx_tcb_svn[i], f["sgx_tcb_comp_svn"][i].get<int>());
  }
}

// go-tdx-guest asserts these for spr_e4 (PROVENANCE.md).
TEST(TdxParse, SprE4PckExtensionAsGoTdxGuestAsserts) {
  TDX_REQUIRE_VECTORS(vec);
  auto leaf = crypto::Certificate::from_file((vec / "go-tdx-guest/quote_v4_spr_e4.pck_leaf.pem").string());
  ASSERT_TRUE(leaf);
  auto ext = parse_pck_extensions(*leaf);
  ASSERT_TRUE(ext) << ext.message();
  EXPECT_EQ(hex(ext->fmspc), "50806f000000");
  EXPECT_EQ(hex(ext->pce_id), "0000");
  EXPECT_EQ(ext->pce_svn, 11);
  EXPECT_EQ(hex(ext->cpu_svn), "03030202020100020000000000000000");
  EXPECT_EQ(crypto::hex_encode(ext->ppid), "089ddfdb9c0359c82a3bc7719239574e");
}

TEST(TdxParse, EveryTruncationIsRejected) {
  TDX_REQUIRE_VECTORS(vec);
  for (const char* q : {"go-tdx-guest/quote_v4_spr_e4.dat", "trustee/quote_v5_tdx15.dat"}) {
    SCOPED_TRACE(q);
    Bytes bytes = read_file(vec / q);
    auto full = parse_tdx_quote(bytes);
    ASSERT_TRUE(full);
    const std::size_t end = bytes.size() - full->trailing_bytes;  // bytes after sig data are ignored
    for (std::size_t n = 0; n < end; ++n) {
      auto r = parse_tdx_quote(ByteView(bytes.data(), n));
      ASSERT_FALSE(r) << "truncated to " << n << " bytes was accepted";
    }
  }
}

class TdxMalformed : public ::testing::Test {
 protected:
  void SetUp() override {
    auto vec = test::vectors();
    if (!vec) GTEST_SKIP() << "CCHOST_VECTORS is not set: skipped";
    v4_ = read_file(*vec / "go-tdx-guest/quote_v4_spr_e4.dat");
    v5_ = read_file(*vec / "trustee/quote_v5_tdx15.dat");
  }
  static void put16(Bytes& b, std::size_t off, std::uint16_t v) {
    b[off] = static_cast<std::uint8_t>(v);
    b[off + 1] = static_cast<std::uint8_t>(v >> 8);
  }
  static void put32(Bytes& b, std::size_t off, std::uint32_t v) {
    for (std::size_t i = 0; i < 4; ++i) b[off + i] = static_cast<std::uint8_t>(v >> (8 * i));
  }
  static std::string error_of(const Bytes& b) {
    auto r = parse_tdx_quote(b);
    return r ? std::string("accepted") : r.message();
  }
  Bytes v4_, v5_;
};

TEST_F(TdxMalformed, HeaderFields) {
  Bytes b = v4_;
  put16(b, 0, 3);
  EXPECT_EQ(error_of(b), "TDX quote: version must be 4 or 5, got 3");
  b = v4_;
  put16(b, 2, 3);
  EXPECT_NE(error_of(b).find("attestation key type must be 2"), std::string::npos);
  b = v4_;
  put32(b, 4, 0);
  EXPECT_NE(error_of(b).find("TEE type must be 0x81 (TDX), got 0x0"), std::string::npos);
}

TEST_F(TdxMalformed, V5BodyTypeAndSize) {
  Bytes b = v5_;
  put16(b, 0x30, 1);
  EXPECT_NE(error_of(b).find("body type must be 2 (TDX 1.0) or 3 (TDX 1.5), got 1"), std::string::npos);
  b = v5_;
  put32(b, 0x32, 584);
  EXPECT_NE(error_of(b).find("body size for type 3 must be 648, got 584"), std::string::npos);
  // A v5 quote relabelled as v4 is not silently read with shifted fields.
  b = v5_;
  put16(b, 0, 4);
  EXPECT_NE(error_of(b), "accepted");
}

TEST_F(TdxMalformed, SignatureDataLength) {
  Bytes b = v4_;
  put32(b, 0x278, 0xFFFFFFFF);
  EXPECT_NE(error_of(b).find("signature data at 0x27C needs 4294967295 bytes"), std::string::npos);
  b = v4_;
  b[0x278] = 0x10;  // go-tdx-guest TestNegativeVerification: a wrong length
  EXPECT_NE(error_of(b), "accepted");
}

TEST_F(TdxMalformed, CertificationDataTypesAndSizes) {
  const std::size_t s = 0x27C;
  Bytes b = v4_;
  put16(b, s + 0x80, 5);
  EXPECT_NE(error_of(b).find("certification data type must be 6"), std::string::npos);
  b = v4_;
  put32(b, s + 0x82, 100);
  EXPECT_NE(error_of(b).find("certification data size must equal"), std::string::npos);
  b = v4_;
  put16(b, s + 0x86 + 0x1C0, 0xFFFF);  // QE auth data size beyond the data
  EXPECT_NE(error_of(b).find("QE auth data at"), std::string::npos);
  b = v4_;
  put16(b, s + 0x86 + 0x1C2 + 32, 6);  // inner type must be 5
  EXPECT_NE(error_of(b).find("must be 5 (PCK certificate chain), got 6"), std::string::npos);
  b = v4_;
  put32(b, s + 0x86 + 0x1C4 + 32, 10);
  EXPECT_NE(error_of(b).find("PCK chain size must equal"), std::string::npos);
}

TEST_F(TdxMalformed, NulInsideThePckChain) {
  Bytes b = v4_;
  const std::size_t chain = 0x27C + 0x86 + 0x1C8 + 32;
  b[chain + 10] = 0;
  EXPECT_EQ(error_of(b), "TDX quote: PCK chain holds a NUL byte before its end");
}

TEST(TdxParseCertData, ShortInputsAreRejected) {
  TdxQuote out;
  for (std::size_t n : {0u, 383u, 384u, 448u, 449u, 450u}) {
    Bytes b(n, 0);
    EXPECT_FALSE(parse_qe_certification_data(b, 0, out)) << n;
  }
}

}  // namespace
}  // namespace cchost::tdx
