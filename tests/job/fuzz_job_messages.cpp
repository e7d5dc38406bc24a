// libFuzzer: every job-message schema (host/job/src/job_messages.*) on arbitrary JSON bodies
// and blob counts. The first byte picks the message type and the blob count; the rest is the
// body's JSON text. A parser may refuse anything, but must never throw, crash or hang.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>

#include "job_messages.hpp"

namespace {

using namespace cchost;

void parse_as(std::uint8_t pick, const net::Message& m) {
  switch (pick % 15) {
    case 0: (void)job::parse_status_request(m); break;
    case 1: (void)job::parse_heartbeat(m); break;
    case 2: (void)job::parse_submit(m); break;
    case 3: (void)job::parse_contribute(m); break;
    case 4: (void)job::parse_contribution(m); break;
    case 5: (void)job::parse_challenge(m); break;
    case 6: (void)job::parse_evidence(m); break;
    case 7: (void)job::parse_peer_verify(m); break;
    case 8: (void)job::parse_vote(m); break;
    case 9: (void)job::parse_deploy(m); break;
    case 10: (void)job::parse_deploy_ack(m); break;
    case 11: (void)job::parse_shutdown(m); break;
    case 12: (void)job::parse_abort(m); break;
    case 13: (void)job::parse_admin_shutdown(m); break;
    default: break;
  }
}

const char* type_of(std::uint8_t pick) {
  static const char* kTypes[] = {"status", "heartbeat", "submit", "contribute", "contribution", "challenge", "evidence",
                                 "peer_verify", "vote", "deploy", "ack", "shutdown", "abort", "server.shutdown", "other"};
  return kTypes[pick % 15];
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::uint8_t pick = data[0];
  auto body = nlohmann::json::parse(data + 1, data + size, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) return 0;
  net::Message m;
  m.type = type_of(pick);
  m.body = std::move(body);
  m.blobs.resize((pick >> 4) % 4, cchost::Bytes(3, 0x41));
  parse_as(pick, m);
  return 0;
}
