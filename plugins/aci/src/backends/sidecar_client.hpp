#pragma once
// HTTP client for the SKR sidecar (NOTES §1) on 127.0.0.1, with Debian's cpp-httplib. The
// sidecar is in the container group's own trust boundary, but its answers are still parsed
// strictly: a failed request that the sidecar follows with a second write (a known bug of
// PostMAAAttest) reads as two JSON objects and is refused rather than half-read.
#include <cstdint>
#include <string>
#include <string_view>

#include "cchost/result.hpp"

namespace cchost::aci {

class SidecarClient {
 public:
  SidecarClient(int port, std::int64_t timeout_ms) : port_(port), timeout_ms_(timeout_ms) {}
  // POST /attest/maa: an MAA token whose x-ms-runtime is `runtime_data` (a JSON object).
  Result<std::string> attest_maa(const std::string& maa_endpoint, std::string_view runtime_data) const;
  // POST /attest/combined: the report, THIM certificates and UVM endorsement (a JSON object).
  Result<std::string> attest_combined(std::string_view runtime_data) const;

 private:
  Result<std::string> post(const std::string& path, const std::string& body) const;
  int port_;
  std::int64_t timeout_ms_;
};

}  // namespace cchost::aci
