#include "cchost/attest/device_list.hpp"

#include "cchost/crypto/hash.hpp"

namespace cchost::attest {
namespace {

void update_u32(crypto::Hasher& h, std::size_t value) {
  const auto n = static_cast<std::uint32_t>(value);
  const std::uint8_t be[4] = {static_cast<std::uint8_t>(n >> 24), static_cast<std::uint8_t>(n >> 16),
                              static_cast<std::uint8_t>(n >> 8), static_cast<std::uint8_t>(n)};
  h.update(ByteView(be, 4));
}

}  // namespace

Bytes device_list_digest(const std::vector<DeviceEntry>& devices) {
  crypto::Hasher h(crypto::HashAlg::Sha256);
  h.update(as_bytes(kDeviceListDomain));
  update_u32(h, devices.size());
  for (const auto& d : devices) {
    update_u32(h, d.ns.size());
    h.update(as_bytes(d.ns));
    update_u32(h, d.sha256.size());
    h.update(d.sha256);
  }
  return h.finish();
}

DeviceEntry device_entry_of(std::string ns, ByteView token) {
  return DeviceEntry{std::move(ns), crypto::sha256(token)};
}

}  // namespace cchost::attest
