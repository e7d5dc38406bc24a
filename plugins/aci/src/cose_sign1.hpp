#pragma once
// COSE_Sign1 (RFC 9052 §4.2) as the UVM endorsement uses it (NOTES §6 step 5), parsed with
// Debian's libcbor. Parsing only: the signature, the x5chain and the header values are checked
// in uvm_endorsement.cpp. Untrusted bytes: sizes are bounded, every item must have the type the
// structure requires (definite lengths only), a duplicated header label is refused, and nothing
// may follow the structure.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cchost/bytes.hpp"
#include "cchost/result.hpp"

namespace cchost::aci {

// Endorsements seen are about 11 KiB (three certificates and an RFC 3161 countersignature).
inline constexpr std::size_t kMaxCoseSize = 64 * 1024;

struct CoseSign1 {
  Bytes protected_bytes;                  // the protected header exactly as signed
  std::int64_t alg = 0;                   // label 1 (PS384 = -38)
  std::optional<std::string> content_type;  // label 3, when a text string
  std::vector<Bytes> x5chain;             // label 33, DER certificates, leaf first
  std::string iss;                        // "iss" (did:x509)
  std::string feed;                       // "feed"
  std::optional<std::int64_t> signing_time;  // "signingtime" (tag 1: epoch seconds)
  Bytes payload;
  Bytes signature;
};

Result<CoseSign1> parse_cose_sign1(ByteView bytes);

// The bytes the signature covers: CBOR ["Signature1", protected, h'', payload] (RFC 9052 §4.4).
Result<Bytes> cose_sig_structure(const CoseSign1& cose);

}  // namespace cchost::aci
