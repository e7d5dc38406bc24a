#include "cchost/attest/device_list.hpp"

#include "cchost/crypto/hash.hpp"

namespace cchost::attest {

Bytes device_list_digest(const std::vector<DeviceEntry>& devices) {
  crypto::Hasher h(crypto::HashAlg::Sha256);
  h.update(as_bytes(kDeviceListDomain));
  h.update_u32(static_cast<std::uint32_t>(devices.size()));
  for (const auto& d : devices) {
    h.update_prefixed(as_bytes(d.ns));
    h.update_prefixed(d.sha256);
  }
  return h.finish();
}

DeviceEntry device_entry_of(std::string ns, ByteView token) {
  return DeviceEntry{std::move(ns), crypto::sha256(token)};
}

}  // namespace cchost::attest
