#pragma once
// Subcommands register themselves here at static-initialisation time; main() builds the CLI
// from the registry. Each registration adds its options to `app` and returns the function
// that runs once CLI11 has parsed the command line.
#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <vector>

namespace cchost::cli {

// Exit codes shared by every subcommand (the table in docs/cli.md).
inline constexpr int kExitOk = 0;
inline constexpr int kExitRejected = 1;     // verification failed, the policy rejected, a job failed
inline constexpr int kExitUsage = 2;        // usage error, unreadable input, a request the server refused
inline constexpr int kExitUnreachable = 3;  // the server is unreachable or did not answer in time
inline constexpr int kExitCollateral = 4;   // verify: the plugin's collateral is missing or stale

using CommandSetup = std::function<void(CLI::App& app, std::function<void(int)>& set_exit)>;

struct CommandRegistration {
  CommandRegistration(std::string order_key, CommandSetup setup);
};

struct RegisteredCommand {
  std::string order_key;
  CommandSetup setup;
};

std::vector<RegisteredCommand>& command_registry();

// The folder with the installed plugins: ../plugins next to the running binary.
std::string default_plugin_dir();

}  // namespace cchost::cli
