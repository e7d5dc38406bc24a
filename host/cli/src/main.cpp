// cchost: the confidential-computing host. Global options (logging) live here; every
// subcommand registers itself from its own file (command_registry.hpp).
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <iostream>

#include "cchost/authorizer.h"
#include "cli_conventions.hpp"
#include "cli_reference.hpp"
#include "command_registry.hpp"

namespace cchost::cli {

CommandRegistration::CommandRegistration(std::string order_key, CommandSetup setup) {
  command_registry().push_back({std::move(order_key), std::move(setup)});
}

std::vector<RegisteredCommand>& command_registry() {
  static std::vector<RegisteredCommand> registry;
  return registry;
}

namespace {

void configure_logging(const std::string& level, bool json) {
  // Logs go to stderr so that stdout stays machine-readable (--json output).
  auto logger = spdlog::stderr_color_mt("cchost");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(level));
  if (json) {
    spdlog::set_pattern(
        R"({"time":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l","logger":"%n","msg":"%v"})",
        spdlog::pattern_time_type::utc);
  }
}

}  // namespace
}  // namespace cchost::cli

int main(int argc, char** argv) {
  using namespace cchost::cli;
  CLI::App app{"cchost: confidential-computing host (attestation, policy, multi-site runtime)"};
  app.require_subcommand(1);
  std::string log_level = "warn";
  bool log_json = false;
  app.add_option("--log-level", log_level, "trace|debug|info|warn|error|critical|off")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}));
  app.add_flag("--log-json", log_json, "log one JSON object per line");

  int exit_code = kExitOk;
  std::function<void(int)> set_exit = [&](int code) { exit_code = code; };
  auto& registry = command_registry();
  std::sort(registry.begin(), registry.end(),
            [](const auto& a, const auto& b) { return a.order_key < b.order_key; });
  for (auto& command : registry) command.setup(app, set_exit);

  app.set_version_flag("--version", std::string("cchost ") + CCHOST_VERSION + " (authorizer ABI " +
                                         std::to_string(CCHOST_AUTHORIZER_ABI_MAJOR) + "." +
                                         std::to_string(CCHOST_AUTHORIZER_ABI_MINOR) + ")");
  document(app, {.examples = {{"cchost verify --namespace x-acme --evidence report.bin --collateral trust/x-acme --at "
                                "2026-11-01T00:00:00Z --no-binding",
                                "verify one piece of evidence offline and print its claims"},
                               {"cchost run --kit kits/site-1 --workspace ws/site-1 --root-fingerprint-file "
                                "kits/root.fingerprint",
                                "start a participant from its startup kit, trusting it through the root pin"},
                               {"cchost admin --kit kits/admin --root-fingerprint-file kits/root.fingerprint status",
                                "ask the server who is registered and what each job did"}},
                  .notes = "Every command has a page of its own: man cchost-COMMAND (cchost-admin-status)."});
  install_help_footers(app);
  accept_options_anywhere(app);

  app.parse_complete_callback([&] { configure_logging(log_level, log_json); });
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() != 0) {
      if (auto unknown = unknown_command_message(app, argc, argv)) {
        std::cerr << "cchost: " << *unknown << "\nRun with --help for more information.\n";
        return kExitUsage;
      }
    }
    int code = app.exit(e);
    return code == 0 ? 0 : kExitUsage;
  } catch (const std::exception& e) {
    std::cerr << "cchost: " << e.what() << "\n";
    return kExitUsage;
  }
  return exit_code;
}
