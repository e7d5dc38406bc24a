#pragma once
// A simulated UVM supply chain for the raw path's sim: a root (trusted only as
// sim_uvm_root.pem, which marks claims simulated), a leaf with the UVM-signing EKU, and one
// UVM endorsement COSE_Sign1 (PS384) shaped like Microsoft's (NOTES §6 step 5), signed at
// provisioning time for the simulated UVM's launch measurement.
#include <cstdint>
#include <filesystem>
#include <string_view>

#include "cchost/bytes.hpp"
#include "cchost/result.hpp"

namespace cchost::aci::sim {

// The simulated UVM's MEASUREMENT (48 bytes, hex): the sim's reports and endorsements use it.
inline constexpr const char* kSimMeasurement =
    "5c1a7e5e0000000000000000000000000000000000000000000000000000000000000000000000000000000000c0ffee";
inline constexpr const char* kSimUvmRootFile = "sim_uvm_root.pem";
inline constexpr const char* kSimEndorsementFile = "uvm_endorsement.cose";

// Writes `dir`/sim_uvm_root.pem and `dir`/uvm_endorsement.cose (svn `uvm_svn`, signed at
// `now`). The keys are not kept: nothing else is ever signed with them.
Status create_sim_uvm(const std::filesystem::path& dir, std::int64_t now, std::int64_t uvm_svn = 101);

// COSE_Sign1 encoding (tag 18) of a protected header, payload and signature, for the sim.
Result<Bytes> encode_cose_sign1(ByteView protected_header, ByteView payload, ByteView signature);

}  // namespace cchost::aci::sim
