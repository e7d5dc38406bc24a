#pragma once
// The cchost wire format (host/net/README.md): one multipart ZeroMQ message per protocol
// message. Frame 0 is a bounded JSON header, frame 1 a JSON object body, frames 2.. raw
// binary blobs (evidence). Everything arriving from the network goes through decode(), which
// enforces hard limits before parsing anything.
#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cchost/bytes.hpp"
#include "cchost/result.hpp"

namespace cchost::net {

inline constexpr int kProtocolVersion = 1;
inline constexpr const char* kErrorType = "error";

struct Limits {
  std::size_t max_frames = 16;                      // header + body + up to 14 blobs
  std::size_t max_frame_bytes = 4u << 20;           // 4 MiB per frame
  std::size_t max_total_bytes = 16u << 20;          // 16 MiB per message
  std::size_t max_header_bytes = 1024;              // the header is a handful of short fields
  std::size_t max_json_depth = 32;                  // nesting depth of the body
};

struct Message {
  int version = kProtocolVersion;
  std::string type;    // [a-z0-9._-], 1..64 chars
  std::string id;      // 32 lowercase hex chars (16 random bytes)
  std::string corr;    // id of the message this answers; empty for requests and pushes
  std::string sender;  // participant name; must match the name bound to the CURVE key
  nlohmann::json body = nlohmann::json::object();
  std::vector<Bytes> blobs;
  // Frames sent after `blobs`, by reference: one buffer may go to many peers at once without a
  // copy each (a job's evidence bundles to every voter: N copies of N bundles otherwise held
  // the server's memory until the slowest voter read them). Sending only: a decoded message
  // has every frame in `blobs`.
  std::vector<std::shared_ptr<const Bytes>> shared_blobs;
};

// 16 random bytes from the OS CSPRNG, as 32 lowercase hex characters.
std::string new_message_id();

// A message of `type` with a fresh id and an empty object body.
Message make_message(std::string type, std::string sender, nlohmann::json body = nlohmann::json::object());

// The error reply the server sends for a malformed or over-limit message: type "error",
// body {"reason": ...}, corr = the offending message's id when its header was readable.
Message make_error_reply(std::string sender, std::string corr, std::string reason);

// Every frame, `shared_blobs` copied in after `blobs`.
std::vector<Bytes> encode(const Message& message);
// Frames 0 and 1 and `blobs` (what encode() gives, without the shared frames).
std::vector<Bytes> encode_owned(const Message& message);

// Parses and validates frame 0 only (used to recover an id for an error reply).
Result<Message> decode_header(ByteView header_frame, const Limits& limits);

// Validates frame count, each frame's size and the total size first, then the header
// (protocol version first: an unknown version is refused whatever else it holds), then the
// body (a JSON object no deeper than limits.max_json_depth).
Result<Message> decode(std::span<const ByteView> frames, const Limits& limits);
Result<Message> decode(std::span<const Bytes> frames, const Limits& limits);

}  // namespace cchost::net
