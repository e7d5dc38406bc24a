#include "cchost/attest/binding.hpp"

#include <gtest/gtest.h>

#include "cchost/crypto/encoding.hpp"
#include "cchost/crypto/hash.hpp"

using cchost::Bytes;
using cchost::attest::compute_binding;

namespace {
const Bytes kNonce(32, 0x11);
const Bytes kKey(32, 0x22);
}  // namespace

TEST(AttestBinding, IsSha512OfDomainAndLengthPrefixedParts) {
  Bytes expected_input(cchost::attest::kBindingDomain.begin(), cchost::attest::kBindingDomain.end());
  auto put = [&](const Bytes& part) {
    expected_input.insert(expected_input.end(), {0, 0, 0, static_cast<std::uint8_t>(part.size())});
    expected_input.insert(expected_input.end(), part.begin(), part.end());
  };
  put(kNonce);
  put(kKey);
  put(Bytes{'s', 'i', 't', 'e', '-', '1'});
  const Bytes digest = cchost::crypto::sha512(expected_input);
  const auto binding = compute_binding(kNonce, kKey, "site-1");
  EXPECT_EQ(Bytes(binding.begin(), binding.end()), digest);
  // A 32-byte plugin binding: SHA-256 over the very same construction (sdk/README.md).
  auto b32 = cchost::attest::binding_of_size(kNonce, kKey, "site-1", 32);
  ASSERT_TRUE(b32) << b32.message();
  EXPECT_EQ(*b32, cchost::crypto::sha256(expected_input));
  auto b64 = cchost::attest::binding_of_size(kNonce, kKey, "site-1", 64);
  ASSERT_TRUE(b64);
  EXPECT_EQ(*b64, digest);
  EXPECT_FALSE(cchost::attest::binding_of_size(kNonce, kKey, "site-1", 48));
}

TEST(AttestBinding, EveryInputChangesTheBinding) {
  const auto base = compute_binding(kNonce, kKey, "site-1");
  Bytes other_nonce = kNonce;
  other_nonce[31] ^= 1;
  Bytes other_key = kKey;
  other_key[0] ^= 1;
  EXPECT_NE(compute_binding(other_nonce, kKey, "site-1"), base);
  EXPECT_NE(compute_binding(kNonce, other_key, "site-1"), base);
  EXPECT_NE(compute_binding(kNonce, kKey, "site-2"), base);
  EXPECT_EQ(compute_binding(kNonce, kKey, "site-1"), base);
}

TEST(AttestBinding, LengthPrefixesSeparateAmbiguousSplits) {
  // Without length prefixes, (nonce || key) = (nonce' || key') for a shifted split.
  Bytes a(33, 0x11), b(31, 0x22);
  Bytes a2(32, 0x11), b2(32, 0x22);
  b2[0] = 0x11;  // a2||b2 == a||b byte for byte
  Bytes concat1 = a; concat1.insert(concat1.end(), b.begin(), b.end());
  Bytes concat2 = a2; concat2.insert(concat2.end(), b2.begin(), b2.end());
  ASSERT_EQ(concat1, concat2);
  EXPECT_NE(compute_binding(a, b, "x"), compute_binding(a2, b2, "x"));
}
