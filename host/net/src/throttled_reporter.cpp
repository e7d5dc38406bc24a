#include "cchost/net/throttled_reporter.hpp"

#include <cstdio>

namespace cchost::net {

ThrottledReporter::ThrottledReporter(boost::asio::io_context& io, Throttle::Options options, SummarySink on_summary)
    : throttle_(options), on_summary_(std::move(on_summary)), timer_(io) {}

ThrottledReporter::~ThrottledReporter() {
  alive_.reset();
  timer_.cancel();
}

bool ThrottledReporter::report(const std::string& key, const std::string& detail) {
  if (throttle_.admit(key, FloodClock::now(), detail)) return true;
  arm();
  return false;
}

void ThrottledReporter::arm() {
  if (armed_) return;
  const auto due = throttle_.next_due();
  if (!due) return;
  armed_ = true;
  timer_.expires_at(*due);
  timer_.async_wait([this, alive = std::weak_ptr<char>(alive_)](const boost::system::error_code& ec) {
    if (ec || alive.expired()) return;
    armed_ = false;
    flush();
  });
}

void ThrottledReporter::flush() {
  for (const auto& summary : throttle_.take_due(FloodClock::now())) on_summary_(summary);
  arm();  // the flood may go on: the next interval's summary
}

std::string interval_text(std::chrono::milliseconds ms) {
  char buf[32];
  if (ms.count() % 1000 == 0)
    std::snprintf(buf, sizeof buf, "%lld s", static_cast<long long>(ms.count() / 1000));
  else
    std::snprintf(buf, sizeof buf, "%.1f s", static_cast<double>(ms.count()) / 1000.0);
  return buf;
}

}  // namespace cchost::net
