#include "sim/sim_sidecar.hpp"

#include "cchost/claims.hpp"
#include "cchost/crypto/encoding.hpp"
#include "json_strict.hpp"

namespace cchost::aci::sim {
namespace {

SidecarReply error_reply(int status, const std::string& message) {
  return {status, "{\"error\":" + sdk::json_quote(message) + "}"};
}

}  // namespace

Result<SimSidecar> SimSidecar::load(const std::filesystem::path& ca_dir, SimGuest guest) {
  auto maa = SimMaa::load(ca_dir);
  if (!maa) return maa.error();
  return SimSidecar(std::move(*maa), std::move(guest));
}

SidecarReply SimSidecar::attest_maa(std::string_view body, std::int64_t now) const {
  auto request = parse_json_object(body, "request");
  if (!request) return error_reply(400, request.message());
  const auto endpoint = request->find("maa_endpoint");
  const auto runtime = request->find("runtime_data");
  if (endpoint == request->end() || !endpoint->is_string() || runtime == request->end() || !runtime->is_string()) {
    return error_reply(400, "expected {\"maa_endpoint\": string, \"runtime_data\": string}");
  }
  // One simulated instance: asking for another one is the caller's mistake, said plainly.
  if (endpoint->get<std::string>() != kSimMaaHost) {
    return error_reply(400, "the simulated sidecar serves MAA instance " + std::string(kSimMaaHost) + " only, not " +
                                endpoint->get<std::string>());
  }
  auto bytes = crypto::base64_decode(runtime->get<std::string>());
  if (!bytes) return error_reply(400, "runtime_data: " + bytes.message());
  auto token = maa_.issue(std::string_view(reinterpret_cast<const char*>(bytes->data()), bytes->size()), now, guest_);
  if (!token) return error_reply(400, token.message());
  return {200, "{\"token\":" + sdk::json_quote(*token) + "}"};
}

}  // namespace cchost::aci::sim
