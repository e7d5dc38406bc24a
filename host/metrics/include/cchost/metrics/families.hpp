// Every metric family cchost exports, in one place, so the operator's list (docs/operations.md,
// "Metrics") and the code cannot drift apart.
#pragma once

#include "cchost/metrics/registry.hpp"

namespace cchost::metrics {

// Evidence verifications by an authorizer (host/plugin): labels namespace, outcome
// (verified | failed).
extern const Family kVerifications;
// Seconds per verification, by namespace.
extern const Family kVerificationSeconds;
// Appraisals (evidence + binding + policy, host/attest): label outcome (accepted | rejected).
extern const Family kAppraisals;
// Rules that failed in appraisals, by rule id (the claim a rule read, or the check's id).
extern const Family kFailedRules;
// Registrations the server decided: label outcome (accepted | rejected).
extern const Family kRegistrations;
// Sites the server quarantined (a failed re-attestation).
extern const Family kQuarantines;
// Jobs by the state they concluded in (deployed | failed | ...), and jobs submitted.
extern const Family kJobsConcluded;
extern const Family kJobsSubmitted;
// Inbound messages refused before use, by reason (schema, wrong role, rate limit, ...).
extern const Family kMessagesRefused;

}  // namespace cchost::metrics
