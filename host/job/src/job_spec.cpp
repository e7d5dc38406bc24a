#include "cchost/job/job_spec.hpp"

#include <fstream>
#include <set>
#include <sstream>
#include <toml++/toml.h>

namespace cchost::job {
namespace {

std::string where(const std::filesystem::path& source, const toml::source_region& r) {
  return source.string() + ":" + std::to_string(r.begin.line) + ":" + std::to_string(r.begin.column);
}

}  // namespace

bool is_valid_job_id(std::string_view id) {
  if (id.empty() || id.size() > 64 || id.front() == '.') return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

Result<JobSpec> parse_job_spec(std::string_view toml_text, const std::filesystem::path& source) {
  toml::table root;
  try {
    root = toml::parse(toml_text, source.string());
  } catch (const toml::parse_error& e) {
    return make_error(where(source, e.source()) + ": " + std::string(e.description()));
  }
  JobSpec spec;
  std::vector<std::string> errors;
  static const std::set<std::string> known = {"id", "deploy_map", "min_sites", "retries", "resources", "payload"};
  for (const auto& [key, node] : root) {
    if (!known.count(std::string(key.str())))
      errors.push_back(where(source, key.source()) + ": unknown key '" + std::string(key.str()) + "'");
  }
  auto need_int = [&](const char* key, std::int64_t& out, std::int64_t min) {
    auto* node = root.get(key);
    if (!node) return;
    if (!node->is_integer()) {
      errors.push_back(where(source, node->source()) + ": '" + key + "' must be an integer");
      return;
    }
    out = node->as_integer()->get();
    if (out < min)
      errors.push_back(where(source, node->source()) + ": '" + key + "' must be >= " + std::to_string(min));
  };
  if (auto* id = root.get("id"); !id || !id->is_string()) {
    errors.push_back(source.string() + ": 'id' (string) is required");
  } else {
    spec.id = id->as_string()->get();
    if (!is_valid_job_id(spec.id))
      errors.push_back(where(source, id->source()) + ": 'id' must match [A-Za-z0-9._-]{1,64}");
  }
  if (auto* map = root.get("deploy_map"); !map || !map->is_array()) {
    errors.push_back(source.string() + ": 'deploy_map' (array of site names) is required");
  } else {
    std::set<std::string> seen;
    for (const auto& el : *map->as_array()) {
      if (!el.is_string()) {
        errors.push_back(where(source, el.source()) + ": deploy_map entries must be strings");
        continue;
      }
      const std::string name = el.as_string()->get();
      if (!seen.insert(name).second)
        errors.push_back(where(source, el.source()) + ": site '" + name + "' listed twice");
      else
        spec.deploy_map.push_back(name);
    }
    if (spec.deploy_map.empty()) errors.push_back(where(source, map->source()) + ": deploy_map is empty");
    if (spec.deploy_map.size() > kMaxJobSites)
      errors.push_back(where(source, map->source()) + ": at most " + std::to_string(kMaxJobSites) + " sites");
  }
  need_int("min_sites", spec.min_sites, 1);
  need_int("retries", spec.retries, 0);
  if (spec.retries > 10) errors.push_back(source.string() + ": 'retries' must be <= 10");
  if (auto* res = root.get("resources")) {
    if (!res->is_table()) {
      errors.push_back(where(source, res->source()) + ": 'resources' must be a table");
    } else {
      for (const auto& [key, node] : *res->as_table()) {
        if (!node.is_integer() || node.as_integer()->get() < 0)
          errors.push_back(where(source, node.source()) + ": resource '" + std::string(key.str()) +
                           "' must be a non-negative integer");
        else
          spec.resources[std::string(key.str())] = node.as_integer()->get();
      }
    }
  }
  if (auto* payload = root.get("payload")) {
    if (!payload->is_string())
      errors.push_back(where(source, payload->source()) + ": 'payload' must be a file path");
    else
      spec.payload = source.parent_path() / payload->as_string()->get();
  }
  if (!spec.deploy_map.empty() && spec.min_sites > static_cast<std::int64_t>(spec.deploy_map.size()))
    errors.push_back(source.string() + ": min_sites " + std::to_string(spec.min_sites) + " exceeds the " +
                     std::to_string(spec.deploy_map.size()) + " sites of deploy_map");
  if (!errors.empty()) {
    std::string all;
    for (const auto& e : errors) all += (all.empty() ? "" : "\n") + e;
    return make_error(all);
  }
  return spec;
}

Result<JobSpec> load_job_spec(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return make_error(file.string() + ": cannot read");
  std::stringstream text;
  text << in.rdbuf();
  return parse_job_spec(text.str(), file);
}

}  // namespace cchost::job
