// `cchost run --kit DIR [--workspace DIR] [--root-fingerprint HEX]`: start a participant from
// its startup kit, trusted only through a root pin held outside it (kit/root_pin.hpp).
#include <csignal>
#include <iostream>

#include "cli_reference.hpp"
#include "command_registry.hpp"
#include "root_pin_options.hpp"
#include "run_participant.hpp"

namespace cchost::cli {
namespace {

const CommandRegistration registration{"5-run", [](CLI::App& app, auto& set_exit) {
  auto* cmd = app.add_subcommand("run", "start a participant (server or site) from a startup kit");
  auto options = std::make_shared<RunOptions>();
  auto resources = std::make_shared<std::vector<std::string>>();
  auto pin = std::make_shared<RootPinOptions>();
  cmd->add_option("--kit", options->kit_dir, "the participant's startup kit folder")->required();
  cmd->add_option("--workspace", options->workspace, "where state, audit.log and payloads go (default ./NAME-workspace)");
  add_root_pin_options(cmd, *pin);
  cmd->add_option("--resource", *resources, "NAME=N offered to jobs (sites), repeatable");
  cmd->add_option("--heartbeat-ms", options->heartbeat_ms, "site heartbeat interval")->check(CLI::Range(50, 600000));
  cmd->add_option("--heartbeat-budget", options->heartbeat_budget,
                  "server: heartbeats a second it takes from all its sites; each is asked to beat at "
                  "the longer of its own interval and (sites / budget), at most 60 s (0: unpaced; default 32)")
      ->check(CLI::Range(0, 100000));
  cmd->add_option("--metrics", options->metrics_listen,
                  "serve Prometheus metrics (/metrics) and a health check (/healthz) over HTTP on [HOST:]PORT "
                  "(HOST default 127.0.0.1; PORT 0 picks a free one and prints it)");
  cmd->add_option("--reattest-seconds", options->reattest_seconds, "override the kit's re-attestation interval (0: off)");
  // Read through sd_notify(3) and sd_watchdog_enabled(3) (service_notify.cpp).
  for (const char* variable : {"NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID"}) reads_environment(*cmd, variable);
  document(*cmd,
           {.examples = {{"cchost run --kit kits/server --workspace ws/server --root-fingerprint-file kits/root.fingerprint",
                          "start the server from its kit"},
                         {"cchost run --kit kits/site-1 --workspace ws/site-1 --root-fingerprint-file "
                          "kits/root.fingerprint --resource gpu=8 --metrics 127.0.0.1:9464",
                          "a site offering 8 GPUs to jobs, with Prometheus metrics on a loopback port"}},
            .exit_codes = {exit_code(kExitOk, "stopped cleanly: SIGTERM, SIGINT or cchost admin shutdown"),
                           exit_code(kExitRejected,
                                     "its own attestation could not be recorded at start, or its audit log could not "
                                     "be sealed at the end"),
                           exit_code(kExitUsage,
                                     "refused at start: its kit, root pin or policy, an admin kit, the workspace, a "
                                     "WORKSPACE/revocations.json that fails its schema or the server's signature"),
                           exit_code(kExitUnreachable,
                                     "a quarantined site told by the server to shut down (on_failure = \"shutdown\")")},
            .notes = "Without a root pin the first start records the kit's root in WORKSPACE/root.pin (trust on first "
                     "use); every later start with that workspace refuses a kit with another root."});
  cmd->callback([options, resources, pin, &set_exit] {
    for (const auto& r : *resources) {
      const auto eq = r.find('=');
      if (eq == std::string::npos || eq == 0) throw CLI::ValidationError("--resource", "expected NAME=N, got '" + r + "'");
      try {
        options->resources[r.substr(0, eq)] = std::stoll(r.substr(eq + 1));
      } catch (const std::exception&) {
        throw CLI::ValidationError("--resource", "expected NAME=N, got '" + r + "'");
      }
    }
    auto explicit_pin = explicit_root_pin(*pin);
    if (!explicit_pin) {
      std::cerr << "cchost run: " << explicit_pin.message() << "\n";
      set_exit(kExitUsage);
      return;
    }
    options->root_fingerprint = *explicit_pin;
    set_exit(run_participant(*options));
    // Stopped and sealed: a SIGTERM that lands while the process exits (a supervisor's second
    // signal; LeakSanitizer's exit-time scan under the asan preset) must not turn the exit
    // status chosen above (3 for a policy-mandated shutdown) into "killed by signal".
    std::signal(SIGTERM, SIG_IGN);
    std::signal(SIGINT, SIG_IGN);
  });
}};

}  // namespace
}  // namespace cchost::cli
