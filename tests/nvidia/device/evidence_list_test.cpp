// NVIDIA's evidence-list JSON: the genuine files NVIDIA's tools wrote decode to the reports and
// chains beside them; a round trip through our writer is lossless; malformed lists are refused
// naming the entry and the field.
#include <gtest/gtest.h>

#include "cchost/crypto/encoding.hpp"
#include "evidence/evidence_list.hpp"
#include "nv_vectors.hpp"

namespace cchost::nv {
namespace {

using test::read_file;
using test::read_text;

TEST(EvidenceList, GenuineListsDecodeToTheDevicesBesideThem) {
  NV_REQUIRE_VECTORS(v);
  for (const char* dir : {"gpu/atsdk_multi_gpu_hopper_4x", "topology/ppcie_8gpu_4switch/gpus",
                          "topology/ppcie_8gpu_4switch/switches", "switch/atsdk_ls10_evidence_json"}) {
    SCOPED_TRACE(dir);
    if (!std::filesystem::exists(v / dir / "evidence.json")) continue;
    auto list = parse_evidence_list(read_text(v / dir / "evidence.json"));
    ASSERT_TRUE(list) << list.message();
    const auto devices = test::device_folders(v / dir);
    ASSERT_EQ(list->size(), devices.size());
    for (std::size_t i = 0; i < devices.size(); ++i) {
      EXPECT_EQ((*list)[i].report, read_file(devices[i] / "report.bin")) << i;
    }
    auto again = parse_evidence_list(write_evidence_list(*list));
    ASSERT_TRUE(again) << again.message();
    ASSERT_EQ(again->size(), list->size());
    for (std::size_t i = 0; i < list->size(); ++i) {
      EXPECT_EQ((*again)[i].report, (*list)[i].report);
      EXPECT_EQ((*again)[i].certificate_pem, (*list)[i].certificate_pem);
      EXPECT_EQ((*again)[i].arch, (*list)[i].arch);
      EXPECT_EQ((*again)[i].nonce, (*list)[i].nonce);
    }
  }
}

TEST(EvidenceList, MalformedListsNameTheProblem) {
  const std::string ok_entry = R"({"arch":"HOPPER","evidence":"AAAA","certificate":"AAAA"})";
  struct Case { std::string json; const char* needle; };
  const Case cases[] = {
      {"", "not JSON"},
      {"{}", "array"},
      {"[]", "no device"},
      {"[1]", "must be an object"},
      {R"([{"evidence":"AAAA","certificate":"AAAA"}])", "\"arch\" is missing"},
      {R"([{"arch":"HOPPER","certificate":"AAAA"}])", "\"evidence\" is missing"},
      {R"([{"arch":"HOPPER","evidence":"AAAA"}])", "\"certificate\" is missing"},
      {R"([{"arch":7,"evidence":"AAAA","certificate":"AAAA"}])", "must be a string"},
      {R"([{"arch":"HOPPER","evidence":"%%%%","certificate":"AAAA"}])", "not base64"},
      {R"([{"arch":"HOPPER","evidence":"","certificate":"AAAA"}])", "empty"},
      {R"([{"arch":"HOPPER","evidence":"AAAA","certificate":"AAAA","nonce":"00"}])", "64 hex digits"},
      {R"([{"arch":"HOPPER","evidence":"AAAA","certificate":"AAAA","x5u":"http://evil"}])", "unknown field"},
      {"[" + ok_entry + "," + R"({"arch":"","evidence":"AAAA","certificate":"AAAA"})" + "]", "evidence[1]"},
      {R"([{"arch":"HOPPER","evidence":")" + std::string(20000, 'A') + R"(","certificate":"AAAA"}])", "exceeds"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.json.substr(0, 120));
    auto r = parse_evidence_list(c.json);
    ASSERT_FALSE(r);
    EXPECT_NE(r.message().find(c.needle), std::string::npos) << r.message();
  }
  std::string many = "[";
  for (std::size_t i = 0; i <= kMaxDevices; ++i) many += (i ? "," : "") + ok_entry;
  many += "]";
  auto r = parse_evidence_list(many);
  ASSERT_FALSE(r);
  EXPECT_NE(r.message().find("at most"), std::string::npos) << r.message();
}

}  // namespace
}  // namespace cchost::nv
