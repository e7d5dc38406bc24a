// Idempotency cache: computes once per (sender, id), bounded, not shared across senders.
#include <gtest/gtest.h>

#include "cchost/net/reply_cache.hpp"

namespace cchost::net {
namespace {

TEST(NetReplyCache, SecondRequestWithSameIdDoesNotRecompute) {
  ReplyCache cache(8);
  int runs = 0;
  auto compute = [&] { ++runs; return make_message("pong", "server", {{"run", runs}}); };
  const auto first = cache.reply_once("site-a", "id1", compute);
  const auto again = cache.reply_once("site-a", "id1", compute);
  EXPECT_EQ(runs, 1);
  EXPECT_EQ(again.id, first.id);
  EXPECT_EQ(again.body, first.body);
}

TEST(NetReplyCache, KeyedBySenderSoPeersCannotReadEachOthersReplies) {
  ReplyCache cache(8);
  int runs = 0;
  auto compute = [&] { ++runs; return make_message("pong", "server"); };
  (void)cache.reply_once("site-a", "id1", compute);
  (void)cache.reply_once("site-b", "id1", compute);
  EXPECT_EQ(runs, 2);
  EXPECT_FALSE(cache.find("site-b", "id2"));
}

TEST(NetReplyCache, BoundedLeastRecentlyUsedEviction) {
  ReplyCache cache(2);
  cache.put("s", "a", make_message("r", "server"));
  cache.put("s", "b", make_message("r", "server"));
  EXPECT_TRUE(cache.find("s", "a"));  // a is now most recent
  cache.put("s", "c", make_message("r", "server"));
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_TRUE(cache.find("s", "a"));
  EXPECT_FALSE(cache.find("s", "b"));
  EXPECT_TRUE(cache.find("s", "c"));
}

}  // namespace
}  // namespace cchost::net
