// The SPDM report parser against our own independent parse of every genuine report
// (parsed.json beside each report.bin), NVIDIA's SDK's expected parse of one report, and
// malformed input: every truncation, trailing bytes, wrong codes, inconsistent lengths.
#include <gtest/gtest.h>

#include "cchost/crypto/encoding.hpp"
#include "nv_vectors.hpp"
#include "spdm/spdm_report.hpp"

namespace cchost::nv {
namespace {

using test::read_file;
using test::read_text;

std::string hex(ByteView b) { return crypto::hex_encode(b); }

TEST(SpdmReport, EveryGenuineReportMatchesItsIndependentParse) {
  NV_REQUIRE_VECTORS(v);
  const auto folders = test::device_folders(v);
  ASSERT_GE(folders.size(), 10u);
  for (const auto& dir : folders) {
    SCOPED_TRACE(dir.string());
    const Bytes bytes = read_file(dir / "report.bin");
    auto report = parse_spdm_report(bytes);
    ASSERT_TRUE(report) << report.message();
    const auto expected = nlohmann::json::parse(read_text(dir / "parsed.json"));
    EXPECT_EQ(hex(report->request.nonce), expected["request"]["nonce"].get<std::string>());
    const auto& resp = expected["response"];
    EXPECT_EQ(report->response.number_of_blocks, resp["number_of_blocks"].get<int>());
    EXPECT_EQ(report->response.record_length, resp["measurement_record_length"].get<unsigned>());
    EXPECT_EQ(hex(report->response.responder_nonce), resp["response_nonce"].get<std::string>());
    EXPECT_EQ(report->response.opaque.size(), resp["opaque_length"].get<std::size_t>());
    EXPECT_EQ(hex(report->response.signature), resp["signature"].get<std::string>());
    EXPECT_EQ(report->signed_length, bytes.size() - kSpdmSignatureSize);
    if (resp.contains("offset_opaque_in_report")) {
      EXPECT_EQ(report->response.opaque_offset, resp["offset_opaque_in_report"].get<std::size_t>());
    }
    const auto& blocks = expected["measurement_blocks"];
    ASSERT_EQ(report->response.blocks.size(), blocks.size());
    for (const auto& [index, block] : blocks.items()) {
      const auto* b = report->block(static_cast<unsigned>(std::stoul(index)));
      ASSERT_NE(b, nullptr) << "block " << index;
      EXPECT_EQ(b->value_type, block["dmtf_type"].get<int>());
      EXPECT_EQ(b->value.size(), block["size"].get<std::size_t>());
      EXPECT_EQ(hex(b->value), block["value"].get<std::string>());
    }
  }
}

TEST(SpdmReport, MatchesNvidiaSdkExpectedParse) {
  NV_REQUIRE_VECTORS(v);
  NV_REQUIRE_DIR(v / "expected_parse");
  auto report = parse_spdm_report(read_file(v / "gpu/atsdk_hopper_580.159.03/report.bin"));
  ASSERT_TRUE(report) << report.message();
  const auto req = nlohmann::json::parse(read_text(v / "expected_parse/atsdk_spdm_req_parsed_output.json"));
  EXPECT_EQ("0x" + hex(report->request.nonce), req["Nonce"].get<std::string>());
  EXPECT_EQ(report->request.param1, 0x01);
  EXPECT_EQ(report->request.param2, 0xFF);
  const auto resp = nlohmann::json::parse(read_text(v / "expected_parse/atsdk_spdm_parsed_output.json"));
  EXPECT_EQ(report->response.number_of_blocks, resp["NumberOfBlocks"].get<int>());
  EXPECT_EQ(report->response.record_length, resp["MeasurementRecordLength"].get<unsigned>());
  EXPECT_EQ("0x" + hex(report->response.responder_nonce), resp["Nonce"].get<std::string>());
  EXPECT_EQ(report->response.opaque.size(), resp["OpaqueLength"].get<std::size_t>());
  EXPECT_EQ("0x" + hex(report->response.signature), resp["Signature"].get<std::string>());
  for (const auto& [index, block] : resp["MeasurementRecord"]["MeasurementBlocks"].items()) {
    const auto* b = report->block(static_cast<unsigned>(std::stoul(index)));
    ASSERT_NE(b, nullptr);
    EXPECT_EQ("0x" + hex(b->value), block["DMTFSpecMeasurementValue"].get<std::string>());
  }
}

class SpdmMalformed : public ::testing::Test {
 protected:
  void SetUp() override {
    auto v = test::nvidia_vectors();
    if (!v) GTEST_SKIP() << "CCHOST_VECTORS is not set (or has no nvidia/): skipped";
    report_ = read_file(*v / "gpu/atsdk_hopper_580.159.03/report.bin");
    ASSERT_EQ(report_.size(), 4130u);
  }
  Bytes report_;
};

TEST_F(SpdmMalformed, EveryTruncationIsRefused) {
  for (std::size_t n = 0; n < report_.size(); ++n) {
    auto r = parse_spdm_report(ByteView(report_.data(), n));
    ASSERT_FALSE(r) << "a report cut to " << n << " bytes parsed";
  }
}

TEST_F(SpdmMalformed, TrailingBytesAreRefused) {
  report_.push_back(0);
  auto r = parse_spdm_report(report_);
  ASSERT_FALSE(r);
  EXPECT_NE(r.message().find("after the signature"), std::string::npos) << r.message();
}

TEST_F(SpdmMalformed, WrongVersionsAndCodesNameTheField) {
  struct Case { std::size_t offset; const char* field; };
  for (auto c : {Case{0, "request SPDMVersion"}, Case{1, "request RequestResponseCode"}, Case{37, "response SPDMVersion"},
                 Case{38, "response RequestResponseCode"}}) {
    Bytes b = report_;
    b[c.offset] ^= 0x01;
    auto r = parse_spdm_report(b);
    ASSERT_FALSE(r);
    EXPECT_NE(r.message().find(c.field), std::string::npos) << r.message();
  }
}

TEST_F(SpdmMalformed, InconsistentLengthsAreRefused) {
  {  // NumberOfBlocks says one fewer than the record holds
    Bytes b = report_;
    b[37 + 4] = 63;
    auto r = parse_spdm_report(b);
    ASSERT_FALSE(r);
    EXPECT_NE(r.message().find("NumberOfBlocks"), std::string::npos) << r.message();
  }
  {  // zero blocks
    Bytes b = report_;
    b[37 + 4] = 0;
    EXPECT_FALSE(parse_spdm_report(b));
  }
  {  // record length larger than the report
    Bytes b = report_;
    b[37 + 7] = 0xFF;
    EXPECT_FALSE(parse_spdm_report(b));
  }
  {  // a block's MeasurementSize disagrees with its DMTF value size
    Bytes b = report_;
    b[45 + 2] = 52;
    EXPECT_FALSE(parse_spdm_report(b));
  }
  {  // a measurement specification other than DMTF
    Bytes b = report_;
    b[45 + 1] = 0x02;
    auto r = parse_spdm_report(b);
    ASSERT_FALSE(r);
    EXPECT_NE(r.message().find("MeasurementSpecification"), std::string::npos) << r.message();
  }
  {  // block index 0
    Bytes b = report_;
    b[45] = 0;
    EXPECT_FALSE(parse_spdm_report(b));
  }
  {  // a duplicated index
    Bytes b = report_;
    b[45 + 55] = b[45];
    auto r = parse_spdm_report(b);
    ASSERT_FALSE(r);
    EXPECT_NE(r.message().find("twice"), std::string::npos) << r.message();
  }
  {  // opaque length 0 is refused (NVIDIA's own verifier requires device data)
    Bytes b = report_;
    const std::size_t at = 37 + 8 + 3520 + 32;
    b[at] = 0;
    b[at + 1] = 0;
    EXPECT_FALSE(parse_spdm_report(b));
  }
}

}  // namespace
}  // namespace cchost::nv
