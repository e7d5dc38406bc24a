#pragma once
// The names of the events that move through a host's bus. Events that arrive from other
// participants over ZeroMQ are re-published here under the same names, so that built-in
// components and plugins subscribe to one vocabulary (DESIGN.md "Data flow").
#include <string_view>

namespace cchost::bus::events {

// Plugins loaded, authorizers initialised; the host is ready to serve.
inline constexpr std::string_view kSystemBootstrap = "system.bootstrap";
// The participant appraised its own fresh bundle with its own policy at start (payload:
// accepted, namespaces, failed_rules, reasons): "attest, then activate" (e.g. GPUs set ready).
inline constexpr std::string_view kAttestSelfAppraisal = "attest.self_appraisal";
// A client is about to send `register{name, client_nonce}` (client side).
inline constexpr std::string_view kClientRegisterBefore = "client.register.before";
// The server received a registration request (server side).
inline constexpr std::string_view kClientRegisterReceived = "client.register.received";
// Mutual appraisal finished; the payload says who accepted whom and why.
inline constexpr std::string_view kClientRegisterAfter = "client.register.after";
// The admin submitted a job; the server will draw its nonce.
inline constexpr std::string_view kJobSubmitted = "job.submitted";
// The server appraises each site's fresh bundle for a job.
inline constexpr std::string_view kJobDeployVerify = "job.deploy.verify";
// A site appraises its peers' bundles and votes.
inline constexpr std::string_view kJobDeployPeerVerify = "job.deploy.peer_verify";
// The scheduler finalised a job: deployed or failed, with reasons.
inline constexpr std::string_view kJobDecided = "job.decided";
// Re-attestation failed: the participant is excluded from new jobs.
inline constexpr std::string_view kParticipantQuarantined = "participant.quarantined";
// The host is shutting down; every state change is already in the audit log.
inline constexpr std::string_view kSystemEnd = "system.end";

// Subscribing to this pattern receives every event.
inline constexpr std::string_view kAnyEvent = "*";

}  // namespace cchost::bus::events
