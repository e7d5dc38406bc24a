#include "cchost/metrics/families.hpp"

namespace cchost::metrics {
namespace {

// From a warm signature check (~0.5 ms) to a cold chain with collateral (seconds).
constexpr double kVerificationBuckets[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                           0.1,    0.25,  0.5,    1,     2.5,  10};

}  // namespace

const Family kVerifications{"cchost_verifications_total", "Evidence verifications by authorizer namespace and outcome.",
                            Kind::Counter};
const Family kVerificationSeconds{"cchost_verification_seconds", "Time one evidence verification took, by namespace.",
                                  Kind::Histogram, kVerificationBuckets};
const Family kAppraisals{"cchost_appraisals_total", "Peer appraisals (evidence, binding and policy) by outcome.",
                         Kind::Counter};
const Family kFailedRules{"cchost_failed_rules_total", "Rules that failed in appraisals, by rule id.", Kind::Counter};
const Family kRegistrations{"cchost_registrations_total", "Site registrations the server decided, by outcome.",
                            Kind::Counter};
const Family kQuarantines{"cchost_quarantines_total", "Sites quarantined after a failed re-attestation.", Kind::Counter};
const Family kJobsConcluded{"cchost_jobs_concluded_total", "Jobs by the state they concluded in.", Kind::Counter};
const Family kJobsSubmitted{"cchost_jobs_submitted_total", "Jobs submitted to the server.", Kind::Counter};
const Family kMessagesRefused{"cchost_messages_refused_total", "Inbound messages refused before use, by reason.",
                              Kind::Counter};

}  // namespace cchost::metrics
