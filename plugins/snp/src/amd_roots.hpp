#pragma once
// AMD's root keys (ARKs), pinned per product line. These are facts published by AMD's key
// distribution service (NOTES.md §5); the verifier anchors every genuine chain here and never on
// an ARK delivered with the evidence (go-sev-guest #185: a host-supplied forged ARK was trusted).
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "cchost/bytes.hpp"
#include "report.hpp"

namespace cchost::snp {

struct PinnedArk {
  Product product;
  std::array<std::uint8_t, 32> der_sha256;   // SHA-256 of the ARK certificate (DER)
  std::array<std::uint8_t, 32> spki_sha256;  // SHA-256 of its SubjectPublicKeyInfo
  std::string_view pem;                      // the certificate itself (the trust anchor)
};

const PinnedArk& pinned_ark(Product product);
// The product whose pinned ARK has this SPKI SHA-256, if any.
std::optional<Product> product_of_pinned_spki(ByteView spki_sha256);

}  // namespace cchost::snp
