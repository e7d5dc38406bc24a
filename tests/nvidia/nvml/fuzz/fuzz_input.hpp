#pragma once
// The byte stream a fuzz-driven fake library answers from (set per fuzz input through
// fake_fuzz_set_input). Exhausted input reads as zeros: success, empty, smallest.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

namespace fuzz_nv {

inline std::vector<std::uint8_t>& input() {
  static std::vector<std::uint8_t> bytes;
  return bytes;
}
inline std::size_t& position() {
  static std::size_t pos = 0;
  return pos;
}
inline std::uint8_t take_u8() { return position() < input().size() ? input()[position()++] : 0; }
inline std::uint32_t take_u32() {
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= static_cast<std::uint32_t>(take_u8()) << (8 * i);
  return v;
}
// Fills out[0:n] from the stream (zeros once exhausted).
inline void take_into(void* out, std::size_t n) {
  auto* p = static_cast<std::uint8_t*>(out);
  const std::size_t have = std::min(n, input().size() - std::min(position(), input().size()));
  if (have) std::memcpy(p, input().data() + position(), have);
  std::memset(p + have, 0, n - have);
  position() += have;
}
// A return code: mostly success, sometimes an error number.
inline int take_rc() {
  const std::uint8_t b = take_u8();
  return b < 224 ? 0 : static_cast<int>(b) - 224 + 1;
}

}  // namespace fuzz_nv

#define FUZZ_EXPORT extern "C" __attribute__((visibility("default")))
#define FUZZ_SET_INPUT_FUNCTION                                                         \
  FUZZ_EXPORT void fake_fuzz_set_input(const std::uint8_t* data, std::size_t size) {    \
    fuzz_nv::input().assign(data, data + size);                                          \
    fuzz_nv::position() = 0;                                                             \
  }
