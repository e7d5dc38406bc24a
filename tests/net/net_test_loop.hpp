#pragma once
// Test scaffolding: an io_context on its own thread (the transport's rule: one io thread),
// and on_io() to run setup/teardown there and wait for the result.
#include <chrono>
#include <future>
#include <optional>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

namespace cchost::net::testing {

// Generous hang guard: no assertion depends on timing, but a broken transport must not hang CI.
inline constexpr std::chrono::seconds kHangGuard{20};

class IoLoop {
 public:
  IoLoop() : work_(boost::asio::make_work_guard(io)), thread_([this] { io.run(); }) {}
  ~IoLoop() {
    work_.reset();
    io.stop();
    thread_.join();
  }

  template <class F>
  auto on_io(F f) -> decltype(f()) {
    std::packaged_task<decltype(f())()> task(std::move(f));
    auto result = task.get_future();
    boost::asio::post(io, [&task] { task(); });
    return result.get();
  }

  boost::asio::io_context io;

 private:
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::thread thread_;
};

// Waits for a future under the hang guard; nullopt means "hung".
template <class T>
std::optional<T> wait(std::future<T>& f) {
  if (f.wait_for(kHangGuard) != std::future_status::ready) return std::nullopt;
  return f.get();
}

}  // namespace cchost::net::testing
