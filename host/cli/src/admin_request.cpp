#include "admin_request.hpp"

#include <boost/asio/io_context.hpp>
#include <optional>

#include "cchost/net/client.hpp"

namespace cchost::cli {

Result<net::Message> admin_request(const kit::Kit& k, net::Message request, AdminTimeouts timeouts, bool* unreachable) {
  if (unreachable) *unreachable = false;
  boost::asio::io_context io;
  net::ClientConfig config;
  config.endpoint = "tcp://" + k.server.host + ":" + std::to_string(k.server.port);
  config.server_public_z85 = k.server_public;
  config.keys = {k.curve_public, k.curve_secret.reveal()};
  config.name = k.participant.name;
  config.connect_timeout = std::min(timeouts.connect, timeouts.reply);
  auto client = net::Client::create(io, config);
  if (!client) return client.error();
  std::optional<Result<net::Message>> result;
  (*client)->request(std::move(request), timeouts.reply, [&](Result<net::Message> reply) {
    result.emplace(std::move(reply));
    io.stop();
  });
  io.run();
  const bool connected = (*client)->connected();
  client->reset();
  if (!result) return make_error("no reply from the server");
  if (!*result && !connected && unreachable) *unreachable = true;
  return std::move(*result);
}

}  // namespace cchost::cli
