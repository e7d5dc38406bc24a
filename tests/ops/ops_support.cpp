#include "ops_support.hpp"

#include <boost/asio/io_context.hpp>
#include <fstream>
#include <optional>
#include <sstream>

#include "cchost/kit/kit.hpp"
#include "cchost/net/client.hpp"

namespace cchost::ops_test {

struct KitClient::Impl {
  boost::asio::io_context io;
  std::unique_ptr<net::Client> client;
};

Result<std::unique_ptr<KitClient>> KitClient::open(const fs::path& kit_dir, const std::string& claimed_name) {
  auto k = kit::load_kit(kit_dir);
  if (!k) return k.error();
  std::unique_ptr<KitClient> self(new KitClient());
  self->impl_ = std::make_unique<Impl>();
  self->name_ = claimed_name.empty() ? k->participant.name : claimed_name;
  net::ClientConfig config;
  config.endpoint = "tcp://" + k->server.host + ":" + std::to_string(k->server.port);
  config.server_public_z85 = k->server_public;
  config.keys = {k->curve_public, k->curve_secret.reveal()};
  config.name = self->name_;
  // peer_verify-sized pushes are not expected here; the default limits are fine.
  auto client = net::Client::create(self->impl_->io, config);
  if (!client) return client.error();
  self->impl_->client = std::move(*client);
  return self;
}

KitClient::~KitClient() {
  if (impl_) impl_->client.reset();
}

Result<net::Message> KitClient::request(net::Message message, std::chrono::milliseconds timeout) {
  auto replies = flood(1, 1, [&](int) { return message; }, timeout);
  return std::move(replies.front());
}

std::vector<Result<net::Message>> KitClient::flood(int count, int window, const std::function<net::Message(int)>& make,
                                                   std::chrono::milliseconds timeout) {
  std::vector<std::optional<Result<net::Message>>> slots(static_cast<std::size_t>(count));
  int sent = 0, done = 0;
  auto& io = impl_->io;
  std::function<void()> send_next = [&] {
    const int i = sent++;
    impl_->client->request(make(i), timeout, [&, i](Result<net::Message> reply) {
      slots[static_cast<std::size_t>(i)].emplace(std::move(reply));
      if (++done == count) io.stop();
      else if (sent < count) send_next();
    });
  };
  io.restart();
  for (int w = 0; w < window && sent < count; ++w) send_next();
  if (count > 0) io.run();
  std::vector<Result<net::Message>> out;
  for (auto& s : slots) out.push_back(s ? std::move(*s) : Result<net::Message>(make_error("not answered")));
  return out;
}

Result<net::Message> ask_as_admin(const std::string& endpoint, const std::string& server_public_z85,
                                  const net::CurveKeyPair& keys, net::Message request) {
  boost::asio::io_context io;
  net::ClientConfig c;
  c.endpoint = endpoint;
  c.server_public_z85 = server_public_z85;
  c.keys = keys;
  c.name = "admin";
  auto client = net::Client::create(io, c);
  if (!client) return client.error();
  std::optional<Result<net::Message>> reply;
  (*client)->request(std::move(request), std::chrono::seconds(30), [&](Result<net::Message> r) {
    reply.emplace(std::move(r));
    io.stop();
  });
  io.run();
  client->reset();
  if (!reply) return make_error("no reply");
  return std::move(*reply);
}

std::vector<nlohmann::json> audit_entries(const fs::path& audit_log, const std::string& type) {
  std::vector<nlohmann::json> out;
  std::ifstream in(audit_log);
  std::string line;
  while (std::getline(in, line)) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_discarded() && j.is_object() && j.value("type", "") == type) out.push_back(std::move(j));
  }
  return out;
}

std::size_t lines_containing(const std::string& text, const std::string& needle) {
  std::istringstream in(text);
  std::string line;
  std::size_t n = 0;
  while (std::getline(in, line)) n += line.find(needle) != std::string::npos ? 1 : 0;
  return n;
}

}  // namespace cchost::ops_test
