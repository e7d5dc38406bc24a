// "Attest, then activate" through real `cchost run` processes (tests/runtime harness, simulated
// SNP evidence): each participant appraises its own fresh bundle with its own policy at start,
// logs the outcome and audits it as attest.self_appraisal.
#include <gtest/gtest.h>

#include <fstream>

#include "runtime_harness.hpp"

namespace cchost::runtime_test {
namespace {

std::vector<nlohmann::json> self_appraisals(const fs::path& audit_log) {
  std::vector<nlohmann::json> out;
  std::ifstream in(audit_log);
  for (std::string line; std::getline(in, line);) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_discarded() && j.is_object() && j.value("type", "") == "attest.self_appraisal") out.push_back(std::move(j));
  }
  return out;
}

TEST(SelfAppraisalRun, EachParticipantAppraisesItselfWithItsOwnPolicyAtStart) {
  RuntimeHarness h("self-appraisal");
  ProjectSpec spec;
  spec.server_policy = lenient_policy();
  spec.sites = {{"site-ok", lenient_policy(), false}, {"site-debug", strict_policy(), true}};
  auto provisioned = h.provision(spec);
  ASSERT_EQ(provisioned.exit_code, 0) << provisioned.output;
  for (const char* name : {"server", "site-ok", "site-debug"}) {
    ASSERT_TRUE(h.start(name)) << name;
    ASSERT_TRUE(h.wait_for_log(name, "self-appraisal")) << h.log_tails();
  }
  EXPECT_NE(h.read_log("site-ok").find("self-appraisal accepted (x-snp)"), std::string::npos) << h.read_log("site-ok");
  EXPECT_NE(h.read_log("site-debug").find("self-appraisal rejected: failed snp.policy.debug"), std::string::npos)
      << h.read_log("site-debug");
  for (const char* name : {"server", "site-ok", "site-debug"}) h.stop(name);

  auto server = self_appraisals(h.workspace("server") / "audit.log");
  ASSERT_EQ(server.size(), 1u) << read_text(h.workspace("server") / "audit.log");
  auto ok = self_appraisals(h.workspace("site-ok") / "audit.log");
  ASSERT_EQ(ok.size(), 1u);
  auto debug = self_appraisals(h.workspace("site-debug") / "audit.log");
  ASSERT_EQ(debug.size(), 1u);
  const auto fields = [](const nlohmann::json& entry) { return entry.contains("fields") ? entry["fields"] : entry; };
  EXPECT_EQ(fields(server[0])["accepted"], true) << server[0].dump();
  EXPECT_EQ(fields(ok[0])["accepted"], true) << ok[0].dump();
  EXPECT_EQ(fields(ok[0])["namespaces"], nlohmann::json({"x-snp"})) << ok[0].dump();
  EXPECT_EQ(fields(debug[0])["accepted"], false) << debug[0].dump();
  EXPECT_EQ(fields(debug[0])["failed_rules"], nlohmann::json({"snp.policy.debug"})) << debug[0].dump();
}

}  // namespace
}  // namespace cchost::runtime_test
