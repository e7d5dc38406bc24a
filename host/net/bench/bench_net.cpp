// bench_net: request round-trip latency over CURVE on loopback, and the idle CPU of a
// connected client + server (the proof that socket I/O does not busy-poll).
//   bench_net [requests=2000] [blob_bytes=0] [idle_seconds=2]
// Client, server and both ZeroMQ I/O threads run in this one process; CPU is getrusage(SELF).
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include "cchost/net/client.hpp"
#include "cchost/net/server.hpp"

using namespace cchost::net;
using Clock = std::chrono::steady_clock;

namespace {

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

template <class F>
auto on_io(boost::asio::io_context& io, F f) -> decltype(f()) {
  std::packaged_task<decltype(f())()> task(std::move(f));
  auto result = task.get_future();
  boost::asio::post(io, [&task] { task(); });
  return result.get();
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  const auto i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1));
  return v[i];
}

}  // namespace

int main(int argc, char** argv) {
  const int requests = argc > 1 ? std::atoi(argv[1]) : 2000;
  const std::size_t blob_bytes = argc > 2 ? static_cast<std::size_t>(std::atol(argv[2])) : 0;
  const int idle_seconds = argc > 3 ? std::atoi(argv[3]) : 2;
  spdlog::set_level(spdlog::level::warn);

  boost::asio::io_context io;
  auto work = boost::asio::make_work_guard(io);
  std::thread io_thread([&] { io.run(); });

  const auto server_keys = generate_curve_keypair();
  const auto site_keys = generate_curve_keypair();
  std::unique_ptr<Server> server;
  std::unique_ptr<Client> client;
  on_io(io, [&] {
    ServerConfig sc;
    sc.keys = server_keys;
    sc.allow_list = {{site_keys.public_z85, Peer{"site-1", Role::site}}};
    server = Server::create(io, sc).value();
    server->on_message([&](const Delivery& d) { server->reply(d, make_message("pong", "")); });
    ClientConfig cc;
    cc.endpoint = server->endpoint();
    cc.server_public_z85 = server_keys.public_z85;
    cc.keys = site_keys;
    cc.name = "site-1";
    client = Client::create(io, cc).value();
    return 0;
  });

  auto one_request = [&] {
    Message m = make_message("ping", "");
    if (blob_bytes > 0) m.blobs = {cchost::Bytes(blob_bytes, 0x5a)};
    std::promise<bool> done;
    auto f = done.get_future();
    client->request(std::move(m), std::chrono::seconds(5), [&done](cchost::Result<Message> r) { done.set_value(r.ok()); });
    return f.get();
  };
  for (int i = 0; i < 50; ++i) {  // warm-up: handshake, allocator
    if (!one_request()) {
      std::fprintf(stderr, "warm-up request failed\n");
      return 1;
    }
  }
  std::vector<double> us;
  us.reserve(static_cast<std::size_t>(requests));
  const double cpu_busy0 = cpu_seconds();
  const auto t0 = Clock::now();
  for (int i = 0; i < requests; ++i) {
    const auto start = Clock::now();
    if (!one_request()) {
      std::fprintf(stderr, "request %d failed\n", i);
      return 1;
    }
    us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
  }
  const double wall = std::chrono::duration<double>(Clock::now() - t0).count();
  const double cpu_busy = cpu_seconds() - cpu_busy0;

  const double cpu_idle0 = cpu_seconds();
  std::this_thread::sleep_for(std::chrono::seconds(idle_seconds));
  const double cpu_idle = cpu_seconds() - cpu_idle0;

  std::printf("bench_net: CURVE DEALER->ROUTER on tcp://127.0.0.1, one process (client, server, 2 zmq I/O threads)\n");
  std::printf("  requests           %d (blob %zu bytes each)\n", requests, blob_bytes);
  std::printf("  round trip p50     %.1f us\n", percentile(us, 0.50));
  std::printf("  round trip p99     %.1f us\n", percentile(us, 0.99));
  std::printf("  round trip max     %.1f us\n", percentile(us, 1.0));
  std::printf("  throughput         %.0f req/s (sequential)\n", requests / wall);
  std::printf("  CPU while busy     %.1f%% of one core\n", 100.0 * cpu_busy / wall);
  std::printf("  idle CPU           %.1f ms over %d s = %.3f%% of one core (heartbeat 1 s)\n", cpu_idle * 1000.0, idle_seconds,
              100.0 * cpu_idle / idle_seconds);

  on_io(io, [&] {
    client.reset();
    server.reset();
    return 0;
  });
  work.reset();
  io_thread.join();
  return 0;
}
