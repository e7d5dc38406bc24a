#include "runtime_harness.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace cchost::runtime_test {
namespace {

const fs::path kCchost = fs::path(CCHOST_BINARY_DIR) / "bin" / "cchost";
const fs::path kProvision = fs::path(CCHOST_BINARY_DIR) / "bin" / "ccprovision";
const fs::path kPluginDir = fs::path(CCHOST_BINARY_DIR) / "plugins";
// One key/CA state folder for every test process of this build: the RSA-4096 simulated CA is
// generated once. Provisioning is serialised with a file lock, since ctest may run in parallel.
const fs::path kSharedState = fs::path(CCHOST_BINARY_DIR) / "tests" / "runtime-state";

void write_text(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

std::string toml_string(const std::string& s) { return nlohmann::json(s).dump(); }  // JSON quoting is valid TOML here

std::string tail(const std::string& s, std::size_t n) { return s.size() <= n ? s : "..." + s.substr(s.size() - n); }

// posix_spawn with stdout and stderr to `log` (appended).
pid_t spawn(const std::vector<std::string>& argv, const fs::path& log) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  return rc == 0 ? pid : -1;
}

// Waits for `pid` until `deadline`; returns the exit code, 128+signal, or nullopt on timeout.
std::optional<int> wait_until(pid_t pid, std::chrono::steady_clock::time_point deadline) {
  for (;;) {
    int status = 0;
    const pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (r < 0) return -1;
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

int terminate(pid_t pid) {
  kill(pid, SIGTERM);
  if (auto code = wait_until(pid, std::chrono::steady_clock::now() + std::chrono::seconds(10))) return *code;
  kill(pid, SIGKILL);
  return wait_until(pid, std::chrono::steady_clock::now() + std::chrono::seconds(10)).value_or(-1);
}

}  // namespace

int pick_free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket() failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    close(fd);
    throw std::runtime_error("cannot bind 127.0.0.1:0");
  }
  close(fd);
  return ntohs(addr.sin_port);
}

std::string lenient_policy(const std::string& peer_trust) {
  return "[policy]\nname = \"runtime-test lenient\"\nrequire = [\"x-snp\"]\nallow_simulated = true\npeer_trust = " +
         toml_string(peer_trust) + "\n";
}

std::string strict_policy(const std::string& peer_trust) {
  return "[policy]\nname = \"runtime-test strict\"\nrequire = [\"x-snp\"]\nallow_simulated = true\npeer_trust = " +
         toml_string(peer_trust) + "\n\n[snp]\ndebug = false\n";
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

RuntimeHarness::RuntimeHarness(const std::string& label) {
  std::string templ = (fs::temp_directory_path() / ("cchost-rt-" + label + "-XXXXXX")).string();
  if (!mkdtemp(templ.data())) throw std::runtime_error("mkdtemp failed");
  dir_ = templ;
  fs::create_directories(dir_ / "logs");
  fs::create_directories(dir_ / "ws");
}

RuntimeHarness::~RuntimeHarness() {
  for (auto& [name, pid] : children_)
    if (pid > 0) terminate(pid);
  children_.clear();
  if (::testing::Test::HasFailure()) {
    std::cerr << "runtime harness: kept " << dir_ << " for inspection\n" << log_tails();
    return;
  }
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

CommandResult RuntimeHarness::run(const std::vector<std::string>& argv, std::chrono::seconds timeout) {
  const fs::path out = dir_ / "logs" / ("cmd-" + std::to_string(++launches_) + ".out");
  CommandResult result;
  const pid_t pid = spawn(argv, out);
  if (pid < 0) {
    result.output = "cannot spawn " + argv[0];
    return result;
  }
  auto code = wait_until(pid, std::chrono::steady_clock::now() + timeout);
  if (!code) {
    kill(pid, SIGKILL);
    wait_until(pid, std::chrono::steady_clock::now() + std::chrono::seconds(10));
  }
  result.exit_code = code.value_or(-1);
  result.output = read_text(out);
  std::error_code ec;
  fs::remove(out, ec);
  return result;
}

CommandResult RuntimeHarness::cchost(const std::vector<std::string>& args, std::chrono::seconds timeout) {
  std::vector<std::string> argv = {kCchost.string()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv, timeout);
}

CommandResult RuntimeHarness::provision(const ProjectSpec& spec, int port, std::optional<fs::path> state,
                                        const std::string& out_name) {
  port_ = port ? port : pick_free_port();
  const fs::path project_dir = dir_ / ("project-" + out_name);
  std::ostringstream t;
  t << "[project]\nname = " << toml_string(spec.name) << "\nsimulate = " << (spec.simulate ? "true" : "false") << "\n\n";
  t << "[runtime]\nreattest_interval = \"10m\"\nrequest_timeout = " << toml_string(spec.request_timeout) << "\n\n";
  auto authorizer = [&](const std::string& table, bool debug, const std::vector<std::string>& extra,
                        bool snp_verify_only = false) {
    if (!spec.simulate) return;
    t << "  [[" << table << ".authorizer]]\n  namespace = \"x-snp\"\n  plugin = \"snp_authorizer.so\"\n"
      << (snp_verify_only ? "  verify_only = true\n" : "  backend = \"sim\"\n");
    if (debug) t << "  args = { sim = { debug = true } }\n";
    for (const auto& keys : extra) t << "  [[" << table << ".authorizer]]\n" << keys;
  };
  write_text(project_dir / "policies" / "server.toml", spec.server_policy);
  t << "[server]\nname = \"server\"\nhost = \"127.0.0.1\"\nport = " << port_ << "\npolicy = \"policies/server.toml\"\n";
  authorizer("server", false, spec.server_extra_authorizers);
  for (const auto& site : spec.sites) {
    write_text(project_dir / "policies" / (site.name + ".toml"), site.policy);
    t << "\n[[site]]\nname = " << toml_string(site.name) << "\norg = \"org-" << site.name << "\"\npolicy = \"policies/"
      << site.name << ".toml\"\n";
    authorizer("site", site.sim_debug, site.extra_authorizers, site.snp_verify_only);
  }
  t << "\n[admin]\nname = \"admin\"\n";
  write_text(project_dir / "project.toml", t.str());

  const fs::path state_dir = state.value_or(kSharedState);
  fs::create_directories(state_dir.parent_path());
  const fs::path lock_path = state_dir.string() + ".lock";
  const int lock = open(lock_path.c_str(), O_RDWR | O_CREAT, 0600);
  if (lock >= 0) flock(lock, LOCK_EX);
  auto result = run({kProvision.string(), "--project", (project_dir / "project.toml").string(), "--out",
                     (dir_ / out_name).string(), "--plugin-dir", kPluginDir.string(), "--state", state_dir.string(),
                     "--force"},
                    std::chrono::seconds(180));
  if (lock >= 0) close(lock);  // releases the flock
  // Every `cchost run` and `cchost admin` this harness spawns needs an out-of-kit root pin:
  // the one ccprovision wrote next to the kits (every project here shares one root).
  if (result.exit_code == 0) setenv("CCHOST_ROOT_FINGERPRINT", read_text(dir_ / out_name / "root.fingerprint").c_str(), 1);
  return result;
}

bool RuntimeHarness::start(const std::string& name, const std::vector<std::string>& extra_args) {
  if (running(name)) return false;
  std::vector<std::string> argv = {kCchost.string(), "--log-level", "info", "run", "--kit", kit(name).string(),
                                   "--workspace", workspace(name).string()};
  if (name != "server") {
    argv.push_back("--heartbeat-ms");
    argv.push_back(std::to_string(heartbeat_ms));
  }
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  const pid_t pid = spawn(argv, log_path(name));
  if (pid < 0) return false;
  children_[name] = pid;
  return true;
}

bool RuntimeHarness::running(const std::string& name) {
  auto it = children_.find(name);
  if (it == children_.end() || it->second <= 0) return false;
  int status = 0;
  if (waitpid(it->second, &status, WNOHANG) == it->second) {
    children_.erase(it);
    return false;
  }
  return true;
}

pid_t RuntimeHarness::pid(const std::string& name) const {
  auto it = children_.find(name);
  return it == children_.end() ? -1 : it->second;
}

void RuntimeHarness::signal(const std::string& name, int sig) {
  auto it = children_.find(name);
  if (it == children_.end()) return;
  kill(it->second, sig);
  if (sig == SIGKILL) {
    wait_until(it->second, std::chrono::steady_clock::now() + std::chrono::seconds(10));
    children_.erase(it);
  }
}

int RuntimeHarness::stop(const std::string& name) {
  auto it = children_.find(name);
  if (it == children_.end()) return -1;
  const int code = terminate(it->second);
  children_.erase(it);
  return code;
}

std::optional<nlohmann::json> RuntimeHarness::status(std::optional<fs::path> admin_kit, int timeout_s) {
  auto r = cchost({"admin", "--kit", admin_kit.value_or(kit("admin")).string(), "--timeout", std::to_string(timeout_s),
                   "status", "--json"},
                  std::chrono::seconds(timeout_s + 30));
  if (r.exit_code != 0) return std::nullopt;
  try {
    return nlohmann::json::parse(r.output);
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

bool RuntimeHarness::wait_for(const std::function<bool(const nlohmann::json&)>& done, std::chrono::seconds deadline) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < until) {
    if (auto report = status()) {
      last_status_ = *report;
      if (done(*report)) return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  }
  return false;
}

CommandResult RuntimeHarness::submit(const std::string& id, const std::vector<std::string>& deploy_map, int min_sites,
                                     const std::string& payload, int retries) {
  const fs::path job_dir = dir_ / "jobs" / id;
  write_text(job_dir / "payload.bin", payload);
  std::ostringstream t;
  t << "id = " << toml_string(id) << "\ndeploy_map = " << nlohmann::json(deploy_map).dump() << "\nmin_sites = " << min_sites
    << "\nretries = " << retries << "\npayload = \"payload.bin\"\n";
  write_text(job_dir / "job.toml", t.str());
  return cchost({"admin", "--kit", kit("admin").string(), "--timeout", "10", "submit", (job_dir / "job.toml").string()});
}

std::optional<nlohmann::json> RuntimeHarness::wait_decided(const std::string& id, std::chrono::seconds deadline) {
  std::optional<nlohmann::json> job;
  wait_for(
      [&](const nlohmann::json& report) {
        const auto* j = find_job(report, id);
        const std::string state = j ? j->value("state", "") : "";
        if (state != "deployed" && state != "failed") return false;  // verifying or delivering
        job = *j;
        return true;
      },
      deadline);
  return job;
}

bool RuntimeHarness::wait_registered(const std::vector<std::string>& sites, std::int64_t attested_since,
                                     std::chrono::seconds deadline) {
  return wait_for(
      [&](const nlohmann::json& report) {
        for (const auto& s : sites) {
          const auto* p = find_participant(report, s);
          if (!p || !p->value("registered", false) || p->value("last_attested_at", std::int64_t{0}) < attested_since)
            return false;
        }
        return true;
      },
      deadline);
}

std::string RuntimeHarness::read_log(const std::string& name) const { return read_text(log_path(name)); }

bool RuntimeHarness::wait_for_log(const std::string& name, const std::string& needle, std::size_t from,
                                  std::chrono::seconds deadline) const {
  const auto until = std::chrono::steady_clock::now() + deadline;
  for (;;) {
    const std::string log = read_log(name);
    if (log.size() > from && log.find(needle, from) != std::string::npos) return true;
    if (std::chrono::steady_clock::now() >= until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

std::string RuntimeHarness::log_tails(std::size_t bytes_each) const {
  std::string out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir_ / "logs", ec))
    out += "---- " + entry.path().filename().string() + " ----\n" + tail(read_text(entry.path()), bytes_each) + "\n";
  return out;
}

const nlohmann::json* find_participant(const nlohmann::json& report, const std::string& name) {
  auto it = report.find("participants");
  if (it == report.end() || !it->is_array()) return nullptr;
  for (const auto& p : *it)
    if (p.value("name", "") == name) return &p;
  return nullptr;
}

const nlohmann::json* find_job(const nlohmann::json& report, const std::string& id) {
  auto it = report.find("jobs");
  if (it == report.end() || !it->is_array()) return nullptr;
  for (const auto& j : *it)
    if (j.value("id", "") == id) return &j;
  return nullptr;
}

}  // namespace cchost::runtime_test
