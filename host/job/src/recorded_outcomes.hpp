#pragma once
// What the server's own audit log says each job came to. The log is appended and fsync'd
// before job.json is saved, so after a crash between the two the log is the later record:
// at restart a job whose job.json is not terminal adopts the outcome found here instead of
// being decided a second time (PROTOCOL.md "Restart").
#include <filesystem>
#include <map>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "cchost/result.hpp"

namespace cchost::job {

struct RecordedOutcome {
  std::string type;                 // "job.decided" | "job.delivered": the last of the two
  nlohmann::json entry;             // that entry (the job record, plus the audit header keys)
  std::set<std::string> deployed;   // sites with a job.deployed entry after it
};

// Job id -> its last recorded outcome, read from the audit log at `path`. No file: none.
// Lines that are not JSON objects (a torn tail) or too long are skipped: the log's chain was
// verified when it was opened for appending; this only looks for decisions.
Result<std::map<std::string, RecordedOutcome>> recorded_job_outcomes(const std::filesystem::path& path);

}  // namespace cchost::job
