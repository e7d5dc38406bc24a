// Claims of verified genuine reports: names, types and the values case.toml lists.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "claims.hpp"
#include "snp_test_support.hpp"
#include "verifier.hpp"

namespace cchost::snp {
namespace {

nlohmann::json claims_of(const test::VectorCase& c) {
  SnpVerifier verifier;
  VerifyOptions o;
  o.at = c.at;
  auto r = verifier.verify(c.report, c.collateral, o);
  if (auto* f = std::get_if<ChainFailure>(&r)) {
    ADD_FAILURE() << c.name << ": " << f->message;
    return {};
  }
  const auto& v = std::get<VerifiedReport>(r);
  return nlohmann::json::parse(make_report_claims(v.report, v.product, v.simulated).to_json());
}

TEST(SnpClaims, GenuineCasesCarryTheirExpectedClaims) {
  SNP_REQUIRE_VECTORS(snp);
  for (const auto& name : test::case_names(snp)) {
    const auto c = test::load_case(snp, name);
    if (!c.expect_verified) continue;
    SCOPED_TRACE(name);
    const auto j = claims_of(c);
    ASSERT_TRUE(j.contains("records"));
    EXPECT_EQ(j["namespace"], "x-snp");
    EXPECT_EQ(j["simulated"], false);
    const auto& cl = j["records"][0]["claims"];
    auto value = [&](const char* n) { return cl.at(n).at("value"); };
    EXPECT_EQ(value("snp.product"), c.claims["product"].value_or(std::string()));
    EXPECT_EQ(value("snp.version"), c.claims["version"].value_or(0));
    EXPECT_EQ(value("snp.guest_svn"), c.claims["guest_svn"].value_or(0));
    EXPECT_EQ(value("snp.policy"), c.claims["policy"].value_or(std::int64_t{0}));
    EXPECT_EQ(value("snp.policy.debug"), c.claims["debug"].value_or(true));
    EXPECT_EQ(value("snp.vmpl"), c.claims["vmpl"].value_or(99));
    EXPECT_EQ(value("snp.signing_key"), c.claims["signing_key"].value_or(std::string()));
    for (const char* hex : {"measurement", "host_data", "report_data", "chip_id"}) {
      EXPECT_EQ(value((std::string("snp.") + hex).c_str()), c.claims[hex].value_or(std::string()))
          << hex;
      EXPECT_EQ(cl.at(std::string("snp.") + hex).at("type"), "hex");
    }
    const auto* tcb = c.claims["reported_tcb"].as_table();
    ASSERT_NE(tcb, nullptr);
    for (const auto& [k, v] : *tcb) {
      const std::string claim = "snp.reported_tcb." + std::string(k.str());
      ASSERT_TRUE(cl.contains(claim)) << claim;
      EXPECT_EQ(cl[claim]["value"], v.value_or(-1)) << claim;
      EXPECT_EQ(cl[claim]["type"], "int");
    }
    EXPECT_EQ(cl.contains("snp.reported_tcb.fmc"), c.claims["product"].value_or(std::string()) == "Turin");
    EXPECT_EQ(cl.at("snp.policy.debug").at("type"), "bool");
    EXPECT_EQ(cl.at("snp.current_version").at("type"), "version");
  }
}

TEST(SnpClaims, EveryContractNameIsPresent) {
  SNP_REQUIRE_VECTORS(snp);
  const auto j = claims_of(test::load_case(snp, "tav_turin_v5"));
  const auto& cl = j["records"][0]["claims"];
  for (const char* name :
       {"snp.version", "snp.guest_svn", "snp.policy", "snp.policy.abi_major", "snp.policy.abi_minor",
        "snp.policy.smt", "snp.policy.migrate_ma", "snp.policy.debug", "snp.policy.single_socket",
        "snp.policy.cxl_allow", "snp.policy.mem_aes_256_xts", "snp.policy.rapl_dis",
        "snp.policy.ciphertext_hiding", "snp.policy.page_swap_disable", "snp.family_id",
        "snp.image_id", "snp.vmpl", "snp.signature_algo", "snp.platform_info",
        "snp.platform_info.smt_en", "snp.platform_info.tsme_en", "snp.platform_info.ecc_en",
        "snp.platform_info.rapl_dis", "snp.platform_info.ciphertext_hiding_en",
        "snp.platform_info.alias_check_complete", "snp.platform_info.tio_en", "snp.author_key_en",
        "snp.mask_chip_key", "snp.signing_key", "snp.report_data", "snp.measurement",
        "snp.host_data", "snp.id_key_digest", "snp.author_key_digest", "snp.report_id",
        "snp.report_id_ma", "snp.chip_id", "snp.current_tcb.fmc", "snp.reported_tcb.bootloader",
        "snp.committed_tcb.microcode", "snp.launch_tcb.snp", "snp.current_version",
        "snp.committed_version", "snp.launch_mit_vector", "snp.current_mit_vector", "snp.product",
        "snp.cpuid_fam_id", "snp.cpuid_mod_id", "snp.cpuid_step"}) {
    EXPECT_TRUE(cl.contains(name)) << name;
  }
  EXPECT_EQ(cl["snp.current_mit_vector"]["value"], 0x3f);
  EXPECT_EQ(cl["snp.platform_info"]["value"], 0x65);
  EXPECT_EQ(cl["snp.cpuid_fam_id"]["value"], 0x1A);
  EXPECT_EQ(cl["snp.current_version"]["value"], "1.55.65");
}

TEST(SnpClaims, V2HasNoCpuidOrMitigationClaimsAndMilanNoFmc) {
  SNP_REQUIRE_VECTORS(snp);
  const auto j = claims_of(test::load_case(snp, "gsg_milan_v2_debug"));
  const auto& cl = j["records"][0]["claims"];
  EXPECT_FALSE(cl.contains("snp.cpuid_fam_id"));
  EXPECT_FALSE(cl.contains("snp.launch_mit_vector"));
  EXPECT_FALSE(cl.contains("snp.reported_tcb.fmc"));
  EXPECT_EQ(cl["snp.policy.debug"]["value"], true);
  EXPECT_EQ(cl["snp.policy.smt"]["value"], true);
  EXPECT_EQ(cl["snp.report_id_ma"]["value"], std::string(64, 'f'));
}

}  // namespace
}  // namespace cchost::snp
