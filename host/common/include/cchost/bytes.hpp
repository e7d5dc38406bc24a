#pragma once
// Byte buffers as used across cchost: owned (Bytes) and borrowed (ByteView).
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace cchost {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

inline ByteView as_bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

}  // namespace cchost
