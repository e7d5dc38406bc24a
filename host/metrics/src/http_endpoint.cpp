#include "cchost/metrics/http_endpoint.hpp"

#include <httplib.h>

#include <sys/socket.h>

#include <charconv>
#include <chrono>
#include <thread>

#include "cchost/metrics/process_stats.hpp"

namespace cchost::metrics {

struct HttpEndpoint::Impl {
  EndpointOptions options;
  httplib::Server server;
  int port = 0;
  std::thread thread;
};

Result<EndpointOptions> parse_listen_address(const std::string& text) {
  EndpointOptions out;
  std::string port_text = text;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':')
      return make_error("metrics address '" + text + "': expected [IPV6]:PORT");
    out.host = text.substr(1, close - 1);
    port_text = text.substr(close + 2);
  } else if (const auto colon = text.rfind(':'); colon != std::string::npos) {
    out.host = text.substr(0, colon);
    port_text = text.substr(colon + 1);
    if (out.host.empty()) return make_error("metrics address '" + text + "': empty host before ':'");
    if (out.host.find(':') != std::string::npos)
      return make_error("metrics address '" + text + "': write an IPv6 host in brackets, [::1]:PORT");
  }
  unsigned port = 0;
  const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc() || end != port_text.data() + port_text.size() || port > 65535)
    return make_error("metrics address '" + text + "': expected [HOST:]PORT with PORT 0..65535, got port '" + port_text + "'");
  out.port = static_cast<std::uint16_t>(port);
  return out;
}

HttpEndpoint::HttpEndpoint(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpEndpoint::~HttpEndpoint() {
  impl_->server.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

std::uint16_t HttpEndpoint::port() const { return static_cast<std::uint16_t>(impl_->port); }

std::string HttpEndpoint::url() const {
  const bool v6 = impl_->options.host.find(':') != std::string::npos;
  return "http://" + (v6 ? "[" + impl_->options.host + "]" : impl_->options.host) + ":" + std::to_string(impl_->port);
}

Result<std::unique_ptr<HttpEndpoint>> HttpEndpoint::start(EndpointOptions options) {
  auto impl = std::make_unique<Impl>();
  impl->options = std::move(options);
  Registry* registry = impl->options.registry ? impl->options.registry : &Registry::process();
  auto& server = impl->server;
  // A scraper and a probe: two workers, small requests, short deadlines, one request per
  // connection, so a client that connects and says nothing cannot hold the endpoint.
  server.new_task_queue = [] { return new httplib::ThreadPool(2); };
  server.set_read_timeout(5, 0);
  server.set_write_timeout(5, 0);
  server.set_idle_interval(0, 0);
  server.set_keep_alive_max_count(1);
  server.set_payload_max_length(1024);
  // cpp-httplib's default sets SO_REUSEPORT, which lets a second process bind the same port and
  // take a share of the scrapes. SO_REUSEADDR alone restarts cleanly and still fails when the
  // port is held.
  server.set_socket_options([](socket_t sock) {
    int yes = 1;
    (void)::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  server.Get("/metrics", [registry](const httplib::Request&, httplib::Response& res) {
    res.set_content(registry->render() + process_metrics_text(), "text/plain; version=0.0.4; charset=utf-8");
  });
  auto health = impl->options.health;
  server.Get("/healthz", [health](const httplib::Request&, httplib::Response& res) {
    const Health h = health ? health() : Health{true, R"({"status":"ok"})"};
    res.status = h.ok ? 200 : 503;
    res.set_content(h.json, "application/json");
  });
  const std::string& host = impl->options.host;
  impl->port = impl->options.port == 0 ? server.bind_to_any_port(host) : (server.bind_to_port(host, impl->options.port)
                                                                               ? impl->options.port : -1);
  if (impl->port <= 0)
    return make_error("metrics: cannot listen on " + host + ":" + std::to_string(impl->options.port) +
                      " (address in use, not local, or not an address)");
  impl->thread = std::thread([raw = &impl->server] { raw->listen_after_bind(); });
  // stop() before the thread reached its accept loop would be lost and the destructor's join
  // would wait for ever: return only once the server runs (it does at once; 5 s is a bound).
  for (int waited_ms = 0; !impl->server.is_running() && waited_ms < 5000; ++waited_ms)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  if (!impl->server.is_running()) {
    // Not serving after 5 s: listen failed (the thread has returned) or the thread never got
    // there. A join could then wait for ever, so the thread and its server are let go (the
    // caller stops the start: `cchost run` exits), and the failure is said, never a silent
    // endpoint.
    const std::string where = host + ":" + std::to_string(impl->port);
    impl->thread.detach();
    (void)impl.release();
    return make_error("metrics: " + where + " is bound but does not serve");
  }
  return std::unique_ptr<HttpEndpoint>(new HttpEndpoint(std::move(impl)));
}

}  // namespace cchost::metrics
