#pragma once
// Composite CPU+device binding (host/job/PROTOCOL.md "Composite binding"): the list of device
// tokens a bundle's CPU evidence commits to, and its digest.
//
// A prover whose plugins include CPU evidence (describe() binding.composite = "anchor") and
// device evidence ("member") generates the device tokens first, lists them as (namespace,
// SHA-256 of the token) in token order, and binds every other token with binding v2 whose
// device_digest field is device_list_digest(list). One CPU-rooted signature then covers every
// device token of the bundle: a device token swapped afterwards no longer matches its entry,
// and an entry changed to match it no longer matches what the CPU signed.
#include <string>
#include <string_view>
#include <vector>

#include "cchost/bytes.hpp"

namespace cchost::attest {

inline constexpr std::string_view kDeviceListDomain = "cchost/devices/v1";

struct DeviceEntry {
  std::string ns;  // the device token's namespace
  Bytes sha256;    // SHA-256 of the token's bytes (32)
  bool operator==(const DeviceEntry&) const = default;
};

// SHA-256("cchost/devices/v1" || u32 count || for each entry: u32 len || ns || u32 32 || sha256),
// u32 big-endian: no two lists hash the same byte string.
Bytes device_list_digest(const std::vector<DeviceEntry>& devices);

DeviceEntry device_entry_of(std::string ns, ByteView token);

}  // namespace cchost::attest
