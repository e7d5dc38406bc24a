#include "attack_cluster.hpp"

#include <gtest/gtest.h>

namespace cchost::attack_test {

using runtime_test::lenient_policy;
using runtime_test::ProjectSpec;

void AttackCluster::start(bool register_site3, const std::vector<std::string>& server_args) {
  ProjectSpec spec;
  spec.server_policy = lenient_policy();
  spec.request_timeout = "2s";
  for (const char* s : {"site-1", "site-2", "site-3"}) spec.sites.push_back({s, lenient_policy(), false});
  auto provisioned = h.provision(spec);
  ASSERT_EQ(provisioned.exit_code, 0) << provisioned.output;
  ASSERT_TRUE(h.start("server", server_args));
  ASSERT_TRUE(h.wait_for_log("server", "listening on")) << h.read_log("server");
  ASSERT_TRUE(h.start("site-1"));
  auto s2 = WireSite::connect(h, "site-2");
  ASSERT_TRUE(s2) << s2.message();
  site2 = std::move(*s2);
  auto s3 = WireSite::connect(h, "site-3");
  ASSERT_TRUE(s3) << s3.message();
  site3 = std::move(*s3);
  auto accepted = site2->register_now();
  ASSERT_TRUE(accepted) << accepted.message();
  ASSERT_TRUE(*accepted) << "site-2 was refused at registration\n" << h.log_tails();
  std::vector<std::string> registered = {"site-1", "site-2"};
  if (register_site3) {
    auto a3 = site3->register_now();
    ASSERT_TRUE(a3 && *a3) << h.log_tails();
    registered.push_back("site-3");
  }
  ASSERT_TRUE(h.wait_registered(registered)) << h.last_status().dump(2);
}

nlohmann::json AttackCluster::run_job(const std::string& id, const std::vector<std::string>& deploy_map, int min_sites,
                                      const std::string& payload) {
  auto submitted = h.submit(id, deploy_map, min_sites, payload);
  EXPECT_EQ(submitted.exit_code, 0) << submitted.output;
  auto job = h.wait_decided(id, std::chrono::seconds(90));
  EXPECT_TRUE(job) << "job " << id << " never reached a terminal state: "
                   << (runtime_test::find_job(h.last_status(), id) ? runtime_test::find_job(h.last_status(), id)->dump(2)
                                                                  : std::string("(absent)"))
                   << "\n" << h.read_log("server");
  return job.value_or(nlohmann::json::object());
}

std::string AttackCluster::audit() const { return runtime_test::read_text(h.workspace("server") / "audit.log"); }

std::string stage_of(const nlohmann::json& job, const std::string& site) {
  auto e = job.value("excluded", nlohmann::json::object());
  return e.contains(site) ? e[site].value("stage", std::string()) : std::string("(not excluded)");
}
std::string reason_of(const nlohmann::json& job, const std::string& site) {
  auto e = job.value("excluded", nlohmann::json::object());
  return e.contains(site) ? e[site].value("reason", std::string()) : std::string("(not excluded)");
}
std::vector<std::string> failed_of(const nlohmann::json& job, const std::string& site) {
  auto e = job.value("excluded", nlohmann::json::object());
  return e.contains(site) ? e[site].value("failed", std::vector<std::string>{}) : std::vector<std::string>{};
}
std::vector<std::string> sites_of(const nlohmann::json& job) { return job.value("sites", std::vector<std::string>{}); }

}  // namespace cchost::attack_test
