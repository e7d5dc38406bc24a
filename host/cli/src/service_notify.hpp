#pragma once
// cchost run under a service manager (packaging/systemd/cchost@.service, Type=notify): READY
// once the participant serves, STATUS lines, STOPPING at shutdown, and watchdog pings from the
// event loop itself, so a loop that hangs stops the pings and systemd restarts the unit. With
// no $NOTIFY_SOCKET (not started by systemd) every call does nothing.
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <string>

namespace cchost::cli {

class ServiceNotifier {
 public:
  explicit ServiceNotifier(boost::asio::io_context& io);
  ~ServiceNotifier();
  ServiceNotifier(const ServiceNotifier&) = delete;
  ServiceNotifier& operator=(const ServiceNotifier&) = delete;

  void ready(const std::string& status);     // READY=1 and STATUS=...; starts the watchdog pings
  void status(const std::string& status);    // STATUS=...
  void stopping(const std::string& status);  // STOPPING=1 and STATUS=...; stops the pings

 private:
  void schedule_ping();
  boost::asio::io_context& io_;
  std::unique_ptr<boost::asio::steady_timer> timer_;
  std::chrono::microseconds watchdog_{0};  // 0: no watchdog asked for
};

}  // namespace cchost::cli
