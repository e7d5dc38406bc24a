// The built snp_authorizer.so through the real C ABI (dlopen + cchost_authorizer_v2).
#include <dlfcn.h>
#include <unistd.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cchost/authorizer.h"
#include "cchost/crypto/x509.hpp"
#include "cert_table.hpp"
#include "evidence.hpp"
#include "snp_test_support.hpp"

namespace cchost::snp {
namespace {

class SnpPlugin : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    handle_ = dlopen(CCHOST_BINARY_DIR "/plugins/snp_authorizer.so", RTLD_NOW | RTLD_LOCAL);
    ASSERT_NE(handle_, nullptr) << dlerror();
    auto entry = reinterpret_cast<cchost_authorizer_entry_fn>(dlsym(handle_, CCHOST_AUTHORIZER_ENTRY));
    ASSERT_NE(entry, nullptr);
    table_ = entry();
  }
  static void TearDownTestSuite() {
    if (handle_) dlclose(handle_);
  }

  struct Created {
    int status;
    cchost_authorizer_ctx* ctx;
    std::string err;
  };
  Created create(const char* toml, const std::string& collateral_dir = {}) {
    char* err = nullptr;
    cchost_authorizer_ctx* ctx = nullptr;
    cchost_host_services_v2 host{};
    host.size = sizeof host;
    host.collateral_dir = collateral_dir.empty() ? nullptr : collateral_dir.c_str();
    host.log = [](void*, int, const char*) {};
    int rc = table_->create(toml, &host, &ctx, &err);
    std::string e = err ? err : "";
    table_->free_buffer(err);
    return {rc, ctx, e};
  }

  struct Verified {
    int status;
    std::string claims;
    std::string err;
  };
  // The collateral folder is the context's (ABI 2 host services): with a non-empty `dir` the
  // verification runs on a context created for that folder, otherwise on `ctx`.
  Verified verify(cchost_authorizer_ctx* ctx, const Bytes& token, const std::string& dir,
                  std::time_t at, const std::uint8_t* binding = nullptr) {
    Created scoped{CCHOST_OK, nullptr, ""};
    if (!dir.empty()) {
      scoped = create("", dir);
      if (scoped.status != CCHOST_OK) return {scoped.status, "", scoped.err};
      ctx = scoped.ctx;
    }
    char* claims = nullptr;
    char* err = nullptr;
    const cchost_verify_args_v2 args{sizeof(cchost_verify_args_v2), token.data(), token.size(), binding,
                                     binding ? std::size_t{64} : 0, at};
    int rc = table_->verify(ctx, &args, &claims, &err);
    Verified v{rc, claims ? claims : "", err ? err : ""};
    table_->free_buffer(claims);
    table_->free_buffer(err);
    if (scoped.ctx) table_->destroy(scoped.ctx);
    return v;
  }

  static int generate(cchost_authorizer_ctx* ctx, const std::uint8_t* binding, std::uint8_t** token,
                      std::size_t* len, char** err) {
    const cchost_generate_args_v2 args{sizeof(cchost_generate_args_v2), binding, 64};
    return table_->generate(ctx, &args, token, len, err);
  }

  // The single record's claims of a claims document.
  static nlohmann::json record_claims(const std::string& claims) {
    auto j = nlohmann::json::parse(claims);
    return j["records"].size() == 1 ? j["records"][0]["claims"] : nlohmann::json();
  }

  static void* handle_;
  static const cchost_authorizer_table_v2* table_;
};

void* SnpPlugin::handle_ = nullptr;
const cchost_authorizer_table_v2* SnpPlugin::table_ = nullptr;

TEST_F(SnpPlugin, ExportsTheV2Table) {
  EXPECT_EQ(table_->size, sizeof(cchost_authorizer_table_v2));
  EXPECT_EQ(table_->abi_version, CCHOST_AUTHORIZER_ABI_VERSION);
  EXPECT_STREQ(table_->ns, "x-snp");
  EXPECT_STREQ(table_->name, "AMD SEV-SNP");
  EXPECT_STREQ(table_->version, "0.2.0");
}

// describe() needs no context; its knob table is the whole [snp] vocabulary the host knows.
TEST_F(SnpPlugin, DescribeWithoutAContext) {
  char* json = nullptr;
  char* err = nullptr;
  ASSERT_EQ(table_->describe(&json, &err), CCHOST_OK);
  auto d = nlohmann::json::parse(json);
  table_->free_buffer(json);
  EXPECT_EQ(d["schema"], "cchost.describe/v1");
  EXPECT_EQ(d["namespace"], "x-snp");
  EXPECT_EQ(d["policy_section"], "snp");
  EXPECT_EQ(d["binding"]["size"], 64);
  bool has_debug = false;
  for (const auto& k : d["knobs"]) has_debug = has_debug || k["name"] == "debug";
  EXPECT_TRUE(has_debug);
  bool declares_debug_claim = false;
  for (const auto& c : d["claims"]) declares_debug_claim = declares_debug_claim || c["name"] == "snp.policy.debug";
  EXPECT_TRUE(declares_debug_claim);
}

TEST_F(SnpPlugin, RejectsUnknownAndIllTypedConfig) {
  auto typo = create("requre_crl = true\n");
  EXPECT_EQ(typo.status, CCHOST_E_INVALID_ARGUMENT);
  EXPECT_NE(typo.err.find("requre_crl: unknown key (expected one of"), std::string::npos) << typo.err;
  EXPECT_EQ(typo.ctx, nullptr);
  auto product = create("product = \"Rome\"\n");
  EXPECT_EQ(product.status, CCHOST_E_INVALID_ARGUMENT);
  EXPECT_NE(product.err.find("Rome"), std::string::npos);
  EXPECT_EQ(create("require_crl = \"yes\"\n").status, CCHOST_E_INVALID_ARGUMENT);
  EXPECT_EQ(create("sim_roots = [\"/nonexistent/ark.pem\"]\n").status, CCHOST_E_INVALID_ARGUMENT);
  EXPECT_EQ(create("not toml [").status, CCHOST_E_INVALID_ARGUMENT);
  auto ok = create("backend = \"auto\"\nproduct = \"Milan\"\nrequire_crl = false\n");
  ASSERT_EQ(ok.status, CCHOST_OK) << ok.err;
  table_->destroy(ok.ctx);
}

TEST_F(SnpPlugin, EveryVectorThroughTheAbi) {
  SNP_REQUIRE_VECTORS(snp);
  auto c = create("");
  ASSERT_EQ(c.status, CCHOST_OK) << c.err;
  for (const auto& name : test::case_names(snp)) {
    SCOPED_TRACE(name);
    auto vc = test::load_case(snp, name);
    auto v = verify(c.ctx, vc.report, vc.collateral.string(), vc.at);
    if (vc.expect_verified) {
      ASSERT_EQ(v.status, CCHOST_OK) << v.err;
      auto j = nlohmann::json::parse(v.claims);
      EXPECT_EQ(j["schema"], "cchost.claims/v2");
      ASSERT_EQ(j["records"].size(), 1u);
      EXPECT_EQ(j["records"][0]["class"], "cpu");
      const auto& claims = j["records"][0]["claims"];
      EXPECT_EQ(j["namespace"], "x-snp");
      EXPECT_EQ(j["simulated"], false);
      EXPECT_EQ(claims["snp.measurement"]["value"], vc.claims["measurement"].value_or(std::string()));
      EXPECT_EQ(claims["snp.policy"]["value"], vc.claims["policy"].value_or(std::int64_t{0}));
    } else {
      EXPECT_NE(v.status, CCHOST_OK);
      EXPECT_FALSE(v.err.empty());
      EXPECT_TRUE(v.claims.empty());
    }
  }
  EXPECT_EQ(verify(c.ctx, test::load_case(snp, "NEGATIVE_v4_no_vcek").report,
                   test::load_case(snp, "NEGATIVE_v4_no_vcek").collateral.string(), 1790000000)
                .status,
            CCHOST_E_COLLATERAL);
  table_->destroy(c.ctx);
}

TEST_F(SnpPlugin, StatusCodesForMalformedBindingAndMissingTime) {
  SNP_REQUIRE_VECTORS(snp);
  auto c = create("");
  ASSERT_EQ(c.status, CCHOST_OK);
  auto vc = test::load_case(snp, "gsg_milan_v2_debug");
  const std::string dir = vc.collateral.string();
  auto garbage = verify(c.ctx, Bytes(100, 0x41), dir, vc.at);
  EXPECT_EQ(garbage.status, CCHOST_E_MALFORMED);
  EXPECT_NE(garbage.err.find("1184"), std::string::npos) << garbage.err;
  EXPECT_EQ(verify(c.ctx, Bytes(), dir, vc.at).status, CCHOST_E_MALFORMED);
  std::uint8_t binding[64] = {1, 2, 3, 4, 5};
  EXPECT_EQ(verify(c.ctx, vc.report, dir, vc.at, binding).status, CCHOST_OK);
  binding[10] = 9;
  auto wrong = verify(c.ctx, vc.report, dir, vc.at, binding);
  EXPECT_EQ(wrong.status, CCHOST_E_VERIFY_FAILED);
  EXPECT_NE(wrong.err.find("REPORT_DATA"), std::string::npos);
  EXPECT_NE(verify(c.ctx, vc.report, dir, 0).status, CCHOST_OK);
  EXPECT_EQ(verify(c.ctx, vc.report, "/nonexistent/dir", vc.at).status, CCHOST_E_COLLATERAL);
  table_->destroy(c.ctx);
}

// The envelope carries the certificates: no collateral folder needed.
TEST_F(SnpPlugin, EnvelopeWithCertTableVerifiesWithoutCollateralDir) {
  SNP_REQUIRE_VECTORS(snp);
  auto c = create("");
  ASSERT_EQ(c.status, CCHOST_OK);
  auto vc = test::load_case(snp, "tav_turin_v5");
  auto der = [&](const char* file) {
    return crypto::Certificate::from_file((vc.collateral / file).string())->der();
  };
  const Bytes table = write_cert_table(
      {{kGuidVcek, der("vcek.der")}, {kGuidAsk, der("ask.pem")}, {kGuidArk, der("ark.pem")}});
  const Bytes token = encode_evidence(vc.report, table);
  auto v = verify(c.ctx, token, "", vc.at);
  ASSERT_EQ(v.status, CCHOST_OK) << v.err;
  EXPECT_EQ(record_claims(v.claims)["snp.reported_tcb.fmc"]["value"], 1);
  // The same envelope without the VCEK entry: collateral missing.
  const Bytes no_vcek = encode_evidence(vc.report, write_cert_table({{kGuidAsk, der("ask.pem")}}));
  EXPECT_EQ(verify(c.ctx, no_vcek, "", vc.at).status, CCHOST_E_COLLATERAL);
  table_->destroy(c.ctx);
}

// The context remembers parsed certificates and verified chains (issue 16): warm, it must still
// refuse a cert table whose VCEK lost one bit of its signature or belongs to another chip, and
// still accept the genuine table afterwards.
TEST_F(SnpPlugin, WarmCachesStillRefuseAChangedCertTable) {
  SNP_REQUIRE_VECTORS(snp);
  auto c = create("");
  ASSERT_EQ(c.status, CCHOST_OK);
  auto vc = test::load_case(snp, "tav_turin_v5");
  auto der = [&](const std::filesystem::path& file) { return crypto::Certificate::from_file(file.string())->der(); };
  const Bytes vcek = der(vc.collateral / "vcek.der"), ask = der(vc.collateral / "ask.pem"),
              ark = der(vc.collateral / "ark.pem");
  auto envelope = [&](const Bytes& leaf) {
    return encode_evidence(vc.report, write_cert_table({{kGuidVcek, leaf}, {kGuidAsk, ask}, {kGuidArk, ark}}));
  };
  for (int i = 0; i < 2; ++i) ASSERT_EQ(verify(c.ctx, envelope(vcek), "", vc.at).status, CCHOST_OK);
  Bytes flipped = vcek;
  flipped[flipped.size() - 8] ^= 0x01;  // inside the certificate's signature value
  EXPECT_EQ(verify(c.ctx, envelope(flipped), "", vc.at).status, CCHOST_E_VERIFY_FAILED);
  auto other = test::load_case(snp, "tav_milan_v3");
  EXPECT_NE(verify(c.ctx, envelope(der(other.collateral / "vcek.der")), "", vc.at).status, CCHOST_OK);
  EXPECT_EQ(verify(c.ctx, envelope(vcek), "", vc.at).status, CCHOST_OK);
  table_->destroy(c.ctx);
}

TEST_F(SnpPlugin, GenerateWithoutADeviceIsUnavailable) {
  auto c = create("backend = \"sev-guest\"\n");
  ASSERT_EQ(c.status, CCHOST_OK) << c.err;
  std::uint8_t binding[64] = {};
  std::uint8_t* token = nullptr;
  std::size_t len = 0;
  char* err = nullptr;
  int rc = generate(c.ctx, binding, &token, &len, &err);
  EXPECT_NE(rc, CCHOST_OK);
  EXPECT_EQ(token, nullptr);
  EXPECT_NE(err, nullptr);
  table_->free_buffer(err);
  table_->free_buffer(token);
  table_->destroy(c.ctx);
}

#if defined(CCHOST_SNP_HAVE_BACKENDS)
// generate() with the sim backend, then verify(): accepted only by a context that was given the
// simulated ARK, and then marked simulated; the report carries the binding.
TEST_F(SnpPlugin, SimEvidenceRoundTripsOnlyWithTheSimRoot) {
  char tmpl[] = "/tmp/cchost-snp-plugin-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string dir = tmpl;
  const std::string gen_cfg = "backend = \"sim\"\n[sim]\nca_dir = \"" + dir +
                              "/ca\"\ncreate_ca_if_missing = true\nproduct = \"Genoa\"\n"
                              "debug = true\nmeasurement = \"" + std::string(96, 'a') + "\"\n";
  auto gen = create(gen_cfg.c_str());
  ASSERT_EQ(gen.status, CCHOST_OK) << gen.err;
  std::uint8_t binding[64];
  for (int i = 0; i < 64; ++i) binding[i] = static_cast<std::uint8_t>(i);
  std::uint8_t* token = nullptr;
  std::size_t len = 0;
  char* err = nullptr;
  ASSERT_EQ(generate(gen.ctx, binding, &token, &len, &err), CCHOST_OK) << (err ? err : "");
  const Bytes evidence(token, token + len);
  table_->free_buffer(token);
  table_->destroy(gen.ctx);
  const std::time_t now = std::time(nullptr);

  auto plain = create("");
  ASSERT_EQ(plain.status, CCHOST_OK);
  auto refused = verify(plain.ctx, evidence, "", now, binding);
  EXPECT_EQ(refused.status, CCHOST_E_VERIFY_FAILED) << refused.err;
  table_->destroy(plain.ctx);

  const std::string ver_cfg = "sim_roots = [\"" + dir + "/ca/ark.pem\"]\n";
  auto sim = create(ver_cfg.c_str());
  ASSERT_EQ(sim.status, CCHOST_OK) << sim.err;
  auto v = verify(sim.ctx, evidence, "", now, binding);
  ASSERT_EQ(v.status, CCHOST_OK) << v.err;
  auto j = nlohmann::json::parse(v.claims);
  EXPECT_EQ(j["simulated"], true);
  EXPECT_EQ(record_claims(v.claims)["snp.product"]["value"], "Genoa");
  EXPECT_EQ(record_claims(v.claims)["snp.policy.debug"]["value"], true);
  EXPECT_EQ(record_claims(v.claims)["snp.measurement"]["value"], std::string(96, 'a'));
  binding[0] ^= 1;
  EXPECT_EQ(verify(sim.ctx, evidence, "", now, binding).status, CCHOST_E_VERIFY_FAILED);
  table_->destroy(sim.ctx);
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}
#endif

}  // namespace
}  // namespace cchost::snp
