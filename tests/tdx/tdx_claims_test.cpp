// Claims of a TDX 1.5 quote (v5, body type 3): TEE_TCB_SVN_2 and MR_SERVICETD appear, and the
// TD_ATTRIBUTES bits decode; a TDX 1.0 body reports an all-zero MR_SERVICETD and no SVN_2.
#include <gtest/gtest.h>

#include "claims.hpp"
#include "tdx_test_support.hpp"

namespace cchost::tdx {
namespace {

nlohmann::json claims_of(const Bytes& quote) {
  auto parsed = parse_tdx_quote(quote);
  if (!parsed) std::abort();
  VerifiedQuote v;
  v.quote = *parsed;
  v.pck_ca = "platform";
  v.tcb.status = "UpToDate";
  v.tcb.platform_status = "UpToDate";
  v.tcb.tcb_date_time = test::at("2024-03-13T00:00:00Z");
  v.tcb.advisory_ids = {"INTEL-SA-00960", "INTEL-SA-00837"};
  v.qe.status = "UpToDate";
  return nlohmann::json::parse(make_quote_claims(v, 0).to_json())["records"][0]["claims"];
}

TEST(TdxClaims, Tdx15FieldsAreClaims) {
  TDX_REQUIRE_VECTORS(vec);
  const auto c = claims_of(test::read_file(vec / "trustee/quote_v5_tdx15.dat"));
  const auto f = test::read_json(vec / "derived/trustee/quote_v5_tdx15.fields.json")["body"];
  EXPECT_EQ(c["tdx.version"]["value"], 5);
  EXPECT_EQ(c["tdx.body_type"]["value"], 3);
  EXPECT_EQ(c["tdx.tee_tcb_svn_2"]["value"], f["tee_tcb_svn_2"]);
  EXPECT_EQ(c["tdx.mr_servicetd"]["value"], f["mr_servicetd"]);
  EXPECT_EQ(c["tdx.report_data"]["value"], f["report_data"]);  // read at the v5 offsets, not shifted
  EXPECT_EQ(c["tdx.sept_ve_disable"]["value"], true);
  EXPECT_EQ(c["tdx.debug"]["value"], false);
  EXPECT_EQ(c["tdx.advisory_ids"]["value"], "INTEL-SA-00837,INTEL-SA-00960");
  EXPECT_EQ(c["tdx.advisory_count"]["value"], 2);
  EXPECT_EQ(c["tdx.tcb_date_ymd"]["value"], "2024.3.13");
}

TEST(TdxClaims, Tdx10BodyHasZeroServiceTdAndNoSvn2) {
  TDX_REQUIRE_VECTORS(vec);
  const auto c = claims_of(test::read_file(vec / "go-tdx-guest/quote_v4_spr_e4.dat"));
  EXPECT_FALSE(c.contains("tdx.tee_tcb_svn_2"));
  EXPECT_EQ(c["tdx.mr_servicetd"]["value"], std::string(96, '0'));
  EXPECT_EQ(c["tdx.pks"]["value"], true);  // TD_ATTRIBUTES 0x40000000
  EXPECT_EQ(c["tdx.td_attributes_known_only"]["value"], true);
  EXPECT_EQ(c["tdx.xfam_valid"]["value"], true);
}

}  // namespace
}  // namespace cchost::tdx
