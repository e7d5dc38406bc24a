// SHA-2 known answers: FIPS 180-2 Appendix examples ("abc", the 448-bit message) and the
// empty string.
#include <gtest/gtest.h>

#include <string>

#include "cchost/crypto/encoding.hpp"
#include "cchost/crypto/hash.hpp"

namespace cchost::crypto {
namespace {

std::string hex(const Bytes& b) { return hex_encode(b); }

TEST(CryptoHash, Sha256KnownAnswers) {
  EXPECT_EQ(hex(sha256(as_bytes("abc"))),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hex(sha256(as_bytes(""))),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(hex(sha256(as_bytes("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"))),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(CryptoHash, Sha384KnownAnswers) {
  EXPECT_EQ(hex(sha384(as_bytes("abc"))),
            "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
            "8086072ba1e7cc2358baeca134c825a7");
  EXPECT_EQ(hex(sha384(as_bytes(""))),
            "38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da"
            "274edebfe76f65fbd51ad2f14898b95b");
}

TEST(CryptoHash, Sha512KnownAnswers) {
  EXPECT_EQ(hex(sha512(as_bytes("abc"))),
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
            "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
  EXPECT_EQ(hex(sha512(as_bytes(""))),
            "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
            "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e");
}

TEST(CryptoHash, TamperedInputChangesDigest) {
  EXPECT_NE(hex(sha256(as_bytes("abd"))),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_NE(sha384(as_bytes("abc")), sha384(as_bytes("abc ")));
}

TEST(CryptoHash, NamesAndSizes) {
  EXPECT_EQ(hash_name(HashAlg::Sha256), "SHA-256");
  EXPECT_EQ(hash_name(HashAlg::Sha384), "SHA-384");
  EXPECT_EQ(hash_name(HashAlg::Sha512), "SHA-512");
  EXPECT_EQ(hash_size(HashAlg::Sha256), 32u);
  EXPECT_EQ(hash_size(HashAlg::Sha384), 48u);
  EXPECT_EQ(hash_size(HashAlg::Sha512), 64u);
  EXPECT_EQ(digest(HashAlg::Sha512, as_bytes("x")).size(), 64u);
}

TEST(CryptoHash, IncrementalEqualsOneShotAndResets) {
  Hasher h(HashAlg::Sha256);
  h.update(as_bytes("abcdbcdecdefdefgefghfghighijhijk")).update(as_bytes(""));
  h.update(as_bytes("ijkljklmklmnlmnomnopnopq"));
  EXPECT_EQ(hex(h.finish()), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  // finish() leaves the hasher ready for a new message.
  h.update(as_bytes("abc"));
  EXPECT_EQ(hex(h.finish()), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace cchost::crypto
