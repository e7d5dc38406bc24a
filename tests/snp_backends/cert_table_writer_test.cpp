// The sim cert table: AMD's GUIDs in RFC 4122 byte order, little-endian offsets/lengths, an
// all-zero terminator, and a table the separately written parser (src/cert_table.cpp) accepts.
#include <gtest/gtest.h>

#include "cert_table.hpp"
#include "sim/cert_table_writer.hpp"
#include "test_support.hpp"

namespace cchost::snp {
namespace {

using testing::from_hex;
using testing::le32;
using testing::slice;

TEST(SnpSimCertTable, LayoutAndGuids) {
  const Bytes vcek(300, 0x11), ask(1000, 0x22), ark(1100, 0x33);
  const Bytes t = sim::write_sim_cert_table(vcek, ask, ark);
  ASSERT_EQ(t.size(), 4 * 24 + 300 + 1000 + 1100);
  // GUIDs from NOTES.md §7, in the order the string is written.
  EXPECT_EQ(slice(t, 0, 16), from_hex("63da758de6644564adc5f4b93be8accd"));   // VCEK
  EXPECT_EQ(slice(t, 24, 16), from_hex("4ab7b379bbac4fe4a02f05aef327c782"));  // ASK
  EXPECT_EQ(slice(t, 48, 16), from_hex("c0b406a4a80349529743" "3fb6014cd0ae"));  // ARK
  EXPECT_TRUE(testing::all_zero(t, 72, 96));  // terminator
  EXPECT_EQ(le32(t, 16), 96u);
  EXPECT_EQ(le32(t, 20), 300u);
  EXPECT_EQ(le32(t, 40), 396u);
  EXPECT_EQ(le32(t, 44), 1000u);
  EXPECT_EQ(le32(t, 64), 1396u);
  EXPECT_EQ(le32(t, 68), 1100u);
  EXPECT_EQ(slice(t, 96, 300), vcek);
  EXPECT_EQ(slice(t, 1396, 1100), ark);
}

TEST(SnpSimCertTable, ParserFindsEachCertificate) {
  const Bytes vcek(10, 0x11), ask(20, 0x22), ark(30, 0x33);
  auto parsed = parse_cert_table(sim::write_sim_cert_table(vcek, ask, ark));
  ASSERT_TRUE(parsed.ok()) << parsed.message();
  ASSERT_EQ(parsed->entries.size(), 3u);
  auto as_vec = [](std::optional<ByteView> v) { return v ? Bytes(v->begin(), v->end()) : Bytes{}; };
  EXPECT_EQ(as_vec(parsed->find(kGuidVcek)), vcek);
  EXPECT_EQ(as_vec(parsed->find(kGuidAsk)), ask);
  EXPECT_EQ(as_vec(parsed->find(kGuidArk)), ark);
}

}  // namespace
}  // namespace cchost::snp
