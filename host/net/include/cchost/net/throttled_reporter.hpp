#pragma once
// A Throttle (flood_control.hpp) on an io_context: report() says whether to report an event
// now, and a timer hands each interval's summary of the suppressed ones to `on_summary` when
// that interval ends, so a flood that stops still gets its count written. io thread only;
// destroy on the io thread or while it is not running.
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "cchost/net/flood_control.hpp"

namespace cchost::net {

class ThrottledReporter {
 public:
  using SummarySink = std::function<void(const Throttle::Summary&)>;
  ThrottledReporter(boost::asio::io_context& io, Throttle::Options options, SummarySink on_summary);
  ~ThrottledReporter();
  ThrottledReporter(const ThrottledReporter&) = delete;
  ThrottledReporter& operator=(const ThrottledReporter&) = delete;

  // True: report this one now. False: counted; its summary comes through on_summary.
  bool report(const std::string& key, const std::string& detail = {});

 private:
  void arm();
  void flush();

  Throttle throttle_;
  SummarySink on_summary_;
  boost::asio::steady_timer timer_;
  bool armed_ = false;
  std::shared_ptr<char> alive_ = std::make_shared<char>();
};

// "5 s" / "1.5 s" for summaries.
std::string interval_text(std::chrono::milliseconds ms);

}  // namespace cchost::net
