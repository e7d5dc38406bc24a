#include "cchost/metrics/registry.hpp"

#include <gtest/gtest.h>

namespace cchost::metrics {
namespace {

const Family kRequests{"test_requests_total", "Requests by kind.", Kind::Counter};
const Family kDepth{"test_depth", "Queue depth.", Kind::Gauge};
constexpr double kBuckets[] = {0.1, 1};
const Family kLatency{"test_latency_seconds", "Latency.", Kind::Histogram, kBuckets};

TEST(MetricsRegistry, RendersCountersGaugesAndCumulativeHistogramsInTheTextFormat) {
  Registry r;
  r.add(kRequests, {{"kind", "a"}});
  r.add(kRequests, {{"kind", "a"}}, 2);
  r.add(kRequests, {{"kind", "b"}});
  r.set(kDepth, {}, 7);
  r.observe(kLatency, {{"ns", "x"}}, 0.05);
  r.observe(kLatency, {{"ns", "x"}}, 0.5);
  r.observe(kLatency, {{"ns", "x"}}, 5);
  EXPECT_EQ(r.render(),
            "# HELP test_depth Queue depth.\n"
            "# TYPE test_depth gauge\n"
            "test_depth 7\n"
            "# HELP test_latency_seconds Latency.\n"
            "# TYPE test_latency_seconds histogram\n"
            "test_latency_seconds_bucket{ns=\"x\",le=\"0.1\"} 1\n"
            "test_latency_seconds_bucket{ns=\"x\",le=\"1\"} 2\n"
            "test_latency_seconds_bucket{ns=\"x\",le=\"+Inf\"} 3\n"
            "test_latency_seconds_sum{ns=\"x\"} 5.55\n"
            "test_latency_seconds_count{ns=\"x\"} 3\n"
            "# HELP test_requests_total Requests by kind.\n"
            "# TYPE test_requests_total counter\n"
            "test_requests_total{kind=\"a\"} 3\n"
            "test_requests_total{kind=\"b\"} 1\n");
  EXPECT_EQ(r.value(kRequests, {{"kind", "a"}}), 3);
}

TEST(MetricsRegistry, ACounterNeverGoesDown) {
  Registry r;
  r.add(kRequests, {}, 5);
  r.add(kRequests, {}, -3);
  r.add(kRequests, {}, std::numeric_limits<double>::quiet_NaN());
  EXPECT_EQ(r.value(kRequests, {}), 5);
}

TEST(MetricsRegistry, LabelValuesFromPeersCannotBreakALineOrTheFormat) {
  Registry r;
  r.add(kRequests, {{"kind", "a\"}\nfake_metric 1\n\\"}});
  const std::string text = r.render();
  EXPECT_NE(text.find(R"(test_requests_total{kind="a\"}\nfake_metric 1\n\\"} 1)"), std::string::npos) << text;
  EXPECT_EQ(text.find("\nfake_metric"), std::string::npos) << text;
  // Overlong values are cut to the bound.
  r.add(kRequests, {{"kind", std::string(10000, 'k')}});
  EXPECT_NE(r.render().find("{kind=\"" + std::string(kMaxLabelValueBytes, 'k') + "\"}"), std::string::npos);
}

TEST(MetricsRegistry, NewLabelSetsBeyondTheBoundAreCountedAsOther) {
  Registry r;
  for (std::size_t i = 0; i < kMaxSeriesPerFamily + 50; ++i) r.add(kRequests, {{"kind", "k" + std::to_string(i)}});
  EXPECT_EQ(r.value(kRequests, {{"kind", "_other"}}), 51) << "the 256th set was the overflow series itself";
  EXPECT_EQ(r.value(kRequests, {{"kind", "k0"}}), 1);
  // A label set already known keeps counting under its own name.
  r.add(kRequests, {{"kind", "k1"}});
  EXPECT_EQ(r.value(kRequests, {{"kind", "k1"}}), 2);
}

TEST(MetricsRegistry, TheProcessRegistryIsOne) { EXPECT_EQ(&Registry::process(), &Registry::process()); }

}  // namespace
}  // namespace cchost::metrics
