#pragma once
// A process-level harness for the runtime tests: it writes a project.toml on a free loopback
// port, provisions it with the real ccprovision, starts the server and sites as real `cchost
// run` processes (stdout/stderr to log files), asks the server for status with the real
// `cchost admin`, and kills and reaps every child it started when it goes away.
//
// Hang guards only: every wait has a generous deadline and nothing asserts on timing.
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace cchost::runtime_test {

namespace fs = std::filesystem;

// A free TCP port on 127.0.0.1, chosen by the kernel (bind to port 0, read it, close).
int pick_free_port();

struct SiteSpec {
  SiteSpec() = default;
  SiteSpec(std::string n, std::string p, bool debug = false, std::vector<std::string> extra = {})
      : name(std::move(n)), policy(std::move(p)), sim_debug(debug), extra_authorizers(std::move(extra)) {}

  std::string name;
  std::string policy;       // policy file text
  bool sim_debug = false;   // the sim backend reports a guest policy with DEBUG set
  // More authorizers for this participant, each as the keys of one [[site.authorizer]] table
  // (e.g. "namespace = \"x-nv-gpu\"\nplugin = \"nvgpu_authorizer.so\"\nbackend = \"sim\"\n").
  std::vector<std::string> extra_authorizers;
  // The site runs on another platform: it verifies its peers' x-snp evidence but presents none
  // (`verify_only = true`); its own evidence comes from an extra authorizer.
  bool snp_verify_only = false;
};

struct ProjectSpec {
  std::string name = "rt";
  std::string server_policy;
  std::vector<SiteSpec> sites;
  std::string request_timeout = "3s";
  bool simulate = true;     // false: no authorizers at all (keys and kits only)
  std::vector<std::string> server_extra_authorizers;   // as SiteSpec::extra_authorizers
};

// Policy texts (policies/README.md).
std::string lenient_policy(const std::string& peer_trust = "decline");
std::string strict_policy(const std::string& peer_trust = "decline");  // [snp] debug = false

struct CommandResult {
  int exit_code = -1;       // -1: killed by the harness after the deadline
  std::string output;       // stdout and stderr together
};

class RuntimeHarness {
 public:
  explicit RuntimeHarness(const std::string& label);
  ~RuntimeHarness();
  RuntimeHarness(const RuntimeHarness&) = delete;
  RuntimeHarness& operator=(const RuntimeHarness&) = delete;

  const fs::path& dir() const { return dir_; }
  int port() const { return port_; }
  fs::path kits() const { return dir_ / "kits"; }
  fs::path kit(const std::string& name) const { return kits() / name; }
  fs::path workspace(const std::string& name) const { return dir_ / "ws" / name; }
  fs::path log_path(const std::string& name) const { return dir_ / "logs" / (name + ".log"); }

  // Writes project.toml and the policy files under dir(), then runs ccprovision with the
  // process-wide shared --state folder (so the simulated CA is generated once), or `state`.
  // `port` 0 picks a free one. Returns ccprovision's result.
  CommandResult provision(const ProjectSpec& spec, int port = 0, std::optional<fs::path> state = std::nullopt,
                          const std::string& out_name = "kits");

  // Starts `cchost run` for a participant; sites get --heartbeat-ms heartbeat_ms (500 unless
  // set: the tests want liveness to show quickly).
  int heartbeat_ms = 500;
  bool start(const std::string& name, const std::vector<std::string>& extra_args = {});
  void signal(const std::string& name, int sig);
  // Sends SIGTERM, waits (up to 10 s) for the exit, then SIGKILL. Returns the exit status.
  int stop(const std::string& name);
  bool running(const std::string& name);
  // The process id of a participant this harness started and has not reaped; -1 otherwise.
  pid_t pid(const std::string& name) const;

  // Runs a command to completion (killed after `timeout`), output captured.
  CommandResult run(const std::vector<std::string>& argv, std::chrono::seconds timeout = std::chrono::seconds(60));
  CommandResult cchost(const std::vector<std::string>& args, std::chrono::seconds timeout = std::chrono::seconds(60));

  // `cchost admin --kit KIT status --json`, parsed; nullopt when it fails.
  std::optional<nlohmann::json> status(std::optional<fs::path> admin_kit = std::nullopt, int timeout_s = 5);
  // Polls status until `done(report)` holds or `deadline` passes; the last report is kept.
  bool wait_for(const std::function<bool(const nlohmann::json&)>& done,
                std::chrono::seconds deadline = std::chrono::seconds(60));
  const nlohmann::json& last_status() const { return last_status_; }

  // Writes job.toml (+ payload) and submits it without waiting; returns the admin's result.
  CommandResult submit(const std::string& id, const std::vector<std::string>& deploy_map, int min_sites,
                       const std::string& payload, int retries = 0);
  // Waits until the job is in a terminal state (deployed or failed); returns its JSON record.
  std::optional<nlohmann::json> wait_decided(const std::string& id, std::chrono::seconds deadline = std::chrono::seconds(60));

  // Every participant registered (and, with `attested_since`, re-attested at or after it).
  bool wait_registered(const std::vector<std::string>& sites, std::int64_t attested_since = 0,
                       std::chrono::seconds deadline = std::chrono::seconds(60));

  // The last lines of every log (for failure messages).
  std::string log_tails(std::size_t bytes_each = 3000) const;
  std::string read_log(const std::string& name) const;
  // Polls `name`'s log until the text after byte `from` contains `needle`.
  bool wait_for_log(const std::string& name, const std::string& needle, std::size_t from = 0,
                    std::chrono::seconds deadline = std::chrono::seconds(60)) const;

 private:
  fs::path dir_;
  int port_ = 0;
  std::map<std::string, pid_t> children_;
  nlohmann::json last_status_;
  int launches_ = 0;
};

// Helpers over a status report.
const nlohmann::json* find_participant(const nlohmann::json& report, const std::string& name);
const nlohmann::json* find_job(const nlohmann::json& report, const std::string& id);
std::string read_text(const fs::path& path);
std::int64_t unix_now();

}  // namespace cchost::runtime_test
