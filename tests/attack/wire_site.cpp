#include "wire_site.hpp"

#include <future>

#include "cchost/attest/binding.hpp"
#include "cchost/crypto/encoding.hpp"
#include "cchost/crypto/hash.hpp"
#include "cchost/crypto/random.hpp"
#include "cchost/job/identity_key.hpp"
#include "in_process_site.hpp"
#include "payload_seal.hpp"

namespace cchost::attack_test {

Result<std::unique_ptr<WireSite>> WireSite::connect(RuntimeHarness& h, const std::string& name) {
  std::unique_ptr<WireSite> s(new WireSite());
  s->name_ = name;
  auto k = kit::load_kit(h.kit(name));
  if (!k) return k.error();
  auto t = runtime_test::make_authorizer_template(*k);
  if (!t) return t.error();
  auto key = job::z85_key_bytes(k->curve_public);
  if (!key) return key.error();
  auto attestor = runtime_test::make_attestor(*t, name, *key, k->policy_path);
  if (!attestor) return attestor.error();
  s->attestor_ = std::move(*attestor);
  auto receipt_pem = runtime_test::read_text(k->receipt_key_path);
  auto receipt_key = crypto::SigningKey::from_pem(receipt_pem);
  if (!receipt_key) return make_error("receipt key: " + receipt_key.message());
  s->receipt_key_ = std::make_shared<const crypto::SigningKey>(std::move(*receipt_key));
  net::ClientConfig config;
  config.endpoint = "tcp://127.0.0.1:" + std::to_string(h.port());
  config.server_public_z85 = k->server_public;
  config.keys = {k->curve_public, k->curve_secret.reveal()};
  config.name = name;
  config.limits.max_frames = 4096;
  auto client = net::Client::create(s->io_, config);
  if (!client) return client.error();
  s->client_ = std::move(*client);
  WireSite* self = s.get();
  s->client_->on_push([self](const net::Message& m) { self->on_push(m); });
  s->behaviour_ = [](WireSite& me, const net::Message& m) { return me.honest(m); };
  s->work_.emplace(boost::asio::make_work_guard(s->io_));
  s->thread_ = std::thread([self] { self->io_.run(); });
  return s;
}

WireSite::~WireSite() {
  work_.reset();
  io_.stop();
  if (thread_.joinable()) thread_.join();
  client_.reset();
}

void WireSite::set_behaviour(Behaviour b) {
  std::lock_guard lock(mu_);
  behaviour_ = std::move(b);
}

std::vector<net::Message> WireSite::deploys() {
  std::lock_guard lock(mu_);
  return deploys_;
}

Result<Bytes> WireSite::open_as(const std::string& job_id, const net::Message& deploy) {
  std::lock_guard lock(mu_);
  auto key = job_keys_.find(job_id);
  if (key == job_keys_.end()) return make_error("test site " + name_ + " has no job key for " + job_id);
  auto enc = crypto::hex_decode(deploy.body.value("enc", std::string()));
  if (!enc || deploy.blobs.size() != 1) return make_error("not a sealed deploy");
  return job::open_payload(key->second, job_id, name_, *enc, deploy.blobs[0]);
}

Result<job::Receipt> WireSite::receipt_for(const std::string& job_id, const std::string& payload_sha256,
                                           const crypto::SigningKey* key) {
  std::lock_guard lock(mu_);
  auto evidence = evidence_.find(job_id);
  if (evidence == evidence_.end()) return make_error("test site " + name_ + " presented no evidence for " + job_id);
  job::Receipt receipt{job_id, name_, payload_sha256, evidence->second,
                       std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count(),
                       {}, {}};
  if (auto st = job::sign_receipt(receipt, key ? *key : *receipt_key_); !st) return st.error();
  return receipt;
}

Bytes WireSite::opened_payload(const std::string& job_id) {
  std::lock_guard lock(mu_);
  auto it = opened_.find(job_id);
  return it == opened_.end() ? Bytes{} : it->second;
}

std::size_t WireSite::pushes_of(const std::string& type) {
  std::lock_guard lock(mu_);
  return seen_[type];
}

void WireSite::on_push(const net::Message& m) {
  Behaviour b;
  {
    std::lock_guard lock(mu_);
    seen_[m.type] += 1;
    if (m.type == "deploy") deploys_.push_back(m);
    b = behaviour_;
  }
  auto answer = b(*this, m);
  if (answer) client_->send(std::move(*answer));
}

net::Message WireSite::reply(const net::Message& push, const std::string& type, nlohmann::json body) {
  auto m = net::make_message(type, name_, std::move(body));
  m.corr = push.id;
  return m;
}

std::optional<net::Message> WireSite::honest(const net::Message& push) {
  const auto& body = push.body;
  const std::string job_id = body.value("job_id", std::string());
  if (push.type == "contribute")
    return reply(push, "contribution",
                 {{"job_id", job_id}, {"contribution", crypto::hex_encode(crypto::random_bytes(32))}});
  if (push.type == "challenge") {
    auto nonce = crypto::hex_decode(body.value("nonce", std::string()));
    if (!nonce) return reply(push, net::kErrorType, {{"reason", "bad nonce"}});
    Bytes job_key;
    if (body.value("purpose", std::string()) == "job") {
      auto pair = crypto::hpke::X25519KeyPair::generate();
      if (!pair) return reply(push, net::kErrorType, {{"reason", pair.message()}});
      job_key = pair->public_key();
      std::lock_guard lock(mu_);
      job_keys_[job_id] = std::move(*pair);
    }
    auto bundle = attestor_->produce(*nonce, job_key);
    if (!bundle) return reply(push, net::kErrorType, {{"reason", bundle.message()}});
    if (!job_key.empty()) {
      std::lock_guard lock(mu_);
      evidence_[job_id] = job::evidence_digest(*bundle);
    }
    auto m = reply(push, "evidence", {{"bundle", attest::bundle_header(*bundle)}});
    m.blobs = attest::bundle_blobs(*bundle);
    return m;
  }
  if (push.type == "peer_verify") {
    nlohmann::json votes = nlohmann::json::object();
    for (const auto& h : body.value("bundles", nlohmann::json::array()))
      votes[h.value("name", std::string("?"))] = {{"accept", true}, {"failed", nlohmann::json::array()}};
    return reply(push, "vote", {{"job_id", job_id}, {"votes", votes}});
  }
  if (push.type == "deploy") {
    std::string digest;
    {
      std::lock_guard lock(mu_);
      auto key = job_keys_.find(job_id);
      auto enc = crypto::hex_decode(body.value("enc", std::string()));
      if (key == job_keys_.end() || !enc || push.blobs.size() != 1)
        return reply(push, net::kErrorType, {{"reason", "test site: no job key or no sealed payload"}});
      auto opened = job::open_payload(key->second, job_id, name_, *enc, push.blobs[0]);
      if (!opened) return reply(push, net::kErrorType, {{"reason", opened.message()}});
      opened_[job_id] = *opened;
      digest = crypto::hex_encode(crypto::sha256(*opened));
    }
    auto receipt = receipt_for(job_id, digest);
    if (!receipt) return reply(push, net::kErrorType, {{"reason", receipt.message()}});
    return reply(push, "ack", {{"job_id", job_id}, {"stored", "jobs/" + job_id + "/payload"}, {"payload_sha256", digest},
                               {"receipt", job::receipt_to_json(*receipt)}});
  }
  return std::nullopt;
}

Result<net::Message> WireSite::ask(net::Message m, std::chrono::milliseconds timeout) {
  auto done = std::make_shared<std::promise<Result<net::Message>>>();
  auto future = done->get_future();
  client_->request(std::move(m), timeout, [done](Result<net::Message> r) { done->set_value(std::move(r)); });
  if (future.wait_for(timeout + std::chrono::seconds(5)) != std::future_status::ready) return make_error("no reply (hang guard)");
  return future.get();
}

Result<bool> WireSite::register_now() {
  auto challenge = ask(net::make_message("register", name_,
                                         {{"client_nonce", crypto::hex_encode(crypto::random_bytes(attest::kNonceSize))}}));
  if (!challenge) return challenge.error();
  if (challenge->type != "register.challenge") return make_error("register: got " + challenge->type + " " + challenge->body.dump());
  auto server_nonce = crypto::hex_decode(challenge->body.value("server_nonce", std::string()));
  if (!server_nonce) return server_nonce.error();
  auto bundle = attestor_->produce(*server_nonce);
  if (!bundle) return bundle.error();
  auto m = net::make_message("register.evidence", name_, {{"bundle", attest::bundle_header(*bundle)}});
  m.blobs = attest::bundle_blobs(*bundle);
  auto result = ask(std::move(m));
  if (!result) return result.error();
  if (result->type != "register.result") return make_error("register.evidence: got " + result->type);
  return result->body.value("accepted", false);
}

std::size_t WireSite::flood_register(std::size_t count, std::chrono::seconds guard) {
  // In windows of kWindow requests: ZeroMQ's high-water marks drop what exceeds them, and the
  // point is the server drawing `count` nonces, not the socket dropping messages.
  constexpr std::size_t kWindow = 100;
  const auto until = std::chrono::steady_clock::now() + guard;
  std::size_t answered = 0;
  for (std::size_t sent = 0; sent < count && std::chrono::steady_clock::now() < until;) {
    const std::size_t batch = std::min(kWindow, count - sent);
    auto replies = std::make_shared<std::atomic<std::size_t>>(0);
    auto all = std::make_shared<std::promise<void>>();
    auto future = all->get_future();
    for (std::size_t i = 0; i < batch; ++i) {
      auto m = net::make_message("register", name_,
                                 {{"client_nonce", crypto::hex_encode(crypto::random_bytes(attest::kNonceSize))}});
      client_->request(std::move(m), std::chrono::seconds(30), [replies, all, batch](Result<net::Message>) {
        if (++*replies == batch) all->set_value();
      });
    }
    future.wait_until(until);
    answered += replies->load();
    sent += batch;
  }
  return answered;
}

}  // namespace cchost::attack_test
