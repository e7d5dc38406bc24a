#include "runtime_data.hpp"

#include <algorithm>

#include "cchost/crypto/encoding.hpp"
#include "cchost/crypto/hash.hpp"

namespace cchost::aci {

std::string make_runtime_data(const Binding& binding) {
  return std::string("{\"") + kBindingMember + "\":\"" + crypto::hex_encode(binding) + "\"}";
}

std::array<std::uint8_t, 64> report_data_for(ByteView runtime_data) {
  std::array<std::uint8_t, 64> out{};
  const Bytes digest = crypto::sha256(runtime_data);
  std::copy(digest.begin(), digest.end(), out.begin());
  return out;
}

Status check_report_data(ByteView runtime_data, ByteView report_data) {
  if (report_data.size() != 64) {
    return make_error("REPORT_DATA: expected 64 bytes, got " + std::to_string(report_data.size()));
  }
  const auto expected = report_data_for(runtime_data);
  if (!std::equal(expected.begin(), expected.end(), report_data.begin())) {
    return make_error("REPORT_DATA must be SHA-256(runtime data) || 0^32: expected " +
                      crypto::hex_encode(expected) + ", got " + crypto::hex_encode(report_data));
  }
  return {};
}

Status check_binding(const Json& runtime, const Binding& expected) {
  const auto member = runtime.find(kBindingMember);
  if (member == runtime.end() || !member->is_string()) {
    return make_error(std::string("binding: the runtime data has no \"") + kBindingMember +
                      "\" string (it binds no cchost nonce)");
  }
  auto got = crypto::hex_decode(member->get<std::string>());
  if (!got) return make_error(std::string("binding: ") + kBindingMember + ": " + got.message());
  if (got->size() != expected.size() || !std::equal(expected.begin(), expected.end(), got->begin())) {
    return make_error("binding mismatch: expected " + crypto::hex_encode(expected) + ", got " +
                      crypto::hex_encode(*got));
  }
  return {};
}

}  // namespace cchost::aci
