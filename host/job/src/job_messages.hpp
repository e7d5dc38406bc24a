#pragma once
// The job messages of PROTOCOL.md v2 and their schemas: one parse function per message type,
// strict (a missing field, a wrong type, a bad size or an unknown key is an error that names
// the field), producing a typed struct. Nothing in the runtime reads a job message's body
// except through these, so no handler can meet a field of the wrong type (issue 9, defect 1:
// `{"accept": "yes"}` made the vote handler throw and froze the job).
//
//   type          from    answers       body
//   contribute    server  -             {job_id}
//   contribution  site    contribute    {job_id, contribution: hex32}
//   challenge     server  -             {purpose: "job", job_id, nonce, contributions} | {purpose: "reattest", nonce}
//   evidence      site    challenge     {bundle} + one blob per token
//   peer_verify   server  -             {job_id, contributions, bundles: [headers]} + blobs of every bundle in order
//   vote          site    peer_verify   {job_id, votes: {participant: {accept: bool, failed: [rule ids]}}}
//   deploy        server  -             {job_id, payload_sha256, enc: hex32} + the payload sealed to the site's job key
//   ack           site    deploy        {job_id, stored, payload_sha256, receipt}
//   shutdown      server  -             {reason, failed?}
//   heartbeat     site    -             {audit_head?, interval_ms?: 50..3600000}
//   abort         admin   -             {job_id, reason?}        -> aborted {job record}
//   server.shutdown admin -             {reason?}                -> shutdown.accepted {server}
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "cchost/attest/bundle.hpp"
#include "cchost/job/job_nonce.hpp"
#include "cchost/job/receipt.hpp"
#include "cchost/net/message.hpp"

namespace cchost::job {

// The longest heartbeat interval a server may ask of a site (heartbeat.ack `heartbeat_ms`).
inline constexpr std::int64_t kMaxPacedHeartbeatMs = 60000;

// Bounds on what one job message may carry (the net layer bounds bytes; these bound counts).
inline constexpr std::size_t kMaxRuleIdsPerVote = 64;
inline constexpr std::size_t kMaxRuleIdLength = 256;
inline constexpr std::size_t kMaxJobParticipants = 1025;  // kMaxJobSites + the server
inline constexpr std::size_t kMaxSpecTomlBytes = 1u << 20;

struct ContributeRequest {
  std::string job_id;
};
struct ContributionReply {
  std::string job_id;
  Bytes contribution;
};
struct JobChallenge {
  std::string job_id;
  Bytes nonce;
  Contributions contributions;
};
struct ReattestChallenge {
  Bytes nonce;
};
struct EvidenceReply {
  attest::EvidenceBundle bundle;
};
struct PeerVerifyRequest {
  std::string job_id;
  Contributions contributions;
  std::vector<attest::EvidenceBundle> bundles;  // in message order
};
struct PeerVote {
  bool accept = false;
  std::vector<std::string> failed;
};
struct VoteReply {
  std::string job_id;
  std::map<std::string, PeerVote> votes;
};
struct DeployRequest {
  std::string job_id;
  std::string payload_sha256;  // lowercase hex: of the plaintext
  Bytes enc;                   // HPKE encapsulated key (32 bytes)
  Bytes ciphertext;            // HPKE ciphertext of the payload (payload_seal.hpp)
};
struct DeployAck {
  std::string job_id;
  std::string stored;
  std::string payload_sha256;
  Receipt receipt;  // signed by the site's receipt key; the server checks it (receipt.hpp)
};
struct ShutdownRequest {
  std::string reason;
  std::vector<std::string> failed;
};

// The admin's requests to the server.
struct StatusRequest {
  std::string job_id;  // empty: every job
};
struct SubmitRequest {
  std::string spec_toml;
};
Result<StatusRequest> parse_status_request(const net::Message& m);

// A site's heartbeat (PROTOCOL.md): its latest signed audit head and its own interval, from
// which the server tells a silent site (a hung host keeps its TCP connection) from a live one.
struct Heartbeat {
  std::optional<nlohmann::json> audit_head;
  std::optional<std::chrono::milliseconds> interval;
};
Result<Heartbeat> parse_heartbeat(const net::Message& m);

// The admin's operations (docs/cli.md): end a job, stop the server. `reason` is optional text.
struct AbortRequest {
  std::string job_id;
  std::string reason;
};
struct AdminShutdownRequest {
  std::string reason;
};
Result<AbortRequest> parse_abort(const net::Message& m);
Result<AdminShutdownRequest> parse_admin_shutdown(const net::Message& m);
Result<SubmitRequest> parse_submit(const net::Message& m);  // at most one blob: the payload

Result<ContributeRequest> parse_contribute(const net::Message& m);
Result<ContributionReply> parse_contribution(const net::Message& m);
// A challenge is one of two shapes, told apart by `purpose`.
using Challenge = std::variant<JobChallenge, ReattestChallenge>;
Result<Challenge> parse_challenge(const net::Message& m);
Result<EvidenceReply> parse_evidence(const net::Message& m);
Result<PeerVerifyRequest> parse_peer_verify(const net::Message& m);
Result<VoteReply> parse_vote(const net::Message& m);
Result<DeployRequest> parse_deploy(const net::Message& m);
Result<DeployAck> parse_deploy_ack(const net::Message& m);
Result<ShutdownRequest> parse_shutdown(const net::Message& m);

nlohmann::json contributions_json(const Contributions& contributions);

}  // namespace cchost::job
