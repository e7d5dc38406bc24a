#pragma once
// An NVIDIA device's certificate chain (NVML attestationCertChain / NSCQ certificate): five PEM
// certificates, leaf first: the per-boot attestation key ("... FMC LF"), the per-chip device
// identity ("... BROM", whose CN is the hwmodel), the provisioner ICA, the family identity CA,
// and the NVIDIA Device Identity CA. The chain is verified to a root **pinned by the caller**
// (the chain's own last certificate only travels along; it is never trusted), and the FWID the
// leaf carries is extracted for the comparison with the report.
#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cchost/bytes.hpp"
#include "cchost/crypto/public_key.hpp"
#include "cchost/crypto/x509.hpp"
#include "cchost/result.hpp"
#include "cchost/verify/validity_cache.hpp"

namespace cchost::nv {

inline constexpr std::size_t kDeviceChainLength = 5;

struct DeviceIdentity {
  crypto::PublicKey attestation_key;   // the leaf's key: it signs the report
  std::string hwmodel;                 // the device identity (BROM) certificate's CN
  std::string ueid;                    // the leaf's serial number in decimal
  std::optional<Bytes> fwid;           // 48 bytes from the leaf's FWID extension, when present
  std::string root_sha256;             // hex SHA-256 of the pinned root the chain ended at
  std::time_t expiration = 0;          // the earliest notAfter in the chain
  std::vector<crypto::Certificate> certificates;  // as verified, leaf first, root last
};

// The FWID a leaf certificate carries: Hopper and LS10 put it in 2.23.133.5.4.1 (the last 48
// bytes of the extension value), Blackwell in the DICE TcbInfo 2.23.133.5.4.1.1 (the first
// digest of its fwids list). Absent: nullopt. Malformed: an error.
Result<std::optional<Bytes>> leaf_fwid(const crypto::Certificate& leaf);

// The leaf serial number as a decimal string (the ueid claim NVIDIA's verifiers print).
std::string serial_decimal(const crypto::Certificate& cert);

class DeviceChainVerifier {
 public:
  // `pinned_roots`: self-signed roots; a chain must end at one of them.
  explicit DeviceChainVerifier(std::vector<crypto::Certificate> pinned_roots);

  // Verifies `pem` (the device chain text) at `at`. Results are cached by the chain's digest
  // for as long as the chain is valid, so a device seen again costs one hash.
  Result<DeviceIdentity> verify(std::string_view pem, std::time_t at) const;

 private:
  Result<DeviceIdentity> verify_uncached(std::string_view pem, std::time_t at) const;

  std::vector<crypto::Certificate> roots_;
  mutable vkit::ValidityCache<DeviceIdentity> cache_;
};

}  // namespace cchost::nv
