// The exact-span JSON scanner and the collateral document parsers on malformed input.
#include <gtest/gtest.h>

#include "collateral_docs.hpp"
#include "json_span.hpp"

namespace cchost::tdx {
namespace {

TEST(TdxJson, SpansAreTheExactValueBytes) {
  const std::string doc = "{ \"tcbInfo\" : {\"a\": [1, 2.5e3, \"x\\\"y\"], \"b\":null} ,\"signature\":\"00\"}";
  auto m = json_top_level_members(doc);
  ASSERT_TRUE(m) << m.message();
  EXPECT_EQ(m->at("tcbInfo"), "{\"a\": [1, 2.5e3, \"x\\\"y\"], \"b\":null}");
  EXPECT_EQ(m->at("signature"), "\"00\"");
}

TEST(TdxJson, MalformedDocumentsAreRejected) {
  for (const char* bad : {"", "[]", "{", "{\"a\":}", "{\"a\":1,}", "{\"a\":01}", "{\"a\":tru}", "{\"a\":\"\x01\"}",
                          "{\"a\":1} x", "{\"a\":1,\"a\":2}", "{\"a\\u0041\":1}", "{\"a\":\"\\q\"}", "{\"a\":[1 2]}"}) {
    EXPECT_FALSE(json_top_level_members(bad)) << bad;
  }
  std::string deep = "{\"a\":" + std::string(100, '[') + std::string(100, ']') + "}";
  EXPECT_FALSE(json_top_level_members(deep));
}

TEST(TdxJson, EnvelopeNeedsBodyAndSignatureOnly) {
  const std::string sig(128, '0');
  EXPECT_TRUE(parse_signed_document("{\"tcbInfo\":{},\"signature\":\"" + sig + "\"}", "tcbInfo"));
  EXPECT_FALSE(parse_signed_document("{\"tcbInfo\":{}}", "tcbInfo"));
  EXPECT_FALSE(parse_signed_document("{\"tcbInfo\":{},\"signature\":\"00\"}", "tcbInfo"));
  EXPECT_FALSE(parse_signed_document("{\"tcbInfo\":{},\"signature\":\"" + sig + "\",\"x\":1}", "tcbInfo"));
  EXPECT_FALSE(parse_signed_document("{\"enclaveIdentity\":{},\"signature\":\"" + sig + "\"}", "tcbInfo"));
}

TEST(TdxJson, TcbInfoFieldsAreChecked) {
  EXPECT_EQ(parse_tcb_info("{\"id\":\"SGX\"}").message(), "TCB Info: id must be \"TDX\", got \"SGX\"");
  EXPECT_EQ(parse_tcb_info("{\"id\":\"TDX\",\"version\":2}").message(), "TCB Info: version must be 3, got 2");
  EXPECT_NE(parse_tcb_info("{\"id\":\"TDX\",\"version\":3,\"issueDate\":\"yesterday\"}").message().find("RFC 3339"),
            std::string::npos);
  EXPECT_EQ(parse_qe_identity("{\"id\":\"QE\"}").message(), "QE Identity: id must be \"TD_QE\", got \"QE\"");
  EXPECT_FALSE(parse_tcb_info("not json"));
}

}  // namespace
}  // namespace cchost::tdx
