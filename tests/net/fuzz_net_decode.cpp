// libFuzzer target: decode() over arbitrary frame sets. Input layout: repeated
// [2-byte big-endian length][that many bytes] -> one frame each (a short tail is one frame).
#include <cstddef>
#include <cstdint>

#include "cchost/net/message.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<cchost::ByteView> frames;
  std::size_t pos = 0;
  while (pos < size && frames.size() < 64) {
    if (size - pos < 2) {
      frames.emplace_back(data + pos, size - pos);
      break;
    }
    const std::size_t len = (static_cast<std::size_t>(data[pos]) << 8) | data[pos + 1];
    pos += 2;
    const std::size_t take = len < size - pos ? len : size - pos;
    frames.emplace_back(data + pos, take);
    pos += take;
  }
  cchost::net::Limits small;
  small.max_frames = 8;
  small.max_frame_bytes = 4096;
  small.max_total_bytes = 8192;
  small.max_header_bytes = 512;
  small.max_json_depth = 8;
  for (const auto& limits : {cchost::net::Limits{}, small}) {
    auto message = cchost::net::decode(std::span<const cchost::ByteView>(frames), limits);
    if (message) {
      // Whatever decodes must re-encode into a message that decodes to the same header.
      auto again = cchost::net::decode(cchost::net::encode(*message), cchost::net::Limits{});
      if (!again || again->id != message->id || again->type != message->type ||
          again->sender != message->sender || again->blobs != message->blobs) {
        __builtin_trap();
      }
    }
    if (!frames.empty()) (void)cchost::net::decode_header(frames[0], limits);
  }
  return 0;
}
