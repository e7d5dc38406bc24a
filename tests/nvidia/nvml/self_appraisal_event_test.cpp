// The attest.self_appraisal on_event document as the GPU plugin reads it, and the activation
// decision: ready only when accepted and our own namespace's evidence was appraised.
#include <gtest/gtest.h>

#include "nvml/self_appraisal_event.hpp"

namespace cchost::nv {
namespace {

std::string document(const std::string& payload, const std::string& name = "attest.self_appraisal") {
  return R"({"name":")" + name + R"(","sequence":3,"time":1700000000,"payload":)" + payload + "}";
}

TEST(SelfAppraisalEvent, AnAcceptedAppraisalWithOurNamespaceActivates) {
  auto e = parse_self_appraisal_event(document(R"({"accepted":true,"namespaces":["x-snp","x-nv-gpu"],"failed_rules":[],"reasons":[]})"));
  ASSERT_TRUE(e.ok()) << e.message();
  const auto d = decide_activation(*e, "x-nv-gpu");
  EXPECT_TRUE(d.activate);
  EXPECT_EQ(d.reason, "x-nv-gpu evidence verified and passed own policy");
}

TEST(SelfAppraisalEvent, ARejectionDoesNotActivateAndSaysWhich) {
  auto e = parse_self_appraisal_event(document(
      R"({"accepted":false,"namespaces":["x-nv-gpu"],"failed_rules":["nvgpu.measres"],"reasons":["gpu-measres: expected success"]})"));
  ASSERT_TRUE(e.ok()) << e.message();
  const auto d = decide_activation(*e, "x-nv-gpu");
  EXPECT_FALSE(d.activate);
  EXPECT_EQ(d.reason, "own evidence rejected: failed nvgpu.measres (gpu-measres: expected success)");
}

TEST(SelfAppraisalEvent, AnAcceptedBundleWithoutOurEvidenceDoesNotActivate) {
  auto e = parse_self_appraisal_event(document(R"({"accepted":true,"namespaces":["x-snp"],"failed_rules":[],"reasons":[]})"));
  ASSERT_TRUE(e.ok()) << e.message();
  const auto d = decide_activation(*e, "x-nv-gpu");
  EXPECT_FALSE(d.activate);
  EXPECT_NE(d.reason.find("carried no x-nv-gpu evidence"), std::string::npos) << d.reason;
}

TEST(SelfAppraisalEvent, MalformedDocumentsAreRefusedNamingTheField) {
  struct Case {
    std::string json;
    std::string error;
  };
  const std::vector<Case> cases = {
      {"not json", "expected a JSON object"},
      {"[]", "expected a JSON object"},
      {document(R"({"accepted":true,"namespaces":[],"failed_rules":[],"reasons":[]})", "job.decided"),
       R"(name: expected "attest.self_appraisal", got "job.decided")"},
      {R"({"payload":{}})", "name: expected \"attest.self_appraisal\", got nothing"},
      {document("[]"), "payload: expected an object"},
      {document(R"({"namespaces":[],"failed_rules":[],"reasons":[]})"), "payload.accepted: expected a boolean, got nothing"},
      {document(R"({"accepted":"yes","namespaces":[],"failed_rules":[],"reasons":[]})"), "payload.accepted: expected a boolean, got string"},
      {document(R"({"accepted":true,"failed_rules":[],"reasons":[]})"), "payload.namespaces: expected a list of strings, got nothing"},
      {document(R"({"accepted":true,"namespaces":"x-nv-gpu","failed_rules":[],"reasons":[]})"), "payload.namespaces: expected a list, got string"},
      {document(R"({"accepted":true,"namespaces":[1],"failed_rules":[],"reasons":[]})"), "payload.namespaces: expected strings, got number"},
      {document(R"({"accepted":false,"namespaces":[],"failed_rules":[null],"reasons":[]})"), "payload.failed_rules: expected strings, got null"},
      {document(R"({"accepted":false,"namespaces":[],"failed_rules":[]})"), "payload.reasons: expected a list of strings, got nothing"},
  };
  for (const auto& c : cases) {
    auto e = parse_self_appraisal_event(c.json);
    ASSERT_FALSE(e.ok()) << c.json;
    EXPECT_NE(e.message().find(c.error), std::string::npos) << c.json << " -> " << e.message();
  }
}

TEST(SelfAppraisalEvent, OversizedDocumentsAndListsAreRefused) {
  auto big = parse_self_appraisal_event(std::string(kMaxSelfAppraisalEventBytes + 1, ' '));
  ASSERT_FALSE(big.ok());
  EXPECT_NE(big.message().find("expected at most 1048576 bytes"), std::string::npos) << big.message();
  std::string many = "[";
  for (std::size_t i = 0; i <= kMaxSelfAppraisalItems; ++i) many += std::string(i ? "," : "") + "\"r\"";
  many += "]";
  auto list = parse_self_appraisal_event(document(R"({"accepted":false,"namespaces":[],"failed_rules":[],"reasons":)" + many + "}"));
  ASSERT_FALSE(list.ok());
  EXPECT_NE(list.message().find("payload.reasons: expected at most 1024 items, got 1025"), std::string::npos) << list.message();
}

}  // namespace
}  // namespace cchost::nv
