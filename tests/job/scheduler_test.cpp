#include "cchost/job/scheduler.hpp"

#include <gtest/gtest.h>

using namespace cchost::job;

TEST(JobScheduler, ExcludesSitesShortOfResourcesAndChecksMinSites) {
  JobSpec spec;
  spec.id = "j";
  spec.deploy_map = {"a", "b", "c"};
  spec.min_sites = 2;
  spec.resources = {{"gpus", 1}};
  auto out = schedule(spec, {"c", "a", "b"}, {{"a", {{"gpus", 8}}}, {"b", {{"gpus", 0}}}, {"c", {{"gpus", 1}}}});
  EXPECT_TRUE(out.deployable);
  EXPECT_EQ(out.sites, (std::vector<std::string>{"a", "c"}));
  EXPECT_EQ(out.excluded.at("b"), "resource gpus: has 0, job needs 1");

  spec.min_sites = 3;
  out = schedule(spec, {"a", "b", "c"}, {{"a", {{"gpus", 8}}}});
  EXPECT_FALSE(out.deployable);
  EXPECT_EQ(out.reason, "min_sites not met: 1 site(s) eligible, job needs 3");
}

TEST(JobScheduler, BackoffDoublesAndCaps) {
  EXPECT_EQ(retry_backoff_ms(1), 1000);
  EXPECT_EQ(retry_backoff_ms(2), 2000);
  EXPECT_EQ(retry_backoff_ms(3), 4000);
  EXPECT_EQ(retry_backoff_ms(20), 30000);
}
