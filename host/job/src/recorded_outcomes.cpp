#include "recorded_outcomes.hpp"

#include <fstream>

namespace cchost::job {
namespace {

// Audit lines are at most 1 MiB (host/audit's kMaxLineBytes); anything longer is not ours.
constexpr std::size_t kMaxLine = 1u << 20;

}  // namespace

Result<std::map<std::string, RecordedOutcome>> recorded_job_outcomes(const std::filesystem::path& path) {
  std::map<std::string, RecordedOutcome> out;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return out;
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error("cannot read the audit log " + path.string());
  std::string line;
  while (std::getline(in, line)) {
    if (line.size() > kMaxLine || line.find("\"job.") == std::string::npos) continue;
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) continue;
    const auto type = j.value("type", std::string());
    if (type == "job.decided" || type == "job.delivered") {
      auto id = j.find("id");
      if (id == j.end() || !id->is_string()) continue;
      auto& o = out[id->get<std::string>()];
      o.type = type;
      o.entry = std::move(j);
      if (type == "job.decided") o.deployed.clear();
    } else if (type == "job.deployed") {
      auto id = j.find("job");
      auto site = j.find("site");
      if (id == j.end() || site == j.end() || !id->is_string() || !site->is_string()) continue;
      if (auto it = out.find(id->get<std::string>()); it != out.end()) it->second.deployed.insert(site->get<std::string>());
    }
  }
  if (in.bad()) return make_error("read failed for the audit log " + path.string());
  return out;
}

}  // namespace cchost::job
