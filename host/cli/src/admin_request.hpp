#pragma once
// One request from an admin kit to the server, synchronously (used by `cchost admin`).
#include <chrono>
#include <string>

#include "cchost/kit/kit.hpp"
#include "cchost/net/message.hpp"
#include "cchost/result.hpp"

namespace cchost::cli {

struct AdminTimeouts {
  std::chrono::milliseconds reply{30000};    // for the answer, once connected
  std::chrono::milliseconds connect{5000};   // for the CURVE handshake: "server unreachable" after it
};

// The reply, or an Error. `unreachable` (when given) says whether the failure was that the
// server could not be reached at all (no handshake within `connect`, or it refused ours),
// which `cchost admin` reports with its own exit code.
Result<net::Message> admin_request(const kit::Kit& admin_kit, net::Message request, AdminTimeouts timeouts,
                                   bool* unreachable = nullptr);

}  // namespace cchost::cli
