#pragma once
// One request from an admin kit to the server, synchronously (used by `cchost admin`).
#include <chrono>
#include <string>

#include "cchost/kit/kit.hpp"
#include "cchost/net/message.hpp"
#include "cchost/result.hpp"

namespace cchost::cli {

Result<net::Message> admin_request(const kit::Kit& admin_kit, net::Message request, std::chrono::milliseconds timeout);

}  // namespace cchost::cli
