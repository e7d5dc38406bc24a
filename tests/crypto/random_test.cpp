// random_bytes: the requested length, and no two draws alike (a stuck generator would be).
#include <gtest/gtest.h>

#include <set>

#include "cchost/crypto/random.hpp"

namespace cchost::crypto {
namespace {

TEST(CryptoRandom, LengthsAndDistinctDraws) {
  EXPECT_TRUE(random_bytes(0).empty());
  EXPECT_EQ(random_bytes(1).size(), 1u);
  EXPECT_EQ(random_bytes(4096).size(), 4096u);
  std::set<Bytes> seen;
  for (int i = 0; i < 64; ++i) seen.insert(random_bytes(32));
  EXPECT_EQ(seen.size(), 64u);
  Bytes big = random_bytes(4096);
  std::set<std::uint8_t> values(big.begin(), big.end());
  EXPECT_GT(values.size(), 200u);  // 4096 uniform bytes cover nearly all 256 values
}

}  // namespace
}  // namespace cchost::crypto
