// A replayed bundle (an old nonce) is refused, at process level: this test plays site-1 itself
// (its kit's CURVE key and the real snp_authorizer.so in-process) against a real `cchost run`
// server, registers once, then sends the very same bound bundle again under a new message id
// (so the reply cache cannot answer it). The server must refuse it on binding.nonce.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <optional>

#include "cchost/attest/binding.hpp"
#include "cchost/attest/bundle.hpp"
#include "cchost/crypto/encoding.hpp"
#include "cchost/crypto/random.hpp"
#include "cchost/job/identity_key.hpp"
#include "cchost/net/client.hpp"
#include "in_process_site.hpp"
#include "runtime_harness.hpp"

namespace cchost::runtime_test {
namespace {

// One request/reply on a fresh io_context run.
Result<net::Message> ask(boost::asio::io_context& io, net::Client& client, net::Message m) {
  std::optional<Result<net::Message>> reply;
  client.request(std::move(m), std::chrono::seconds(10), [&](Result<net::Message> r) {
    reply.emplace(std::move(r));
    io.stop();
  });
  io.restart();
  io.run();
  if (!reply) return make_error("no reply");
  return std::move(*reply);
}

net::Message evidence_message(const attest::EvidenceBundle& bundle) {
  auto m = net::make_message("register.evidence", "site-1", {{"bundle", attest::bundle_header(bundle)}});
  m.blobs = attest::bundle_blobs(bundle);
  return m;
}

TEST(RuntimeReplay, ReplayedRegistrationBundleIsRefused) {
  RuntimeHarness h("replay");
  ProjectSpec spec;
  spec.server_policy = lenient_policy();
  spec.sites = {{"site-1", lenient_policy(), false}};
  auto provisioned = h.provision(spec);
  ASSERT_EQ(provisioned.exit_code, 0) << provisioned.output;
  ASSERT_TRUE(h.start("server"));

  auto k = kit::load_kit(h.kit("site-1"));
  ASSERT_TRUE(k) << k.message();
  auto t = make_authorizer_template(*k);
  ASSERT_TRUE(t) << t.message();
  auto key = job::z85_key_bytes(k->curve_public);
  ASSERT_TRUE(key) << key.message();
  auto attestor = make_attestor(*t, "site-1", *key, k->policy_path);
  ASSERT_TRUE(attestor) << attestor.message();

  boost::asio::io_context io;
  net::ClientConfig config;
  config.endpoint = "tcp://127.0.0.1:" + std::to_string(h.port());
  config.server_public_z85 = k->server_public;
  config.keys = {k->curve_public, k->curve_secret.reveal()};
  config.name = "site-1";
  auto client = net::Client::create(io, config);
  ASSERT_TRUE(client) << client.message();

  // Registration as PROTOCOL.md describes it: our nonce, the server's challenge, our bundle.
  auto challenge = ask(io, **client,
                       net::make_message("register", "site-1",
                                         {{"client_nonce", crypto::hex_encode(crypto::random_bytes(attest::kNonceSize))}}));
  ASSERT_TRUE(challenge) << challenge.message() << "\n" << h.log_tails();
  ASSERT_EQ(challenge->type, "register.challenge") << challenge->body.dump();
  auto server_nonce = crypto::hex_decode(challenge->body.value("server_nonce", std::string()));
  ASSERT_TRUE(server_nonce && server_nonce->size() == attest::kNonceSize);
  auto bundle = (*attestor)->produce(*server_nonce);
  ASSERT_TRUE(bundle) << bundle.message();

  auto first = ask(io, **client, evidence_message(*bundle));
  ASSERT_TRUE(first) << first.message();
  ASSERT_EQ(first->type, "register.result") << first->body.dump();
  EXPECT_TRUE(first->body.value("accepted", false)) << "the genuine registration failed: " << first->body.dump();

  // The same bundle again: a captured registration replayed by someone holding the key.
  auto replay = ask(io, **client, evidence_message(*bundle));
  ASSERT_TRUE(replay) << replay.message();
  ASSERT_EQ(replay->type, "register.result") << replay->body.dump();
  EXPECT_FALSE(replay->body.value("accepted", true)) << "a replayed bundle was accepted";
  EXPECT_EQ(replay->body.value("failed", nlohmann::json::array()), nlohmann::json::array({"binding.nonce"}))
      << replay->body.dump();

  // A bundle bound to a nonce the server never issued is refused the same way.
  auto forged = (*attestor)->produce(crypto::random_bytes(attest::kNonceSize));
  ASSERT_TRUE(forged) << forged.message();
  auto refused = ask(io, **client, evidence_message(*forged));
  ASSERT_TRUE(refused) << refused.message();
  EXPECT_FALSE(refused->body.value("accepted", true));
  EXPECT_EQ(refused->body.value("failed", nlohmann::json::array()), nlohmann::json::array({"binding.nonce"}));

  // Both refusals are in the server's audit trail, and the chain still verifies.
  const std::string audit = read_text(h.workspace("server") / "audit.log");
  EXPECT_NE(audit.find("binding.nonce"), std::string::npos);
  auto verify = h.cchost({"audit", "verify", (h.workspace("server") / "audit.log").string()});
  EXPECT_EQ(verify.exit_code, 0) << verify.output;
  client->reset();
}

}  // namespace
}  // namespace cchost::runtime_test
