#include "cchost/job/job_spec.hpp"

#include <gtest/gtest.h>

using cchost::job::parse_job_spec;

TEST(JobSpec, ParsesEveryField) {
  auto spec = parse_job_spec(R"(
id = "demo-1"
deploy_map = ["site-1", "site-2"]
min_sites = 2
retries = 1
payload = "app.bin"
[resources]
gpus = 1
)", "/jobs/job.toml");
  ASSERT_TRUE(spec) << spec.message();
  EXPECT_EQ(spec->id, "demo-1");
  EXPECT_EQ(spec->deploy_map, (std::vector<std::string>{"site-1", "site-2"}));
  EXPECT_EQ(spec->min_sites, 2);
  EXPECT_EQ(spec->retries, 1);
  EXPECT_EQ(spec->resources.at("gpus"), 1);
  EXPECT_EQ(spec->payload, std::filesystem::path("/jobs/app.bin"));
}

TEST(JobSpec, ErrorsNameFileLineAndKey) {
  struct Case {
    const char* text;
    const char* expect;
  };
  const Case cases[] = {
      {"id = \"j\"\ndeploy_map = [\"a\"]\nbogus = 1\n", "job.toml:3:1: unknown key 'bogus'"},
      {"id = \"../evil\"\ndeploy_map = [\"a\"]\n", "job.toml:1:6: 'id' must match"},
      {"id = \"j\"\ndeploy_map = [\"a\", \"a\"]\n", "site 'a' listed twice"},
      {"id = \"j\"\ndeploy_map = []\n", "deploy_map is empty"},
      {"id = \"j\"\ndeploy_map = [\"a\"]\nmin_sites = 2\n", "min_sites 2 exceeds"},
      {"id = \"j\"\ndeploy_map = [\"a\"]\nmin_sites = \"2\"\n", "job.toml:3:13: 'min_sites' must be an integer"},
      {"id = \"j\"\ndeploy_map = [\"a\"]\n[resources]\ngpus = -1\n", "resource 'gpus'"},
      {"deploy_map = [\"a\"]\n", "'id' (string) is required"},
      {"id = \"j\"\n", "'deploy_map'"},
      {"id = = \n", "job.toml:1:"},
  };
  for (const auto& c : cases) {
    auto spec = parse_job_spec(c.text, "job.toml");
    ASSERT_FALSE(spec) << c.text;
    EXPECT_NE(spec.message().find(c.expect), std::string::npos) << c.text << "\n=> " << spec.message();
  }
}

TEST(JobSpec, JobIdsArePathSafe) {
  using cchost::job::is_valid_job_id;
  EXPECT_TRUE(is_valid_job_id("demo-1.v2_x"));
  EXPECT_FALSE(is_valid_job_id(""));
  EXPECT_FALSE(is_valid_job_id(".hidden"));
  EXPECT_FALSE(is_valid_job_id("a/b"));
  EXPECT_FALSE(is_valid_job_id(std::string(65, 'a')));
}
