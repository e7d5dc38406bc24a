#include "backends/sidecar_client.hpp"

#include <httplib.h>

#include "cchost/claims.hpp"
#include "cchost/crypto/encoding.hpp"
#include "json_strict.hpp"

namespace cchost::aci {
namespace {

constexpr std::size_t kMaxReply = 1 << 20;

std::string where(int port, const std::string& path) {
  return "sidecar http://127.0.0.1:" + std::to_string(port) + path;
}

}  // namespace

Result<std::string> SidecarClient::post(const std::string& path, const std::string& body) const {
  httplib::Client client("127.0.0.1", port_);
  const auto seconds = static_cast<time_t>(timeout_ms_ / 1000);
  const auto usec = static_cast<time_t>((timeout_ms_ % 1000) * 1000);
  client.set_connection_timeout(seconds, usec);
  client.set_read_timeout(seconds, usec);
  client.set_write_timeout(seconds, usec);
  auto res = client.Post(path, body, "application/json");
  if (!res) return make_error(where(port_, path) + ": " + httplib::to_string(res.error()));
  if (res->body.size() > kMaxReply) return make_error(where(port_, path) + ": reply larger than 1 MiB");
  auto doc = parse_json_object(res->body, where(port_, path) + " reply");
  if (res->status != 200) {
    std::string reason = "(no error message)";
    if (doc) {
      if (auto e = doc->find("error"); e != doc->end() && e->is_string()) reason = e->get<std::string>().substr(0, 512);
    }
    return make_error(where(port_, path) + ": HTTP " + std::to_string(res->status) + ": " + reason);
  }
  if (!doc) return doc.error();
  return compact_json(*doc);
}

Result<std::string> SidecarClient::attest_maa(const std::string& maa_endpoint, std::string_view runtime_data) const {
  const std::string body = "{\"maa_endpoint\":" + sdk::json_quote(maa_endpoint) +
                           ",\"runtime_data\":" + sdk::json_quote(crypto::base64_encode(as_bytes(runtime_data))) + "}";
  auto reply = post("/attest/maa", body);
  if (!reply) return reply.error();
  auto doc = parse_json_object(*reply, "sidecar /attest/maa reply");
  if (!doc) return doc.error();
  const auto token = doc->find("token");
  if (token == doc->end() || !token->is_string()) {
    return make_error("sidecar /attest/maa reply: expected {\"token\": string}");
  }
  return token->get<std::string>();
}

Result<std::string> SidecarClient::attest_combined(std::string_view runtime_data) const {
  const std::string body = "{\"runtime_data\":" + sdk::json_quote(crypto::base64_encode(as_bytes(runtime_data))) + "}";
  return post("/attest/combined", body);
}

}  // namespace cchost::aci
