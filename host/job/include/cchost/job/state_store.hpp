#pragma once
// Durable runtime state in a participant's workspace, so a restarted server recovers its
// registrations and job states (DESIGN.md "Where things persist"). Every write is atomic
// (temp file, fsync, rename, fsync of the folder): a crash leaves the old or the new file,
// never a torn one.
//
//   <workspace>/registry.json        registered participants, last attestation, quarantine
//   <workspace>/jobs/<id>/job.json   a job's spec, state, attempts and decisions
//   <workspace>/jobs/<id>/payload    (sites) the deployed payload
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cchost/bytes.hpp"
#include "cchost/result.hpp"

namespace cchost::job {

Status atomic_write_file(const std::filesystem::path& path, ByteView data, unsigned mode = 0600);
Result<Bytes> read_file_limited(const std::filesystem::path& path, std::size_t max_size);

class StateStore {
 public:
  static Result<StateStore> open(const std::filesystem::path& workspace);

  const std::filesystem::path& workspace() const { return root_; }
  std::filesystem::path audit_log_path() const { return root_ / "audit.log"; }
  std::filesystem::path nonce_log_path() const { return root_ / "nonces.log"; }

  Result<nlohmann::json> load_registry() const;           // {} when absent
  Status save_registry(const nlohmann::json& registry);

  Status save_job(const std::string& job_id, const nlohmann::json& job);
  Result<nlohmann::json> load_job(const std::string& job_id) const;
  Result<std::vector<nlohmann::json>> load_jobs() const;   // every job.json, sorted by id

  Status store_payload(const std::string& job_id, ByteView payload);
  std::filesystem::path payload_path(const std::string& job_id) const;

 private:
  explicit StateStore(std::filesystem::path root) : root_(std::move(root)) {}
  std::filesystem::path root_;
};

}  // namespace cchost::job
