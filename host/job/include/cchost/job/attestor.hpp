#pragma once
// The runtime sees attestation only through host/attest's Attestor interface.
#include "cchost/attest/attestor.hpp"

namespace cchost::job {
using attest::Appraisal;
using attest::AppraisalRequest;
using attest::Attestor;
using attest::AuditSink;
using attest::FailurePolicy;
}  // namespace cchost::job
