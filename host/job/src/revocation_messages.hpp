#pragma once
// Schemas of the revocation messages (PROTOCOL.md "Revocation"), strict like job_messages.hpp:
//   admin.revoke  admin   -            {site, reason}          -> revoked {site, serial, key_sha256}
//   revocation    server  -            {list: revocation list} -> ack {serial}
#include <string>

#include "cchost/job/revocation_list.hpp"
#include "cchost/net/message.hpp"

namespace cchost::job {

struct AdminRevokeRequest {
  std::string site;
  std::string reason;  // 1..kMaxRevocationReason bytes
};
Result<AdminRevokeRequest> parse_admin_revoke(const net::Message& m);

struct RevocationPush {
  RevocationList list;  // schema-checked, signature not yet
};
Result<RevocationPush> parse_revocation_push(const net::Message& m);

}  // namespace cchost::job
