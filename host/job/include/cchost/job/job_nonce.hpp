#pragma once
// The job nonce (PROTOCOL.md v2, "Job freshness"): every relying party of a job attempt (the
// server and every site) contributes 32 random bytes in a first round, and the nonce every
// participant binds its job evidence to is a hash committing to the job id and all of them.
// A relying party that finds its own contribution in the list and recomputes the nonce itself
// knows that evidence bound to it was produced after its contribution: fresh for it, whoever
// relayed it. Freshness never rests on a nonce some other party drew.
#include <map>
#include <string>
#include <string_view>

#include "cchost/bytes.hpp"
#include "cchost/result.hpp"

namespace cchost::job {

inline constexpr std::string_view kJobNonceDomain = "cchost/job-nonce/v1";
inline constexpr std::size_t kContributionSize = 32;

using Contributions = std::map<std::string, Bytes>;  // participant name -> its 32 random bytes

// SHA-256(domain || job_id || count || for each participant in name order: name || contribution),
// every variable-length part length-prefixed (u32 big-endian) so that no two different inputs
// hash the same byte string. Refuses contributions that are not kContributionSize bytes.
Result<Bytes> compute_job_nonce(std::string_view job_id, const Contributions& contributions);

}  // namespace cchost::job
