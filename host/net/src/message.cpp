// Wire format encode/decode (host/net/README.md). decode() is the only code that reads bytes
// from the network: limits first, then the header, then the body.
#include "cchost/net/message.hpp"

#include "cchost/json_depth.hpp"

#include <sys/random.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <stdexcept>

namespace cchost::net {
namespace {

using nlohmann::json;

bool is_hex_id(const std::string& s) {
  if (s.size() != 32) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// Names travel into logs and audit entries: keep them short and printable.
bool is_token(const std::string& s, bool allow_upper) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
                    c == '-' || (allow_upper && c >= 'A' && c <= 'Z');
    if (!ok) return false;
  }
  return true;
}

std::string_view as_text(ByteView bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

Bytes to_bytes(const std::string& s) { return Bytes(s.begin(), s.end()); }

}  // namespace

std::string new_message_id() {
  std::array<unsigned char, 16> raw{};
  std::size_t got = 0;
  while (got < raw.size()) {
    const ssize_t n = ::getrandom(raw.data() + got, raw.size() - got, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw std::runtime_error("getrandom failed: cannot draw a message id");
    got += static_cast<std::size_t>(n);
  }
  std::string hex;
  hex.reserve(32);
  char buf[3];
  for (unsigned char b : raw) {
    std::snprintf(buf, sizeof buf, "%02x", b);
    hex += buf;
  }
  return hex;
}

Message make_message(std::string type, std::string sender, nlohmann::json body) {
  Message m;
  m.type = std::move(type);
  m.id = new_message_id();
  m.sender = std::move(sender);
  m.body = std::move(body);
  return m;
}

Message make_error_reply(std::string sender, std::string corr, std::string reason) {
  Message m = make_message(kErrorType, std::move(sender), json{{"reason", std::move(reason)}});
  m.corr = std::move(corr);
  return m;
}

std::vector<Bytes> encode_owned(const Message& message) {
  const json header = {{"v", message.version},   {"type", message.type}, {"id", message.id},
                       {"corr", message.corr},    {"sender", message.sender}};
  std::vector<Bytes> frames;
  frames.reserve(2 + message.blobs.size() + message.shared_blobs.size());
  frames.push_back(to_bytes(header.dump(-1, ' ', false, json::error_handler_t::replace)));
  const json& body = message.body.is_null() ? json::object() : message.body;
  frames.push_back(to_bytes(body.dump(-1, ' ', false, json::error_handler_t::replace)));
  for (const auto& blob : message.blobs) frames.push_back(blob);
  return frames;
}

std::vector<Bytes> encode(const Message& message) {
  auto frames = encode_owned(message);
  for (const auto& shared : message.shared_blobs) frames.push_back(shared ? *shared : Bytes{});
  return frames;
}

Result<Message> decode_header(ByteView header_frame, const Limits& limits) {
  if (header_frame.size() > limits.max_header_bytes) {
    return make_error("header frame too large: " + std::to_string(header_frame.size()) +
                      " bytes, limit " + std::to_string(limits.max_header_bytes));
  }
  const auto text = as_text(header_frame);
  if (json_nesting_depth(text) > 1) return make_error("header: expected a flat JSON object");
  const json h = json::parse(text.begin(), text.end(), nullptr, false);
  if (h.is_discarded() || !h.is_object()) return make_error("header: not a JSON object");
  // Version first: a future version may change every other field.
  const auto v = h.find("v");
  if (v == h.end() || !v->is_number_integer()) return make_error("header: missing integer field 'v'");
  if (v->get<long long>() != kProtocolVersion) {
    return make_error("unsupported protocol version: expected " + std::to_string(kProtocolVersion) +
                      ", got " + v->dump());
  }
  for (const auto& item : h.items()) {
    const auto& k = item.key();
    if (k != "v" && k != "type" && k != "id" && k != "corr" && k != "sender") {
      return make_error("header: unknown field '" + k.substr(0, 32) + "'");
    }
  }
  auto get_string = [&h](const char* key) -> const std::string* {
    const auto it = h.find(key);
    return (it != h.end() && it->is_string()) ? it->get_ptr<const std::string*>() : nullptr;
  };
  const auto* type = get_string("type");
  const auto* id = get_string("id");
  const auto* corr = get_string("corr");
  const auto* sender = get_string("sender");
  if (type == nullptr || !is_token(*type, false)) return make_error("header: 'type' must be 1..64 chars of [a-z0-9._-]");
  if (id == nullptr || !is_hex_id(*id)) return make_error("header: 'id' must be 32 lowercase hex chars");
  if (corr == nullptr || (!corr->empty() && !is_hex_id(*corr))) {
    return make_error("header: 'corr' must be empty or 32 lowercase hex chars");
  }
  if (sender == nullptr || !is_token(*sender, true)) {
    return make_error("header: 'sender' must be 1..64 chars of [A-Za-z0-9._-]");
  }
  Message m;
  m.version = kProtocolVersion;
  m.type = *type;
  m.id = *id;
  m.corr = *corr;
  m.sender = *sender;
  return m;
}

Result<Message> decode(std::span<const ByteView> frames, const Limits& limits) {
  if (frames.size() < 2) {
    return make_error("too few frames: expected at least 2 (header, body), got " + std::to_string(frames.size()));
  }
  if (frames.size() > limits.max_frames) {
    return make_error("too many frames: got " + std::to_string(frames.size()) + ", limit " +
                      std::to_string(limits.max_frames));
  }
  std::size_t total = 0;
  for (std::size_t i = 0; i < frames.size(); ++i) {
    if (frames[i].size() > limits.max_frame_bytes) {
      return make_error("frame " + std::to_string(i) + " too large: " + std::to_string(frames[i].size()) +
                        " bytes, limit " + std::to_string(limits.max_frame_bytes));
    }
    total += frames[i].size();
  }
  if (total > limits.max_total_bytes) {
    return make_error("message too large: " + std::to_string(total) + " bytes, limit " +
                      std::to_string(limits.max_total_bytes));
  }
  auto message = decode_header(frames[0], limits);
  if (!message) return message;
  const auto body_text = as_text(frames[1]);
  const auto depth = json_nesting_depth(body_text);
  if (depth > limits.max_json_depth) {
    return make_error("body nested too deeply: depth " + std::to_string(depth) + ", limit " +
                      std::to_string(limits.max_json_depth));
  }
  json body = json::parse(body_text.begin(), body_text.end(), nullptr, false);
  if (body.is_discarded() || !body.is_object()) return make_error("body: not a JSON object");
  message->body = std::move(body);
  for (std::size_t i = 2; i < frames.size(); ++i) {
    message->blobs.emplace_back(frames[i].begin(), frames[i].end());
  }
  return message;
}

Result<Message> decode(std::span<const Bytes> frames, const Limits& limits) {
  std::vector<ByteView> views(frames.begin(), frames.end());
  return decode(std::span<const ByteView>(views), limits);
}

}  // namespace cchost::net
