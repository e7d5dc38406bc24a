#include "cchost/attest/nonce_registry.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

using cchost::attest::NonceRegistry;

namespace {

struct FakeClock {
  std::int64_t t = 1'700'000'000;
  NonceRegistry::Clock fn() {
    return [this] { return t; };
  }
};

std::filesystem::path temp_file(const char* name) {
  auto dir = std::filesystem::temp_directory_path() / ("cchost-nonce-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto p = dir / name;
  std::filesystem::remove(p);
  return p;
}

}  // namespace

TEST(AttestNonce, ConsumedOnceOnly) {
  FakeClock clock;
  auto reg = NonceRegistry::open({.capacity = 16, .validity_seconds = 60, .file = {}, .clock = clock.fn()});
  ASSERT_TRUE(reg);
  auto nonce = (*reg)->issue("site-1");
  ASSERT_TRUE(nonce);
  EXPECT_EQ(nonce->size(), 32u);
  EXPECT_TRUE((*reg)->consume(*nonce, "site-1"));
  auto replay = (*reg)->consume(*nonce, "site-1");
  ASSERT_FALSE(replay);
  EXPECT_NE(replay.message().find("already used"), std::string::npos) << replay.message();
}

TEST(AttestNonce, RefusesUnknownWrongPeerExpiredAndBadSize) {
  FakeClock clock;
  auto reg = NonceRegistry::open({.capacity = 16, .validity_seconds = 60, .file = {}, .clock = clock.fn()});
  ASSERT_TRUE(reg);
  cchost::Bytes unknown(32, 0xAB);
  EXPECT_NE((*reg)->consume(unknown, "site-1").message().find("not issued"), std::string::npos);

  auto nonce = (*reg)->issue("site-1");
  ASSERT_TRUE(nonce);
  EXPECT_NE((*reg)->consume(*nonce, "site-2").message().find("issued to 'site-1'"), std::string::npos);

  cchost::Bytes short_nonce(31, 0);
  EXPECT_NE((*reg)->consume(short_nonce, "site-1").message().find("expected 32 bytes"), std::string::npos);

  clock.t += 61;
  EXPECT_FALSE((*reg)->consume(*nonce, "site-1"));
}

TEST(AttestNonce, BoundedByCapacity) {
  FakeClock clock;
  auto reg = NonceRegistry::open({.capacity = 4, .validity_seconds = 600, .file = {}, .clock = clock.fn()});
  ASSERT_TRUE(reg);
  auto first = (*reg)->issue("p");
  for (int i = 0; i < 10; ++i) ASSERT_TRUE((*reg)->issue("p"));
  EXPECT_LE((*reg)->outstanding(), 4u);
  EXPECT_FALSE((*reg)->consume(*first, "p"));  // evicted: the challenge must be re-issued
}

TEST(AttestNonce, PersistsAcrossRestartWithinValidity) {
  FakeClock clock;
  const auto file = temp_file("persist.log");
  cchost::Bytes pending, used;
  {
    auto reg = NonceRegistry::open({.capacity = 16, .validity_seconds = 60, .file = file, .clock = clock.fn()});
    ASSERT_TRUE(reg);
    pending = *(*reg)->issue("site-1");
    used = *(*reg)->issue("site-1");
    ASSERT_TRUE((*reg)->consume(used, "site-1"));
  }
  auto reg = NonceRegistry::open({.capacity = 16, .validity_seconds = 60, .file = file, .clock = clock.fn()});
  ASSERT_TRUE(reg);
  EXPECT_FALSE((*reg)->consume(used, "site-1")) << "a replay after restart must still be refused";
  EXPECT_TRUE((*reg)->consume(pending, "site-1")) << "a challenge sent before restart stays valid";
}

TEST(AttestNonce, TornLastLineIsTolerated) {
  FakeClock clock;
  const auto file = temp_file("torn.log");
  cchost::Bytes pending;
  {
    auto reg = NonceRegistry::open({.capacity = 16, .validity_seconds = 60, .file = file, .clock = clock.fn()});
    pending = *(*reg)->issue("site-1");
  }
  {
    std::FILE* f = std::fopen(file.c_str(), "a");
    std::fputs("U 12ab", f);  // a crash mid-write
    std::fclose(f);
  }
  auto reg = NonceRegistry::open({.capacity = 16, .validity_seconds = 60, .file = file, .clock = clock.fn()});
  ASSERT_TRUE(reg);
  EXPECT_TRUE((*reg)->consume(pending, "site-1"));
}

// Issue 9, defect 7: one peer drawing nonce after nonce (a register flood) evicts only its
// own; another peer's outstanding challenge survives, under the per-peer quota and when the
// whole registry is full.
TEST(AttestNonce, AFloodingPeerEvictsOnlyItsOwnNonces) {
  FakeClock clock;
  auto reg = NonceRegistry::open(
      {.capacity = 64, .validity_seconds = 600, .file = {}, .clock = clock.fn(), .per_peer_capacity = 16});
  ASSERT_TRUE(reg);
  auto victim = (*reg)->issue("site-2");
  ASSERT_TRUE(victim);
  auto first_flood = (*reg)->issue("site-3");
  for (int i = 0; i < 500; ++i) ASSERT_TRUE((*reg)->issue("site-3"));
  EXPECT_EQ((*reg)->held_by("site-3"), 16u);
  EXPECT_FALSE((*reg)->consume(*first_flood, "site-3"));  // its own oldest went first
  EXPECT_TRUE((*reg)->consume(*victim, "site-2")) << "the flood evicted another peer's nonce";
}

TEST(AttestNonce, AFullRegistryEvictsFromTheHeaviestPeer) {
  FakeClock clock;
  auto reg = NonceRegistry::open(
      {.capacity = 8, .validity_seconds = 600, .file = {}, .clock = clock.fn(), .per_peer_capacity = 8});
  ASSERT_TRUE(reg);
  auto a = (*reg)->issue("site-a");
  auto b = (*reg)->issue("site-b");
  for (int i = 0; i < 40; ++i) ASSERT_TRUE((*reg)->issue("site-c"));
  EXPECT_LE((*reg)->outstanding(), 8u);
  EXPECT_TRUE((*reg)->consume(*a, "site-a"));
  EXPECT_TRUE((*reg)->consume(*b, "site-b"));
}

TEST(AttestNonce, IssuedAtIsTheRelyingPartysOwnTime) {
  FakeClock clock;
  auto reg = NonceRegistry::open({.capacity = 16, .validity_seconds = 60, .file = {}, .clock = clock.fn()});
  ASSERT_TRUE(reg);
  auto nonce = (*reg)->issue("p");
  const auto issued = clock.t;
  clock.t += 10;
  ASSERT_TRUE((*reg)->consume(*nonce, "p"));
  EXPECT_EQ((*reg)->issued_at(*nonce), issued);  // still known once used
  EXPECT_FALSE((*reg)->issued_at(cchost::Bytes(32, 7)));
}

TEST(AttestNonce, LogFileIsPrivate) {
  FakeClock clock;
  const auto file = temp_file("private.log");
  {
    auto reg = NonceRegistry::open({.capacity = 16, .validity_seconds = 60, .file = file, .clock = clock.fn()});
    ASSERT_TRUE(reg);
    ASSERT_TRUE((*reg)->issue("p"));
  }
  auto reg = NonceRegistry::open({.capacity = 16, .validity_seconds = 60, .file = file, .clock = clock.fn()});  // rewrites
  ASSERT_TRUE(reg);
  const auto perms = std::filesystem::status(file).permissions();
  EXPECT_EQ(perms & std::filesystem::perms::all, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}
