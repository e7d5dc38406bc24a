#pragma once
// A site played by the test over the real wire protocol: it holds a provisioned kit's CURVE
// keys and produces evidence with the kit's real snp_authorizer.so (in-process), connects to a
// real `cchost run` server, and answers every push the way its behaviour says, so a test can
// send what an attacker would: malformed votes, a dropped deploy, another nonce's evidence.
//
// Threading: the client runs on its own io thread; the behaviour runs there too.
#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "cchost/attest/plugin_attestor.hpp"
#include "cchost/crypto/hpke.hpp"
#include "cchost/crypto/signing_key.hpp"
#include "cchost/job/receipt.hpp"
#include "cchost/kit/kit.hpp"
#include "cchost/net/client.hpp"
#include "runtime_harness.hpp"

namespace cchost::attack_test {

using runtime_test::RuntimeHarness;

class WireSite {
 public:
  // What to send back for a push: a reply, or nothing (the message is dropped).
  using Behaviour = std::function<std::optional<net::Message>(WireSite& self, const net::Message& push)>;

  static Result<std::unique_ptr<WireSite>> connect(RuntimeHarness& h, const std::string& name);
  ~WireSite();

  const std::string& name() const { return name_; }
  attest::PluginAttestor& attestor() { return *attestor_; }

  void set_behaviour(Behaviour b);
  // The reply an honest v2 site would send (contribution, evidence, a vote accepting all, ack).
  std::optional<net::Message> honest(const net::Message& push);
  // A reply to `push` of `type` with `body` (corr set).
  net::Message reply(const net::Message& push, const std::string& type, nlohmann::json body);

  // One request, waited for.
  Result<net::Message> ask(net::Message m, std::chrono::milliseconds timeout = std::chrono::seconds(15));
  // Full registration (register, then register.evidence bound to the server's nonce).
  Result<bool> register_now();
  // Sends `count` register requests at once and waits (up to `guard`) for every reply;
  // returns how many replies arrived.
  std::size_t flood_register(std::size_t count, std::chrono::seconds guard);

  std::size_t pushes_of(const std::string& type);
  // Every deploy push this site received, as it arrived (the wire-level record of what it got).
  std::vector<net::Message> deploys();
  // The plaintext an honest site opened from its latest deploy of `job_id` (empty: none).
  Bytes opened_payload(const std::string& job_id);
  // Tries to open `deploy` (possibly one another site received) as this site's payload of
  // `job_id`, with the job key this site bound for that job.
  Result<Bytes> open_as(const std::string& job_id, const net::Message& deploy);
  // The receipt an honest site signs for `job_id` with its kit's receipt key (or `key`), for
  // the evidence it presented for that job.
  Result<job::Receipt> receipt_for(const std::string& job_id, const std::string& payload_sha256,
                                   const crypto::SigningKey* key = nullptr);
  const crypto::SigningKey& receipt_key() const { return *receipt_key_; }

 private:
  WireSite() = default;
  void on_push(const net::Message& m);

  std::string name_;
  std::unique_ptr<attest::PluginAttestor> attestor_;
  boost::asio::io_context io_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::unique_ptr<net::Client> client_;
  std::thread thread_;
  std::mutex mu_;
  Behaviour behaviour_;
  std::map<std::string, std::size_t> seen_;
  std::vector<net::Message> deploys_;
  std::map<std::string, crypto::hpke::X25519KeyPair> job_keys_;  // job id -> the key our evidence bound
  std::map<std::string, Bytes> opened_;
  std::map<std::string, std::string> evidence_;  // job id -> evidence_digest of our answer
  std::shared_ptr<const crypto::SigningKey> receipt_key_;
};

}  // namespace cchost::attack_test
