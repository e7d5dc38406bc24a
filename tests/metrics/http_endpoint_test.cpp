#include "cchost/metrics/http_endpoint.hpp"

#include <gtest/gtest.h>
#include <httplib.h>

namespace cchost::metrics {
namespace {

const Family kHits{"test_hits_total", "Hits.", Kind::Counter};

TEST(MetricsListenAddress, ParsesPortHostPortAndBracketedIpv6) {
  auto port_only = parse_listen_address("9464");
  ASSERT_TRUE(port_only) << port_only.message();
  EXPECT_EQ(port_only->host, "127.0.0.1");  // loopback unless the operator names an address
  EXPECT_EQ(port_only->port, 9464);
  auto both = parse_listen_address("0.0.0.0:80");
  ASSERT_TRUE(both);
  EXPECT_EQ(both->host, "0.0.0.0");
  EXPECT_EQ(both->port, 80);
  auto v6 = parse_listen_address("[::1]:9000");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 9000);
}

TEST(MetricsListenAddress, RefusesWhatIsNotAnAddressNamingIt) {
  for (const char* bad : {"", "http", "localhost:", ":9464", "1:2:3", "[::1]", "[::1]9000", "70000", "12x", "-1"}) {
    auto parsed = parse_listen_address(bad);
    EXPECT_FALSE(parsed) << bad;
    if (!parsed) {
      EXPECT_NE(parsed.message().find(std::string("'") + bad + "'"), std::string::npos) << parsed.message();
    }
  }
}

TEST(MetricsEndpoint, ServesTheRegistryAndAHealthThatCanFail) {
  Registry registry;
  registry.add(kHits, {}, 3);
  bool healthy = true;
  EndpointOptions options;
  options.registry = &registry;
  options.health = [&healthy] { return Health{healthy, healthy ? R"({"status":"ok"})" : R"({"status":"unresponsive"})"}; };
  auto endpoint = HttpEndpoint::start(options);
  ASSERT_TRUE(endpoint) << endpoint.message();
  ASSERT_GT((*endpoint)->port(), 0);
  EXPECT_EQ((*endpoint)->url(), "http://127.0.0.1:" + std::to_string((*endpoint)->port()));

  httplib::Client client("127.0.0.1", (*endpoint)->port());
  auto metrics = client.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_EQ(metrics->status, 200);
  EXPECT_NE(metrics->body.find("test_hits_total 3\n"), std::string::npos) << metrics->body;
  EXPECT_NE(metrics->body.find("process_cpu_seconds_total "), std::string::npos) << metrics->body;
  auto ok = client.Get("/healthz");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  healthy = false;
  auto sick = client.Get("/healthz");
  ASSERT_TRUE(sick);
  EXPECT_EQ(sick->status, 503) << "a probe must see a failing health check";
  EXPECT_EQ(sick->body, R"({"status":"unresponsive"})");
  auto missing = client.Get("/");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
}

TEST(MetricsEndpoint, APortInUseIsRefusedNamingTheAddress) {
  auto first = HttpEndpoint::start({});
  ASSERT_TRUE(first);
  EndpointOptions again;
  again.port = (*first)->port();
  auto second = HttpEndpoint::start(again);
  ASSERT_FALSE(second);
  EXPECT_NE(second.message().find("cannot listen on 127.0.0.1:" + std::to_string(again.port)), std::string::npos)
      << second.message();
}

}  // namespace
}  // namespace cchost::metrics
