// cchost-aci-sim-sidecar: the simulated SKR sidecar as its own process, answering HTTP on
// 127.0.0.1 only (as the real one listens on localhost only), with cpp-httplib's server. Tests
// start it and point the plugin's real `sidecar` backend at it.
//   cchost-aci-sim-sidecar --ca-dir DIR [--port N]     (N = 0: any free port)
// Prints "listening 127.0.0.1:PORT" on stdout once it accepts connections.
#include <httplib.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>

#include "sim/sim_sidecar.hpp"

namespace {

int usage() {
  std::fprintf(stderr, "usage: cchost-aci-sim-sidecar --ca-dir DIR [--port N]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string ca_dir;
  int port = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--ca-dir") ca_dir = argv[i + 1];
    else if (flag == "--port") port = std::atoi(argv[i + 1]);
    else return usage();
  }
  if (ca_dir.empty() || argc % 2 == 0 || port < 0 || port > 65535) return usage();
  auto sidecar = cchost::aci::sim::SimSidecar::load(ca_dir);
  if (!sidecar) {
    std::fprintf(stderr, "cchost-aci-sim-sidecar: %s\n", sidecar.message().c_str());
    return 1;
  }
  httplib::Server server;
  // One request at a time: the simulated SNP backend is not shared between threads.
  server.new_task_queue = [] { return new httplib::ThreadPool(1); };
  auto reply = [](httplib::Response& res, const cchost::aci::sim::SidecarReply& r) {
    res.status = r.status;
    res.set_content(r.body, "application/json");
  };
  server.Get("/status", [&](const httplib::Request&, httplib::Response& res) {
    reply(res, cchost::aci::sim::SimSidecar::status());
  });
  server.Post("/attest/maa", [&](const httplib::Request& req, httplib::Response& res) {
    reply(res, sidecar->attest_maa(req.body, static_cast<std::int64_t>(std::time(nullptr))));
  });
  server.Post("/attest/combined", [&](const httplib::Request& req, httplib::Response& res) {
    reply(res, sidecar->attest_combined(req.body));
  });
  server.set_payload_max_length(1 << 20);
  const int bound = port == 0 ? server.bind_to_any_port("127.0.0.1") : (server.bind_to_port("127.0.0.1", port) ? port : -1);
  if (bound <= 0) {
    std::fprintf(stderr, "cchost-aci-sim-sidecar: cannot listen on 127.0.0.1:%d\n", port);
    return 1;
  }
  std::printf("listening 127.0.0.1:%d\n", bound);
  std::fflush(stdout);
  return server.listen_after_bind() ? 0 : 1;
}
