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

// Binding v2 (PROTOCOL.md "Binding v2"): v1's parts plus job key and device digest, each
// length-prefixed (an empty field is a zero length), under its own domain.
TEST(AttestBindingV2, IsTheDocumentedConstruction) {
  const Bytes job_key(32, 0x33);
  Bytes input(cchost::attest::kBindingDomainV2.begin(), cchost::attest::kBindingDomainV2.end());
  auto put = [&](const Bytes& part) {
    input.insert(input.end(), {0, 0, 0, static_cast<std::uint8_t>(part.size())});
    input.insert(input.end(), part.begin(), part.end());
  };
  put(kNonce);
  put(kKey);
  put(Bytes{'s', 'i', 't', 'e', '-', '1'});
  put(job_key);
  put(Bytes{});  // device digest: reserved, empty
  auto b64 = cchost::attest::binding_v2_of_size({kNonce, kKey, "site-1", job_key, {}}, 64);
  ASSERT_TRUE(b64) << b64.message();
  EXPECT_EQ(*b64, cchost::crypto::sha512(input));
  auto b32 = cchost::attest::binding_v2_of_size({kNonce, kKey, "site-1", job_key, {}}, 32);
  ASSERT_TRUE(b32);
  EXPECT_EQ(*b32, cchost::crypto::sha256(input));
  EXPECT_FALSE(cchost::attest::binding_v2_of_size({kNonce, kKey, "site-1", job_key, {}}, 48));
}

TEST(AttestBindingV2, EveryFieldCountsAndNoV1InputCollides) {
  const Bytes job_key(32, 0x33);
  auto v2 = [&](cchost::attest::BindingV2Inputs in) { return *cchost::attest::binding_v2_of_size(in, 64); };
  const Bytes base = v2({kNonce, kKey, "site-1", job_key, {}});
  Bytes other_job_key = job_key;
  other_job_key[5] ^= 1;
  EXPECT_NE(v2({kNonce, kKey, "site-1", other_job_key, {}}), base);
  EXPECT_NE(v2({kNonce, kKey, "site-1", {}, {}}), base);
  EXPECT_NE(v2({kNonce, kKey, "site-1", {}, job_key}), base) << "job key and device digest must not swap places";
  EXPECT_NE(v2({kNonce, kKey, "site-2", job_key, {}}), base);
  // With both new fields empty v2 still differs from v1 (its own domain, two more prefixes).
  auto v1 = cchost::attest::binding_of_size(kNonce, kKey, "site-1", 64);
  EXPECT_NE(v2({kNonce, kKey, "site-1", {}, {}}), *v1);
}
