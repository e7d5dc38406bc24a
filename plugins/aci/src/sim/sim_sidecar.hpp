#pragma once
// The simulated SKR sidecar's request handling (NOTES §1 table), shared by the in-process `sim`
// backend and the cchost-aci-sim-sidecar process that tests reach over real HTTP on loopback.
// It answers what the real sidecar answers, in the same JSON, with tokens from the simulated
// MAA instance.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "cchost/result.hpp"
#include "sim/sim_maa.hpp"

namespace cchost::aci::sim {

struct SidecarReply {
  int status = 200;
  std::string body;  // JSON
};

class SimSidecar {
 public:
  static Result<SimSidecar> load(const std::filesystem::path& ca_dir, SimGuest guest = {});
  // POST /attest/maa {"maa_endpoint": host, "runtime_data": std base64 of a JSON object}
  //   -> 200 {"token": "<JWT>"}, or 400 {"error": "..."}
  SidecarReply attest_maa(std::string_view request_body, std::int64_t now) const;
  // GET /status
  static SidecarReply status() { return {200, "{\"message\":\"Status OK\"}"}; }

 private:
  SimSidecar(SimMaa maa, SimGuest guest) : maa_(std::move(maa)), guest_(std::move(guest)) {}
  SimMaa maa_;
  SimGuest guest_;
};

}  // namespace cchost::aci::sim
