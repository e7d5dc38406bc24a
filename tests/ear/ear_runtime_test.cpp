// The EAR in the audit log end to end (real `cchost run` processes, SNP sim backend): a site
// records its appraisal of the server and of its job peers with a signed EAR, the server its
// registrations and job appraisals; `cchost ear verify --kit` reads each token with the
// writer's kit, and `cchost audit verify --kit` still accepts every log that holds them.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "runtime_harness.hpp"

namespace cchost::runtime_test {
namespace {

using nlohmann::json;

// Every entry of `type` in a participant's log whose `key` field is `value`.
std::vector<json> entries(RuntimeHarness& h, const std::string& who, const std::string& type, const std::string& key,
                          const std::string& value) {
  std::vector<json> out;
  std::istringstream lines(read_text(h.workspace(who) / "audit.log"));
  for (std::string line; std::getline(lines, line);) {
    auto e = json::parse(line, nullptr, false);
    if (!e.is_discarded() && e.value("type", "") == type && e.value(key, "") == value) out.push_back(std::move(e));
  }
  return out;
}

// `cchost ear verify` of `token` with `kit`'s audit key; the decoded claims.
json read_ear(RuntimeHarness& h, const std::string& token, const std::string& kit) {
  const auto file = h.dir() / ("ear-" + kit + "-" + std::to_string(token.size()) + ".jwt");
  std::ofstream(file) << token << "\n";
  auto r = h.cchost({"ear", "verify", file.string(), "--kit", h.kit(kit).string(), "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  auto out = json::parse(r.output, nullptr, false);
  EXPECT_FALSE(out.is_discarded()) << r.output;
  return out.is_discarded() ? json() : out["claims"];
}

TEST(EarRuntime, AppraisalEntriesCarryEarsThatVerifyWithTheWritersKit) {
  RuntimeHarness h("ear");
  ProjectSpec spec;
  spec.server_policy = lenient_policy();
  // site-1 refuses a guest with DEBUG set; site-2's sim backend reports one.
  spec.sites = {{"site-1", strict_policy(), false}, {"site-2", lenient_policy(), true}};
  auto provisioned = h.provision(spec);
  ASSERT_EQ(provisioned.exit_code, 0) << provisioned.output;
  ASSERT_TRUE(h.start("server"));
  ASSERT_TRUE(h.start("site-1"));
  ASSERT_TRUE(h.start("site-2"));
  ASSERT_TRUE(h.wait_registered({"site-1", "site-2"})) << h.last_status().dump(2) << h.log_tails();
  auto submitted = h.submit("job-ear", {"site-1", "site-2"}, 1, "payload");
  ASSERT_EQ(submitted.exit_code, 0) << submitted.output;
  ASSERT_TRUE(h.wait_decided("job-ear")) << h.log_tails();
  for (const auto& who : {"site-1", "site-2", "server"}) h.stop(who);

  // site-1 about site-2: rejected for the debug bit, a configuration verdict.
  auto peer = entries(h, "site-1", "peer.appraisal", "peer", "site-2");
  ASSERT_FALSE(peer.empty()) << read_text(h.workspace("site-1") / "audit.log");
  ASSERT_TRUE(peer[0].contains("ear")) << peer[0].dump();
  const json rejected = read_ear(h, peer[0]["ear"].get<std::string>(), "site-1");
  const json& s2 = rejected["submods"]["site-2"];
  EXPECT_EQ(s2["ear.status"], "contraindicated") << rejected.dump(2);
  EXPECT_EQ(s2["ear.trustworthiness-vector"]["configuration"], 96) << rejected.dump(2);
  EXPECT_TRUE(rejected.contains("eat_nonce")) << "the job nonce";

  // site-1 about the server: accepted, but simulated evidence is only a warning.
  auto server = entries(h, "site-1", "server.appraisal", "server", "server");
  ASSERT_FALSE(server.empty());
  ASSERT_TRUE(server[0].contains("ear")) << server[0].dump();
  const json warned = read_ear(h, server[0]["ear"].get<std::string>(), "site-1");
  EXPECT_EQ(warned["submods"]["server"]["ear.status"], "warning") << warned.dump(2);
  EXPECT_EQ(warned["submods"]["server"]["ear.cchost.simulated"], true);

  // The server about site-1's registration, signed with the server's key.
  auto registration = entries(h, "server", "registration", "site", "site-1");
  ASSERT_FALSE(registration.empty());
  ASSERT_TRUE(registration[0].contains("ear")) << registration[0].dump();
  const json reg = read_ear(h, registration[0]["ear"].get<std::string>(), "server");
  EXPECT_EQ(reg["submods"]["site-1"]["ear.status"], "warning") << reg.dump(2);
  // Not with another participant's key.
  const auto other = h.dir() / "wrong-kit.jwt";
  std::ofstream(other) << registration[0]["ear"].get<std::string>() << "\n";
  EXPECT_EQ(h.cchost({"ear", "verify", other.string(), "--kit", h.kit("site-1").string()}).exit_code, 1);

  // The logs that hold them still verify, signatures and seal included.
  for (const auto& who : {"site-1", "site-2", "server"}) {
    auto v = h.cchost({"audit", "verify", (h.workspace(who) / "audit.log").string(), "--kit", h.kit(who).string()});
    EXPECT_EQ(v.exit_code, 0) << who << ": " << v.output;
  }
}

}  // namespace
}  // namespace cchost::runtime_test
