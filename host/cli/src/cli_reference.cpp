#include "cli_reference.hpp"

#include <algorithm>
#include <map>
#include <stdexcept>

#include "cchost/manpage/command_tree.hpp"
#include "cchost/manpage/help_footer.hpp"
#include "command_registry.hpp"
#include "root_pin_options.hpp"

namespace cchost::cli {
namespace {

constexpr std::string_view kProgram = "cchost";

struct Documented {
  CommandDoc doc;
  bool documented = false;
};

// Keyed by command path ("admin status"; "" is the root): commands register at start-up, before
// any --help or man page is rendered.
std::map<std::string, Documented>& documents() {
  static std::map<std::string, Documented> by_path;
  return by_path;
}

// Variable name -> the paths of the commands that read it.
std::map<std::string, std::vector<std::vector<std::string>>>& readers() {
  static std::map<std::string, std::vector<std::vector<std::string>>> by_name;
  return by_name;
}

std::string key(const std::vector<std::string>& path) {
  std::string out;
  for (const auto& name : path) out += (out.empty() ? "" : " ") + name;
  return out;
}

bool is_prefix(const std::vector<std::string>& prefix, const std::vector<std::string>& path) {
  return prefix.size() <= path.size() && std::equal(prefix.begin(), prefix.end(), path.begin());
}

}  // namespace

const std::vector<manpage::ExitCode>& exit_code_table() {
  static const std::vector<manpage::ExitCode> table = {
      {kExitOk, "ok: verified (and accepted), the job deployed, the log, kit or receipts verified"},
      {kExitRejected,
       "rejected or failed, with every reason printed: evidence that fails a check or a policy rule, a job that "
       "failed, an audit log broken, cut or rewritten, a refused kit or receipt, a refused plugin in `plugins list`"},
      {kExitUsage,
       "usage error or unusable input: an unknown option or command, a missing or unreadable file, a malformed "
       "policy (FILE:LINE:COL), options mixed or repeated ambiguously; a request the server refused"},
      {kExitUnreachable,
       "unreachable: no CURVE handshake within --connect-timeout, or no reply within --timeout (cchost admin)"},
      {kExitCollateral,
       "collateral missing or stale: the plugin could not check the evidence without collateral it lacks or "
       "that has expired (cchost verify); not a verdict on the evidence: fetch it and verify again"},
  };
  return table;
}

manpage::ExitCode exit_code(int code) {
  for (const auto& entry : exit_code_table())
    if (entry.code == code) return entry;
  throw std::logic_error("exit code " + std::to_string(code) + " is not in cchost's exit-code table");
}

manpage::ExitCode exit_code(int code, std::string meaning) {
  (void)exit_code(code);  // only codes of the table: a command never invents its own
  return {code, std::move(meaning)};
}

const std::vector<manpage::EnvironmentVariable>& environment_table() {
  static const std::vector<manpage::EnvironmentVariable> table = {
      {kRootFingerprintEnv,
       "the project root pin (hex SHA-256 of the root key's SPKI, as ccprovision printed it), used when neither "
       "--root-fingerprint nor --root-fingerprint-file is given"},
      {"NOTIFY_SOCKET",
       "set by systemd for a Type=notify service: cchost run reports READY, STATUS and STOPPING there "
       "(sd_notify(3)); unset, it notifies nothing"},
      {"WATCHDOG_USEC", "set by systemd with WatchdogSec=: cchost run pings the watchdog at half this interval"},
      {"WATCHDOG_PID", "with WATCHDOG_USEC: the watchdog is cchost run's only when this is its process id"},
      {"CCHOST_VECTORS",
       "read by the test suite, not by cchost: where the genuine evidence vectors are (default ../shared/vectors)"},
  };
  return table;
}

void document(const CLI::App& command, CommandDoc doc) {
  auto& entry = documents()[key(manpage::path_of(command))];
  if (entry.documented) throw std::logic_error("\"" + key(manpage::path_of(command)) + "\" is documented twice");
  entry = {std::move(doc), true};
}

void reads_environment(const CLI::App& command, std::string_view name) {
  const auto& table = environment_table();
  if (std::none_of(table.begin(), table.end(), [&](const auto& v) { return v.name == name; }))
    throw std::logic_error("environment variable " + std::string(name) + " is read but not in cli_reference.cpp");
  readers()[std::string(name)].push_back(manpage::path_of(command));
}

manpage::CommandManual manual_for(const CLI::App& command) {
  const auto path = manpage::path_of(command);
  manpage::CommandManual manual;
  if (auto it = documents().find(key(path)); it != documents().end()) {
    manual.examples = it->second.doc.examples;
    manual.notes = it->second.doc.notes;
  }
  for (auto scope = path;; scope.pop_back()) {
    if (auto it = documents().find(key(scope)); it != documents().end() && !it->second.doc.exit_codes.empty()) {
      manual.exit_codes = it->second.doc.exit_codes;
      break;
    }
    if (scope.empty()) break;
  }
  if (manual.exit_codes.empty()) manual.exit_codes = exit_code_table();
  for (const auto& variable : environment_table()) {
    const auto& paths = readers()[variable.name];
    if (path.empty()) {
      // The root's page lists them all and says who reads each.
      std::string who;
      for (const auto& p : paths) who += (who.empty() ? "" : ", ") + manpage::command_line(kProgram, p);
      manual.environment.push_back({variable.name, variable.meaning + (who.empty() ? "" : " (read by " + who + ")")});
    } else if (std::any_of(paths.begin(), paths.end(),
                           [&](const auto& p) { return is_prefix(p, path) || is_prefix(path, p); })) {
      manual.environment.push_back(variable);
    }
  }
  return manual;
}

manpage::ManualInfo manual_info() {
  manpage::ManualInfo info;
  info.program = std::string(kProgram);
  info.version = CCHOST_VERSION;
  info.manual = "cchost manual";
  info.see_also = {"ccprovision(1)"};
  // The real default is a path next to the running binary; a page must not carry the builder's.
  info.default_text = {{"--plugin-dir", "the plugins folder next to the binary: ../plugins in a build tree, "
                                        "../lib/cchost/plugins installed"}};
  return info;
}

void install_help_footers(CLI::App& root) {
  std::vector<CLI::App*> pending = {&root};
  while (!pending.empty()) {
    CLI::App* command = pending.back();
    pending.pop_back();
    // A footer a command set itself (cmd->footer("...")) becomes part of its notes, so that the
    // man page says it too, and --help does not say it twice.
    if (const std::string own = command->get_footer(); !own.empty()) {
      auto& notes = documents()[key(manpage::path_of(*command))].doc.notes;
      notes += (notes.empty() ? "" : "\n\n") + own;
      command->footer(std::string());
    }
    command->footer([command] {
      return manpage::help_footer(manual_for(*command), manpage::page_name(kProgram, manpage::path_of(*command)),
                                  "docs/cli.md");
    });
    for (CLI::App* sub : command->get_subcommands([](CLI::App*) { return true; })) pending.push_back(sub);
  }
}

}  // namespace cchost::cli
