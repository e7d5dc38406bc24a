#include "init_project.hpp"

#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "cchost/plugin/loader.hpp"
#include "file_io.hpp"

namespace fs = std::filesystem;

namespace cchost::provision {
namespace {

struct SamplePlugin {
  std::string file;
  std::string ns;
};

// The first plugin of the folder that can generate and simulate evidence.
std::optional<SamplePlugin> sample_plugin(const fs::path& dir) {
  plugin::PluginLoader loader;
  auto entries = loader.list_dir(dir);
  if (!entries) return std::nullopt;
  std::optional<SamplePlugin> best;
  for (const auto& e : *entries) {
    if (!e.info || !e.info->capabilities.generate || !e.info->capabilities.sim || !e.info->relates.empty()) continue;
    const std::string file = e.file.filename().string();
    if (!best || file < best->file) best = SamplePlugin{file, e.info->ns};
  }
  return best;
}

std::string project_text(const SamplePlugin& p) {
  const std::string authorizer = "  namespace = \"" + p.ns + "\"\n  plugin = \"" + p.file + "\"\n";
  return "# A sample cchost project, written by `ccprovision --init`. Every key is explained in\n"
         "# provision/README.md (\"project.toml\"). Provision it with:\n"
         "#   ccprovision --project project.toml --out kits\n"
         "# then give each operator their kit and, separately, kits/root.fingerprint.\n\n"
         "[project]\n"
         "name = \"sample\"\n"
         "# Simulated vendor CAs, so the sample runs on any machine. Simulated evidence is trusted only\n"
         "# by a policy that says allow_simulated = true; for real hardware, set false and drop\n"
         "# allow_simulated from the policies.\n"
         "simulate = true\n\n"
         "[runtime]\n"
         "reattest_interval = \"10m\"   # how often each participant re-proves what it runs\n"
         "request_timeout = \"30s\"     # the deadline of each protocol phase\n\n"
         "[server]\n"
         "name = \"server\"\n"
         "host = \"127.0.0.1\"          # where sites and the admin connect\n"
         "port = 17400\n"
         "policy = \"policies/server.toml\"   # whom the server admits\n\n"
         "  [[server.authorizer]]       # the evidence this participant presents (and verifies)\n" +
         authorizer +
         "\n[[site]]\n"
         "name = \"site-1\"\n"
         "org = \"org-a\"\n"
         "policy = \"policies/site.toml\"     # whom this site trusts: its own decision\n\n"
         "  [[site.authorizer]]\n" +
         authorizer +
         "  # args = { sim = { ... } }   # plugin config keys (see `cchost plugins describe " + p.ns + "`)\n"
         "  # verify_only = true         # for a site that verifies this evidence but presents another\n"
         "\n[[site]]\n"
         "name = \"site-2\"\n"
         "org = \"org-b\"\n"
         "policy = \"policies/site.toml\"\n\n"
         "  [[site.authorizer]]\n" +
         authorizer +
         "\n[admin]                       # submits jobs and reads status; presents no evidence\n"
         "name = \"admin\"\n"
         "org = \"org-a\"\n";
}

std::string policy_text(const SamplePlugin& p, const std::string& who) {
  return "# The " + who + "'s policy (policies/README.md). Deny by default: a peer is accepted only when\n"
         "# it presents every namespace in `require` and passes every rule.\n"
         "[policy]\n"
         "name = \"sample " + who + "\"\n"
         "require = [\"" + p.ns + "\"]\n"
         "# The sample runs on simulated evidence (project.toml: simulate = true). Never in production.\n"
         "allow_simulated = true\n"
         "max_evidence_age = \"10m\"\n" +
         (who == "site" ? "# mutual: a job goes to the largest set of sites that all trust each other.\n"
                          "peer_trust = \"mutual\"\n"
                        : "") +
         "\n# The plugin's knobs go in its section; `cchost plugins describe " + p.ns + "` lists them.\n";
}

}  // namespace

ProvisionOutcome init_project(const fs::path& dir, const std::optional<fs::path>& plugin_dir) {
  const fs::path plugins = plugin_dir ? *plugin_dir : default_plugin_dir();
  const auto plugin = sample_plugin(plugins);
  if (!plugin)
    return {2, "ccprovision --init: no plugin in " + plugins.string() +
                   " can generate and simulate evidence; give --plugin-dir with one"};
  const std::vector<std::pair<fs::path, std::string>> files = {
      {dir / "policies" / "server.toml", policy_text(*plugin, "server")},
      {dir / "policies" / "site.toml", policy_text(*plugin, "site")},
      {dir / "project.toml", project_text(*plugin)}};
  // All or nothing: an existing file is never overwritten, and nothing is written then.
  std::error_code ec;
  for (const auto& [path, _] : files)
    if (fs::exists(path, ec)) return {2, "ccprovision --init: " + path.string() + " exists; it is never overwritten"};
  fs::create_directories(dir / "policies", ec);
  if (ec) return {2, "ccprovision --init: cannot create " + (dir / "policies").string() + ": " + ec.message()};
  for (const auto& [path, text] : files)
    if (auto st = write_file(path, text, 0644); !st) return {1, "ccprovision --init: " + st.message()};
  return {0, "wrote a sample project (" + plugin->ns + ", simulated) to " + (dir / "project.toml").string() +
                 "; provision it with: ccprovision --project " + (dir / "project.toml").string() + " --out " +
                 (dir / "kits").string()};
}

}  // namespace cchost::provision
