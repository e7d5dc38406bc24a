// The EAR a site attaches to its appraisal entries (host/job appraisal_ear.hpp): what it says
// for the runtime's appraisals, and that an audit log holding it still verifies, signed heads
// and all, while the token verifies with the same audit key.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

#include "appraisal_ear.hpp"
#include "cchost/audit/audit_log.hpp"
#include "cchost/audit/audit_verify.hpp"
#include "cchost/crypto/encoding.hpp"
#include "cchost/ear/ear_token.hpp"

namespace cchost::job {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

attest::Appraisal appraisal(bool accept, bool simulated, json failed) {
  attest::Appraisal a;
  a.accept = accept;
  for (const auto& f : failed) a.failed_rules.push_back(f["claim"].get<std::string>().empty() ? f["rule"].get<std::string>() : f["claim"].get<std::string>());
  a.detail = {{"errors", json::array()}, {"failed", failed}, {"simulated", simulated}, {"namespaces", {"x-snp"}}};
  return a;
}

json submod_of(const std::string& token, const crypto::SigningKey& key, const std::string& peer) {
  auto v = ear::verify_ear(token, key.public_key());
  EXPECT_TRUE(v) << v.message();
  return v ? v->claims["submods"][peer] : json();
}

TEST(AppraisalEar, AcceptedGenuinePeerAffirmsIdentityToo) {
  const auto key = *crypto::SigningKey::generate();
  auto token = appraisal_ear("site-2", appraisal(true, false, json::array()), Bytes(32, 7), key, 1793491200);
  ASSERT_TRUE(token) << token.message();
  const json s = submod_of(*token, key, "site-2");
  EXPECT_EQ(s["ear.status"], "affirming");
  EXPECT_EQ(s["ear.trustworthiness-vector"]["instance-identity"], 2);  // the runtime always checks the binding
  EXPECT_EQ(s["ear.cchost.namespaces"], json({"x-snp"}));
  auto v = ear::verify_ear(*token, key.public_key());
  EXPECT_EQ(v->claims["eat_nonce"], crypto::base64url_encode(Bytes(32, 7)));
}

TEST(AppraisalEar, AcceptedSimulatedPeerIsAWarning) {
  const auto key = *crypto::SigningKey::generate();
  auto token = appraisal_ear("site-2", appraisal(true, true, json::array()), Bytes(32, 7), key, 1);
  ASSERT_TRUE(token);
  const json s = submod_of(*token, key, "site-2");
  EXPECT_EQ(s["ear.status"], "warning");
  EXPECT_EQ(s["ear.trustworthiness-vector"]["hardware"], 32);
  EXPECT_EQ(s["ear.cchost.simulated"], true);
}

TEST(AppraisalEar, RejectionNamesRulesAndLowersTheirClaims) {
  const auto key = *crypto::SigningKey::generate();
  json failed = json::array({{{"rule", "verify.x-snp"}, {"claim", ""}},
                             {{"rule", "binding.nonce"}, {"claim", ""}}});
  auto token = appraisal_ear("site-3", appraisal(false, false, failed), Bytes(4, 1), key, 1);
  ASSERT_TRUE(token) << token.message();
  auto v = ear::verify_ear(*token, key.public_key());
  ASSERT_TRUE(v);
  EXPECT_FALSE(v->claims.contains("eat_nonce")) << "a 4-byte nonce is outside EAT's 8..64";
  const json s = v->claims["submods"]["site-3"];
  EXPECT_EQ(s["ear.status"], "contraindicated");
  EXPECT_EQ(s["ear.trustworthiness-vector"]["hardware"], 99);
  EXPECT_EQ(s["ear.trustworthiness-vector"]["instance-identity"], 96);
  EXPECT_EQ(s["ear.cchost.failed-rules"], json({"verify.x-snp", "binding.nonce"}));
}

TEST(AppraisalEar, BundleThatCouldNotBeReadStillNamesItsRule) {
  const auto key = *crypto::SigningKey::generate();
  attest::Appraisal a;
  a.failed_rules = {"bundle.malformed"};
  a.detail = {{"errors", {"missing server_bundle"}}};
  auto token = appraisal_ear("server", a, Bytes(32, 1), key, 1);
  ASSERT_TRUE(token);
  const json s = submod_of(*token, key, "server");
  EXPECT_EQ(s["ear.status"], "contraindicated");
  EXPECT_EQ(s["ear.cchost.failed-rules"], json({"bundle.malformed"}));
}

TEST(AppraisalEar, AttachOnlyWithAKeyAndTheLogStillVerifies) {
  json fields = {{"peer", "site-2"}};
  attach_ear(fields, nullptr, "site-2", appraisal(true, false, json::array()), Bytes(32, 1));
  EXPECT_FALSE(fields.contains("ear"));
  EXPECT_FALSE(fields.contains("ear_error"));

  auto key = std::make_shared<const crypto::SigningKey>(*crypto::SigningKey::generate());
  std::string templ = (fs::temp_directory_path() / "cchost-ear-audit-XXXXXX").string();
  ASSERT_NE(::mkdtemp(templ.data()), nullptr);
  const fs::path log_path = fs::path(templ) / "audit.log";
  {
    auto log = audit::AuditLog::open(log_path, {}, audit::AuditSigning(key, 1));
    ASSERT_TRUE(log) << log.message();
    attach_ear(fields, key, "site-2", appraisal(true, false, json::array()), Bytes(32, 1));
    ASSERT_TRUE(fields.contains("ear"));
    ASSERT_TRUE((*log)->append("peer.appraisal", fields));
    ASSERT_TRUE((*log)->seal());
  }
  audit::AuditVerifyOptions options;
  options.key = key->public_key();
  auto report = audit::verify_audit_log(log_path, options);
  ASSERT_TRUE(report) << report.message();
  EXPECT_TRUE(report->intact());
  EXPECT_TRUE(report->sealed);
  EXPECT_TRUE(ear::verify_ear(fields["ear"].get<std::string>(), key->public_key()));
  std::error_code ec;
  fs::remove_all(templ, ec);
}

}  // namespace
}  // namespace cchost::job
