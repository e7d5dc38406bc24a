// The opt-in HTTP endpoint a participant serves for monitoring (cchost run --metrics):
//   GET /metrics  the registry and process_* families, Prometheus text format 0.0.4
//   GET /healthz  200 {"status":"ok",...} while the health check passes, 503 otherwise
// Nothing else is served (404), requests have no body, and a slow client is cut off: the
// endpoint is for a scraper and a probe, on loopback unless the operator names an address.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "cchost/metrics/registry.hpp"
#include "cchost/result.hpp"

namespace cchost::metrics {

struct Health {
  bool ok = false;
  std::string json;  // the body: a JSON object
};

struct EndpointOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;  // 0: any free port (see HttpEndpoint::port())
  std::function<Health()> health;  // called on the endpoint's thread; must answer in bounded time
  Registry* registry = nullptr;    // default: Registry::process()
};

// "[HOST:]PORT" -> host (default 127.0.0.1) and port; IPv6 hosts in brackets ("[::1]:9464").
Result<EndpointOptions> parse_listen_address(const std::string& text);

class HttpEndpoint {
 public:
  // Binds and starts serving on its own thread; fails (naming the address) if it cannot bind.
  static Result<std::unique_ptr<HttpEndpoint>> start(EndpointOptions options);
  ~HttpEndpoint();  // stops serving and joins the thread
  HttpEndpoint(const HttpEndpoint&) = delete;
  HttpEndpoint& operator=(const HttpEndpoint&) = delete;

  std::uint16_t port() const;
  std::string url() const;  // http://HOST:PORT

 private:
  struct Impl;
  explicit HttpEndpoint(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace cchost::metrics
