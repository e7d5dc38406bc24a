// Admin operations (issue 14): `cchost admin jobs`, `abort JOB` and `shutdown`, each audited on
// the server, against real `cchost run` processes (tests/runtime/runtime_harness.*).
#include <gtest/gtest.h>
#include <signal.h>

#include <thread>

#include "ops_support.hpp"
#include "runtime_harness.hpp"

namespace cchost::runtime_test {
namespace {

ProjectSpec one_site() {
  ProjectSpec spec;
  spec.server_policy = lenient_policy();
  spec.sites = {{"site-1", lenient_policy(), false}};
  spec.request_timeout = "120s";  // a job waiting on a stopped site stays open long enough to abort
  return spec;
}

TEST(OpsAdmin, AbortEndsAnOpenJobAndShutdownStopsTheServerSealed) {
  RuntimeHarness h("ops-admin");
  auto p = h.provision(one_site());
  ASSERT_EQ(p.exit_code, 0) << p.output;
  ASSERT_TRUE(h.start("server"));
  ASSERT_TRUE(h.start("site-1"));
  ASSERT_TRUE(h.wait_registered({"site-1"})) << h.log_tails();
  const std::string admin_kit = h.kit("admin").string();
  auto report = h.status();
  ASSERT_TRUE(report);
  EXPECT_EQ((*report)["schema"], "cchost.status/v1");  // every JSON output names its schema
  // The wire volume so far: registration went both ways, and this status request came in.
  const auto& wire = (*report)["transport"];
  EXPECT_GT(wire.value("messages_sent", 0), 0) << report->dump(2);
  EXPECT_GT(wire.value("bytes_received", 0), wire.value("messages_received", 0)) << report->dump(2);
  auto later = h.status();
  ASSERT_TRUE(later);
  EXPECT_GT((*later)["transport"].value("bytes_sent", 0), wire.value("bytes_sent", 0))
      << "the first status report was sent in between";

  // A job that cannot end by itself for two minutes: its only site is stopped (not dead).
  h.signal("site-1", SIGSTOP);
  ASSERT_EQ(h.submit("open-job", {"site-1"}, 1, "payload").exit_code, 0);
  auto listed = h.cchost({"admin", "jobs", "--kit", admin_kit});
  EXPECT_EQ(listed.exit_code, 0) << listed.output;
  EXPECT_NE(listed.output.find("job open-job verifying"), std::string::npos) << listed.output;

  auto aborted = h.cchost({"admin", "abort", "open-job", "--reason", "operator test", "--kit", admin_kit});
  EXPECT_EQ(aborted.exit_code, 0) << aborted.output;
  EXPECT_NE(aborted.output.find("aborted by admin: operator test"), std::string::npos) << aborted.output;
  auto job = h.wait_decided("open-job", std::chrono::seconds(10));
  ASSERT_TRUE(job) << h.log_tails();
  EXPECT_EQ(job->value("state", ""), "failed");
  // A second abort, or one of a job that does not exist, is refused by name (exit 2).
  auto again = h.cchost({"admin", "abort", "open-job", "--kit", admin_kit});
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_NE(again.output.find("has already ended: failed"), std::string::npos) << again.output;
  EXPECT_EQ(h.cchost({"admin", "abort", "no-such-job", "--kit", admin_kit}).exit_code, 2);
  h.signal("site-1", SIGCONT);

  auto down = h.cchost({"admin", "shutdown", "--reason", "maintenance", "--kit", admin_kit});
  EXPECT_EQ(down.exit_code, 0) << down.output;
  EXPECT_NE(down.output.find("is shutting down"), std::string::npos) << down.output;
  for (int i = 0; i < 100 && h.running("server"); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_FALSE(h.running("server")) << h.log_tails();

  const auto log = h.workspace("server") / "audit.log";
  const auto requested = ops_test::audit_entries(log, "system.shutdown_requested");
  ASSERT_EQ(requested.size(), 1u);
  EXPECT_EQ(requested[0].value("by", ""), "admin");
  EXPECT_EQ(requested[0].value("reason", ""), "maintenance");
  const auto abort = ops_test::audit_entries(log, "job.abort_requested");
  ASSERT_EQ(abort.size(), 1u);
  EXPECT_EQ(abort[0].value("job", ""), "open-job");
  // Stopped cleanly: the log ends with its signed shutdown head and verifies with the kit.
  auto verified = h.cchost({"audit", "verify", log.string(), "--kit", h.kit("server").string()});
  EXPECT_EQ(verified.exit_code, 0) << verified.output;
}

}  // namespace
}  // namespace cchost::runtime_test
