// The host's check of plugin claims JSON ("cchost.claims/v1", sdk/README.md): each rule has a
// case that passes and one that must fail.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cchost/plugin/claims_check.hpp"

namespace cchost::plugin {
namespace {

using ::testing::HasSubstr;

std::string doc_with_claims(const std::string& claims) {
  return R"({"schema":"cchost.claims/v1","namespace":"x-t","simulated":false,"issued_at":5,"claims":{)" +
         claims + "}}";
}

TEST(PluginClaimsCheck, AcceptsEveryTypedValue) {
  auto s = check_claims_json(doc_with_claims(
      R"("t.b":{"type":"bool","value":true},"t.i":{"type":"int","value":-3},)"
      R"("t.s":{"type":"string","value":""},"t.h":{"type":"hex","value":"00ff"},)"
      R"("t.v":{"type":"version","value":"550.54.15"})"), "x-t");
  EXPECT_TRUE(s.ok()) << s.message();
}

TEST(PluginClaimsCheck, RefusesWrongShapes) {
  struct Case {
    std::string json, why;
  };
  const std::vector<Case> cases = {
      {"not json", "not a JSON object"},
      {"[]", "not a JSON object"},
      {R"({"schema":"v2","namespace":"x-t","claims":{}})", "expected schema"},
      {R"({"schema":"cchost.claims/v1","namespace":"x-other","claims":{}})", "expected namespace \"x-t\""},
      {R"({"schema":"cchost.claims/v1","namespace":"x-t"})", "\"claims\" is missing"},
      {R"({"schema":"cchost.claims/v1","namespace":"x-t","simulated":"no","claims":{}})", "\"simulated\""},
      {R"({"schema":"cchost.claims/v1","namespace":"x-t","issued_at":"now","claims":{}})", "\"issued_at\""},
      {doc_with_claims(R"("T.Upper":{"type":"bool","value":true})"), "name: expected"},
      {doc_with_claims(R"("t.b":true)"), "expected {\"type\""},
      {doc_with_claims(R"("t.b":{"type":"bool","value":1})"), "type bool"},
      {doc_with_claims(R"("t.i":{"type":"int","value":1.5})"), "type int"},
      {doc_with_claims(R"("t.s":{"type":"string","value":3})"), "type string"},
      {doc_with_claims(R"("t.h":{"type":"hex","value":"ABCD"})"), "type hex"},
      {doc_with_claims(R"("t.h":{"type":"hex","value":"abc"})"), "type hex"},
      {doc_with_claims(R"("t.v":{"type":"version","value":"1..2"})"), "type version"},
      {doc_with_claims(R"("t.v":{"type":"version","value":"v1.2"})"), "type version"},
      {doc_with_claims(R"("t.x":{"type":"float","value":1})"), "expected bool, int, string, hex or version"},
  };
  for (const auto& c : cases) {
    auto s = check_claims_json(c.json, "x-t");
    ASSERT_FALSE(s.ok()) << c.json;
    EXPECT_THAT(s.message(), HasSubstr(c.why)) << c.json;
  }
}

}  // namespace
}  // namespace cchost::plugin
