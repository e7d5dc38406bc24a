#pragma once
// The simulated SKR sidecar's request handling (NOTES §1 table), shared by the in-process `sim`
// backend and the cchost-aci-sim-sidecar process that tests reach over real HTTP on loopback.
// It answers what the real sidecar answers, in the same JSON, with tokens from the simulated
// MAA instance.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "cchost/result.hpp"
#include "sim/sim_maa.hpp"

namespace cchost::snp {
class ReportBackend;
}

namespace cchost::aci::sim {

struct SidecarReply {
  int status = 200;
  std::string body;  // JSON
};

class SimSidecar {
 public:
  // `ca_dir`: sim_provision's secret folder. The raw endpoint needs its snp/ CA and
  // uvm_endorsement.cose too.
  static Result<SimSidecar> load(const std::filesystem::path& ca_dir, SimGuest guest = {});
  // POST /attest/maa {"maa_endpoint": host, "runtime_data": std base64 of a JSON object}
  //   -> 200 {"token": "<JWT>"}, or 400 {"error": "..."}
  SidecarReply attest_maa(std::string_view request_body, std::int64_t now) const;
  // POST /attest/combined {"runtime_data": std base64}
  //   -> 200 {"evidence", "endorsements", "uvm_endorsements", "endorsed_tcb"}: a report signed by
  //   the simulated VCEK (plugins/snp's sim backend) with REPORT_DATA = SHA-256(runtime data) ||
  //   0^32 and HOST_DATA = SHA-256(kSimCcePolicy), the sim chain's PEMs, the sim endorsement.
  SidecarReply attest_combined(std::string_view request_body);
  // GET /status
  static SidecarReply status() { return {200, "{\"message\":\"Status OK\"}"}; }

 private:
  SimSidecar(SimMaa maa, SimGuest guest) : maa_(std::move(maa)), guest_(std::move(guest)) {}
  SimMaa maa_;
  SimGuest guest_;
  std::shared_ptr<snp::ReportBackend> reports_;  // null: no raw endpoint (no snp/ CA)
  Bytes endorsement_;
};

}  // namespace cchost::aci::sim
