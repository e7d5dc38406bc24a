#pragma once
// NVIDIA's two public roots, compiled in as NVIDIA's own verifiers do: the Device Identity CA
// (every GPU and NVSwitch device chain ends there) and the CoRIM signing Root CA (every RIM
// signing chain ends there). Each is checked against its SHA-256 pin when first used, so an
// edit to the text cannot silently change what is trusted. A root that arrives with evidence
// or collateral is never trusted for what it says it is.
#include <string_view>

#include "cchost/crypto/x509.hpp"

namespace cchost::nv {

// SHA-256 of the DER of each root.
inline constexpr std::string_view kDeviceIdentityRootSha256 =
    "102bf659d5419614c9d8e6aecebc80454eb26b1df6a769ac720b9a690b167b48";
inline constexpr std::string_view kCorimSigningRootSha256 =
    "12977b5115acb0381179279fffeb5a8c4d264971ebb32298023a465fa41df5d1";

// The pinned roots (the process stops with a message if the compiled text does not match its
// pin: that is a build defect, not bad input).
const crypto::Certificate& nvidia_device_identity_root();
const crypto::Certificate& nvidia_corim_signing_root();

}  // namespace cchost::nv
