#pragma once
// A job as the admin submits it (JOB.toml). Strict: unknown keys and wrong types are errors.
//
//   id = "demo-1"
//   deploy_map = ["site-1", "site-2", "site-3"]   # sites that should run it
//   min_sites = 2                                 # fewer accepted sites -> the job fails
//   retries = 1                                   # extra attempts after a failed attempt
//   payload = "app.tar.gz"                        # a file, relative to JOB.toml
//   [resources]                                   # what each site must offer
//   gpus = 1
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "cchost/result.hpp"

namespace cchost::job {

struct JobSpec {
  std::string id;
  std::vector<std::string> deploy_map;
  std::int64_t min_sites = 1;
  std::int64_t retries = 0;
  std::map<std::string, std::int64_t> resources;
  std::filesystem::path payload;   // resolved against the spec file's folder
};

inline constexpr std::size_t kMaxJobSites = 1024;

Result<JobSpec> parse_job_spec(std::string_view toml_text, const std::filesystem::path& source);
Result<JobSpec> load_job_spec(const std::filesystem::path& file);

// A job id is a short, path-safe token: [A-Za-z0-9._-]{1,64}, not starting with '.'.
bool is_valid_job_id(std::string_view id);

}  // namespace cchost::job
