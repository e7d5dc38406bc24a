#include "service_notify.hpp"

#include <systemd/sd-daemon.h>

namespace cchost::cli {
namespace {

// Newlines would start a new assignment in the notify datagram.
std::string one_line(std::string text) {
  for (char& c : text)
    if (c == '\n' || c == '\r') c = ' ';
  return text;
}

}  // namespace

ServiceNotifier::ServiceNotifier(boost::asio::io_context& io) : io_(io) {
  std::uint64_t usec = 0;
  // > 0 only when $WATCHDOG_USEC is set for this process ($WATCHDOG_PID, if set, is ours).
  if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0) watchdog_ = std::chrono::microseconds(usec);
}

ServiceNotifier::~ServiceNotifier() = default;

void ServiceNotifier::ready(const std::string& status) {
  (void)sd_notify(0, ("READY=1\nSTATUS=" + one_line(status)).c_str());
  if (watchdog_.count() > 0) {
    timer_ = std::make_unique<boost::asio::steady_timer>(io_);
    schedule_ping();
  }
}

void ServiceNotifier::status(const std::string& status) { (void)sd_notify(0, ("STATUS=" + one_line(status)).c_str()); }

void ServiceNotifier::stopping(const std::string& status) {
  timer_.reset();
  (void)sd_notify(0, ("STOPPING=1\nSTATUS=" + one_line(status)).c_str());
}

void ServiceNotifier::schedule_ping() {
  // Half the interval, as sd_watchdog_enabled(3) recommends: one late ping is not a restart.
  timer_->expires_after(watchdog_ / 2);
  timer_->async_wait([this](const boost::system::error_code& err) {
    if (err || !timer_) return;
    (void)sd_notify(0, "WATCHDOG=1");
    schedule_ping();
  });
}

}  // namespace cchost::cli
