// Process-level smoke for hostile input (the socket-level cases live in tests/net): with a
// provisioned admin key, 1000 malformed messages and messages that claim another sender are
// sent to a real `cchost run` server over a raw CURVE DEALER; the server answers, stays alive,
// and still serves a normal status request afterwards.
#include <gtest/gtest.h>

#include <random>
#include <zmq.hpp>

#include "cchost/kit/kit.hpp"
#include "cchost/net/message.hpp"
#include "runtime_harness.hpp"

namespace cchost::runtime_test {
namespace {

TEST(RuntimeHostile, MalformedAndSpoofedMessagesLeaveTheServerServing) {
  RuntimeHarness h("hostile");
  ProjectSpec spec;
  spec.server_policy = lenient_policy();
  spec.sites = {{"site-1", lenient_policy(), false}};
  auto provisioned = h.provision(spec);
  ASSERT_EQ(provisioned.exit_code, 0) << provisioned.output;
  ASSERT_TRUE(h.start("server"));
  ASSERT_TRUE(h.wait_for_log("server", "listening on")) << h.read_log("server");
  auto k = kit::load_kit(h.kit("admin"));
  ASSERT_TRUE(k) << k.message();

  zmq::context_t context;
  zmq::socket_t dealer(context, zmq::socket_type::dealer);
  dealer.set(zmq::sockopt::curve_serverkey, k->server_public);
  dealer.set(zmq::sockopt::curve_publickey, k->curve_public);
  dealer.set(zmq::sockopt::curve_secretkey, k->curve_secret.reveal());
  dealer.set(zmq::sockopt::rcvtimeo, 200);
  dealer.set(zmq::sockopt::linger, 0);
  dealer.connect("tcp://127.0.0.1:" + std::to_string(h.port()));

  std::mt19937 rng(5);
  std::size_t replies = 0;
  auto drain = [&] {
    zmq::message_t part;
    while (dealer.recv(part, zmq::recv_flags::dontwait)) ++replies;
  };
  for (int i = 0; i < 1000; ++i) {
    const int frames = 1 + static_cast<int>(rng() % 4);
    for (int f = 0; f < frames; ++f) {
      std::string junk(rng() % 200, '\0');
      for (auto& c : junk) c = static_cast<char>(rng());
      if (i % 3 == 0 && f == 0) junk = "{\"v\":1,\"type\":\"status\"";  // truncated JSON header
      dealer.send(zmq::buffer(junk), f + 1 < frames ? zmq::send_flags::sndmore : zmq::send_flags::none);
    }
    drain();
  }
  // A well-formed register that claims to come from a site: the sender is bound to the key, so
  // the server refuses (or drops) it instead of acting as that site.
  auto spoofed = net::make_message("register", "site-1", {{"client_nonce", std::string(64, 'a')}});
  const auto frames = net::encode(spoofed);
  for (std::size_t f = 0; f < frames.size(); ++f)
    dealer.send(zmq::buffer(frames[f].data(), frames[f].size()),
                f + 1 < frames.size() ? zmq::send_flags::sndmore : zmq::send_flags::none);
  for (int i = 0; i < 20; ++i) {
    zmq::message_t part;
    if (dealer.recv(part)) ++replies;
  }
  EXPECT_TRUE(h.wait_for_log("server", "claims sender 'site-1' but key fp=")) << h.read_log("server");
  EXPECT_GT(replies, 0u) << "the server never answered malformed input with an error";
  EXPECT_TRUE(h.running("server")) << h.read_log("server");
  auto report = h.status();
  ASSERT_TRUE(report) << "the server stopped serving after hostile input\n" << h.log_tails();
  EXPECT_EQ(find_participant(*report, "site-1") ? find_participant(*report, "site-1")->value("registered", false) : false,
            false)
      << "a spoofed register changed site-1's state: " << report->dump(2);
}

}  // namespace
}  // namespace cchost::runtime_test
