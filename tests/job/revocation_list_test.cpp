// The signed revocation list (revocation_list.hpp) and a site's copy of it
// (site_revocations.hpp): schema, bounds, signature, no rollback, persistence, peer votes.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "cchost/crypto/encoding.hpp"
#include "cchost/job/revocation_list.hpp"
#include "revocation_messages.hpp"
#include "site_revocations.hpp"

namespace cchost::job {
namespace {

namespace fs = std::filesystem;

const std::string kKey(64, 'a');

RevocationList list_of(std::uint64_t serial, std::vector<std::string> sites) {
  RevocationList l{"server", serial, 1767000000, {}, {}, {}};
  for (auto& s : sites) l.entries.push_back({s, kKey, "key leaked", 1767000000});
  return l;
}

RevocationList signed_list(const crypto::SigningKey& key, std::uint64_t serial, std::vector<std::string> sites) {
  auto l = list_of(serial, std::move(sites));
  EXPECT_TRUE(sign_revocation_list(l, key));
  return l;
}

crypto::SigningKey new_key() {
  auto k = crypto::SigningKey::generate();
  if (!k) throw std::runtime_error(k.message());
  return std::move(*k);
}

TEST(RevocationList, RoundTripsAndVerifies) {
  const auto key = new_key();
  const auto l = signed_list(key, 3, {"site-1", "site-2"});
  auto back = parse_revocation_list(revocation_list_to_json(l).dump(), "t");
  ASSERT_TRUE(back) << back.message();
  EXPECT_EQ(*back, l);
  EXPECT_TRUE(verify_revocation_list(*back, key.public_key()));
  EXPECT_TRUE(back->revokes("site-2"));
  EXPECT_FALSE(back->revokes("site-3"));
}

TEST(RevocationList, ForgedOrChangedListFailsItsSignature) {
  const auto key = new_key();
  const auto other = new_key();
  auto l = signed_list(key, 1, {"site-1"});
  auto by_other = l;
  ASSERT_TRUE(sign_revocation_list(by_other, other));
  auto s = verify_revocation_list(by_other, key.public_key());
  ASSERT_FALSE(s);
  EXPECT_NE(s.message().find("expected the server's key"), std::string::npos) << s.message();
  // Same key id, content changed after signing: a dropped entry must not pass.
  auto dropped = l;
  dropped.entries.clear();
  s = verify_revocation_list(dropped, key.public_key());
  ASSERT_FALSE(s);
  EXPECT_NE(s.message().find("signature does not verify"), std::string::npos) << s.message();
  auto reason = l;
  reason.entries[0].reason = "nothing";
  EXPECT_FALSE(verify_revocation_list(reason, key.public_key()));
}

TEST(RevocationList, UpdateRefusesRollbackAndAnotherListUnderTheSameSerial) {
  const auto key = new_key();
  const auto held = signed_list(key, 2, {"site-1", "site-2"});
  const auto older = signed_list(key, 1, {"site-1"});
  auto s = check_revocation_update(older, held, key.public_key(), "server");
  ASSERT_FALSE(s);
  EXPECT_NE(s.message().find("older than the held serial 2"), std::string::npos) << s.message();
  const auto same_serial = signed_list(key, 2, {"site-1"});
  EXPECT_FALSE(check_revocation_update(same_serial, held, key.public_key(), "server"));
  EXPECT_TRUE(check_revocation_update(held, held, key.public_key(), "server"));
  EXPECT_TRUE(check_revocation_update(signed_list(key, 3, {"site-1", "site-2", "site-3"}), held, key.public_key(), "server"));
  auto other_issuer = list_of(3, {});
  other_issuer.issuer = "rogue";
  ASSERT_TRUE(sign_revocation_list(other_issuer, key));
  EXPECT_FALSE(check_revocation_update(other_issuer, held, key.public_key(), "server"));
}

// Every malformed shape is an error naming the field, never an exception or a crash.
TEST(RevocationList, MalformedInputIsRefusedByField) {
  const auto key = new_key();
  const nlohmann::json good = revocation_list_to_json(signed_list(key, 1, {"site-1", "site-2"}));
  auto refused = [](const nlohmann::json& j, const std::string& needle) {
    auto r = revocation_list_from_json(j, "t");
    ASSERT_FALSE(r) << j.dump();
    EXPECT_NE(r.message().find(needle), std::string::npos) << r.message();
  };
  auto with = [&](const std::string& k, nlohmann::json v) {
    auto j = good;
    j[k] = std::move(v);
    return j;
  };
  refused(nlohmann::json::array(), "must be a JSON object");
  refused(with("extra", 1), "unknown field \"extra\"");
  refused(with("schema", "cchost.revocations/v0"), ".schema must be");
  refused(with("serial", 0), ".serial must be a positive integer");
  refused(with("serial", -1), ".serial must be a positive integer");
  refused(with("serial", "1"), ".serial must be a positive integer");
  refused(with("issued_at", -5), ".issued_at");
  refused(with("entries", nlohmann::json::object()), ".entries must be an array");
  refused(with("key", "ABC"), ".key must be 64 lowercase hex");
  refused(with("sig", std::string(127, 'a')), ".sig must be 128 lowercase hex");
  refused(with("issuer", "../etc"), ".issuer is not a participant name");
  auto entry = [&](const std::string& k, nlohmann::json v) {
    auto j = good;
    j["entries"][0][k] = std::move(v);
    return j;
  };
  refused(entry("site", ""), ".entries[0].site is not a participant name");
  refused(entry("site", 7), ".entries[0].site must be a string");
  refused(entry("key_sha256", std::string(63, 'a')), ".entries[0].key_sha256 must be 64");
  refused(entry("reason", std::string(kMaxRevocationReason + 1, 'x')), ".entries[0].reason is 257 bytes");
  refused(entry("revoked_at", 1.5), ".entries[0].revoked_at must be an integer");
  refused(entry("more", true), "unknown field \"more\"");
  auto unsorted = good;
  std::swap(unsorted["entries"][0], unsorted["entries"][1]);
  refused(unsorted, "sorted and distinct");
  auto twice = good;
  twice["entries"][1] = twice["entries"][0];
  refused(twice, "sorted and distinct");
  auto many = good;
  many["entries"] = nlohmann::json::array();
  for (std::size_t i = 0; i <= kMaxRevocationEntries; ++i) many["entries"].push_back(good["entries"][0]);
  refused(many, "at most 4096");
  // From bytes: not JSON, truncated, oversize.
  EXPECT_FALSE(parse_revocation_list("{\"schema\":", "t"));
  const std::string text = good.dump();
  for (std::size_t n = 0; n < text.size(); n += 7) EXPECT_FALSE(parse_revocation_list(text.substr(0, n), "t"));
  auto big = parse_revocation_list(std::string(kMaxRevocationListBytes + 1, ' '), "t");
  ASSERT_FALSE(big);
  EXPECT_NE(big.message().find("at most"), std::string::npos);
}

TEST(RevocationMessages, AdminRevokeAndPushSchemas) {
  EXPECT_TRUE(parse_admin_revoke(net::make_message("admin.revoke", "admin", {{"site", "site-1"}, {"reason", "x"}})));
  EXPECT_FALSE(parse_admin_revoke(net::make_message("admin.revoke", "admin", {{"site", "site-1"}})));
  EXPECT_FALSE(parse_admin_revoke(net::make_message("admin.revoke", "admin", {{"site", "site-1"}, {"reason", ""}})));
  EXPECT_FALSE(parse_admin_revoke(net::make_message("admin.revoke", "admin", {{"site", 1}, {"reason", "x"}})));
  EXPECT_FALSE(
      parse_admin_revoke(net::make_message("admin.revoke", "admin", {{"site", "s"}, {"reason", "x"}, {"now", true}})));
  EXPECT_FALSE(parse_revocation_push(net::make_message("revocation", "server", {{"list", 1}})));
  EXPECT_FALSE(parse_revocation_push(net::make_message("revocation", "server", nlohmann::json::object())));
}

class SiteRevocationsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("cchost-revocations-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    auto s = StateStore::open(dir_);
    ASSERT_TRUE(s) << s.message();
    store_.emplace(std::move(*s));
  }
  void TearDown() override { fs::remove_all(dir_); }

  SiteRevocations site(std::shared_ptr<const crypto::PublicKey> signer) {
    return SiteRevocations("site-1", "server", std::move(signer), *store_,
                           [this](const std::string& type, const nlohmann::json& f) { notes_.push_back({type, f}); });
  }
  static net::Message push(const RevocationList& l) {
    auto m = net::make_message("revocation", "server", {{"list", revocation_list_to_json(l)}});
    m.id = "push-1";
    return m;
  }

  fs::path dir_;
  std::optional<StateStore> store_;
  std::vector<std::pair<std::string, nlohmann::json>> notes_;
  crypto::SigningKey key_ = new_key();
  std::shared_ptr<const crypto::PublicKey> pub_ = std::make_shared<const crypto::PublicKey>(key_.public_key());
};

TEST_F(SiteRevocationsTest, AcceptedListSurvivesARestartAndStaleOrForgedListsAreRefused) {
  {
    auto s = site(pub_);
    ASSERT_TRUE(s.load());
    auto reply = s.on_push(push(signed_list(key_, 2, {"site-3"})));
    EXPECT_EQ(reply.type, "ack") << reply.body.dump();
    EXPECT_EQ(reply.corr, "push-1");
    EXPECT_EQ(notes_.back().first, "revocation.accepted");
  }
  auto restarted = site(pub_);
  ASSERT_TRUE(restarted.load());
  // The same list again (the server sends it after every registration) is acknowledged, not
  // recorded again.
  const std::size_t notes = notes_.size();
  EXPECT_EQ(restarted.on_push(push(signed_list(key_, 2, {"site-3"}))).type, "ack");
  EXPECT_EQ(notes_.size(), notes);
  ASSERT_TRUE(restarted.held());
  EXPECT_EQ(restarted.held()->serial, 2u);
  EXPECT_TRUE(restarted.held()->revokes("site-3"));

  auto stale = restarted.on_push(push(signed_list(key_, 1, {})));
  EXPECT_EQ(stale.type, "error");
  EXPECT_NE(stale.body.value("reason", "").find("rollback refused"), std::string::npos) << stale.body.dump();
  EXPECT_EQ(notes_.back().first, "revocation.refused");
  const auto forger = new_key();
  auto forged = restarted.on_push(push(signed_list(forger, 9, {})));
  EXPECT_EQ(forged.type, "error");
  EXPECT_NE(forged.body.value("reason", "").find("signed by key"), std::string::npos) << forged.body.dump();
  EXPECT_EQ(restarted.held()->serial, 2u) << "a refused list changes nothing";
  EXPECT_TRUE(site(pub_).load()) << "nor what is kept";
}

TEST_F(SiteRevocationsTest, TamperedFileStopsTheSiteAtLoad) {
  {
    auto s = site(pub_);
    ASSERT_EQ(s.on_push(push(signed_list(key_, 1, {"site-3"}))).type, "ack");
  }
  std::string text;
  {
    std::ifstream in(dir_ / "revocations.json");
    std::getline(in, text);
  }
  const auto at = text.find("site-3");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 6, "site-4");
  std::ofstream(dir_ / "revocations.json", std::ios::trunc) << text;
  auto s = site(pub_);
  auto loaded = s.load();
  ASSERT_FALSE(loaded);
  EXPECT_NE(loaded.message().find("signature does not verify"), std::string::npos) << loaded.message();
  std::ofstream(dir_ / "revocations.json", std::ios::trunc) << "{\"schema\":1}";
  EXPECT_FALSE(site(pub_).load());
}

TEST_F(SiteRevocationsTest, WithoutTheServersKeyEveryListIsRefused) {
  auto s = site(nullptr);
  EXPECT_EQ(s.on_push(push(signed_list(key_, 1, {"site-3"}))).type, "error");
  EXPECT_FALSE(fs::exists(dir_ / "revocations.json"));
}

TEST_F(SiteRevocationsTest, VotesForRevokedPeersBecomeRejectionsAndAreAudited) {
  auto s = site(pub_);
  ASSERT_EQ(s.on_push(push(signed_list(key_, 1, {"site-3"}))).type, "ack");
  auto vote = net::make_message("vote", "site-1",
                                {{"job_id", "j1"},
                                 {"votes",
                                  {{"site-2", {{"accept", true}, {"failed", nlohmann::json::array()}}},
                                   {"site-3", {{"accept", true}, {"failed", nlohmann::json::array()}}},
                                   {"server", {{"accept", true}, {"failed", nlohmann::json::array()}}}}}});
  s.filter_votes(vote);
  EXPECT_TRUE(vote.body["votes"]["site-2"]["accept"].get<bool>());
  EXPECT_TRUE(vote.body["votes"]["server"]["accept"].get<bool>());
  EXPECT_FALSE(vote.body["votes"]["site-3"]["accept"].get<bool>());
  EXPECT_EQ(vote.body["votes"]["site-3"]["failed"], nlohmann::json::array({"revocation.revoked"}));
  ASSERT_EQ(notes_.back().first, "peer.refused");
  EXPECT_EQ(notes_.back().second["peer"], "site-3");
  EXPECT_EQ(notes_.back().second["job"], "j1");
}

}  // namespace
}  // namespace cchost::job
