#include "zap_handler.hpp"

#include <zmq.h>

#include <array>

#include <spdlog/spdlog.h>

#include "frames_io.hpp"

namespace cchost::net::detail {
namespace {

// RFC 27 metadata: name length (1 byte), name, value length (4 bytes, network order), value.
std::string encode_property(const std::string& name, const std::string& value) {
  std::string out;
  out += static_cast<char>(name.size());
  out += name;
  const auto n = static_cast<std::uint32_t>(value.size());
  out += static_cast<char>((n >> 24) & 0xff);
  out += static_cast<char>((n >> 16) & 0xff);
  out += static_cast<char>((n >> 8) & 0xff);
  out += static_cast<char>(n & 0xff);
  out += value;
  return out;
}

ZapDecision deny(const std::string& request_id, const std::string& code, const std::string& why) {
  return {false, {"1.0", request_id, code, why, "", ""}, why, {}};
}

}  // namespace

ZapDecision decide_zap(const std::vector<std::string>& request, const AllowList& allow_list) {
  // version, request id, domain, address, routing id, mechanism, credentials...
  const std::string request_id = request.size() > 1 ? request[1] : "";
  if (request.size() < 6 || request[0] != "1.0") return deny(request_id, "500", "malformed ZAP request");
  if (request[5] != "CURVE") return deny(request_id, "400", "mechanism " + request[5].substr(0, 16) + " refused: CURVE only");
  if (request.size() != 7 || request[6].size() != 32) return deny(request_id, "400", "CURVE credentials malformed");
  std::array<char, 41> z85{};
  if (zmq_z85_encode(z85.data(), reinterpret_cast<const std::uint8_t*>(request[6].data()), 32) == nullptr) {
    return deny(request_id, "400", "CURVE key not encodable");
  }
  const std::string key(z85.data(), 40);
  const auto it = allow_list.find(key);
  if (it == allow_list.end()) {
    ZapDecision refused = deny(request_id, "400", "key fp=" + key_fingerprint(key) + " from " + request[3] + " not in allow-list");
    refused.key_z85 = key;
    return refused;
  }
  ZapDecision d;
  d.allowed = true;
  d.key_z85 = key;
  d.reply = {"1.0", request_id, "200", "OK", it->second.name, encode_property(kKeyProperty, key)};
  d.log_line = "key fp=" + key_fingerprint(key) + " admitted as '" + it->second.name + "' (" +
               std::string(role_name(it->second.role)) + ")";
  return d;
}

ZapHandler::ZapHandler(boost::asio::io_context& io, zmq::context_t& context, const AllowList& allow_list,
                       std::atomic<std::uint64_t>& allowed, std::atomic<std::uint64_t>& denied,
                       DeniedHandler on_denied)
    : socket_(context, zmq::socket_type::rep), allow_list_(allow_list), allowed_(allowed), denied_(denied),
      on_denied_(std::move(on_denied)),
      denied_log_(io, {.burst = 3, .interval = std::chrono::seconds(10)},
                  [](const Throttle::Summary& s) {
                    spdlog::warn("net: zap: denied {} more handshake(s) in the last {} (latest: {})", s.suppressed,
                                 interval_text(s.interval), s.last_detail);
                  }),
      admitted_log_(io, {.burst = 10, .interval = std::chrono::seconds(10)},
                    [](const Throttle::Summary& s) {
                      spdlog::info("net: zap: admitted {} more handshake(s) in the last {} (latest: {})", s.suppressed,
                                   interval_text(s.interval), s.last_detail);
                    }) {
  socket_.set(zmq::sockopt::linger, 0);
  socket_.bind(kZapEndpoint);
  reactor_ = std::make_unique<SocketReactor>(io, socket_, [this] { on_readable(); });
}

void ZapHandler::on_readable() {
  ReceivedParts received;
  if (!receive_parts(socket_, 16, received)) return;
  std::vector<std::string> request;
  for (const auto& part : received.parts) request.push_back(part.to_string());
  const ZapDecision d = decide_zap(request, allow_list_);
  if (d.allowed) {
    ++allowed_;
    if (admitted_log_.report("admitted", d.log_line)) spdlog::info("net: zap: {}", d.log_line);
  } else {
    ++denied_;
    if (denied_log_.report("denied", d.log_line)) spdlog::warn("net: zap: denied: {}", d.log_line);
    if (on_denied_ && !d.key_z85.empty()) {
      try {
        on_denied_(d.key_z85, d.log_line);
      } catch (const std::exception& e) {
        spdlog::error("net: zap: denial handler threw: {}", e.what());
      }
    }
  }
  std::vector<Bytes> frames;
  for (const auto& f : d.reply) frames.emplace_back(f.begin(), f.end());
  std::string why;
  if (!send_parts(socket_, nullptr, frames, why)) spdlog::error("net: zap: reply not sent: {}", why);
  reactor_->kick();
}

}  // namespace cchost::net::detail
