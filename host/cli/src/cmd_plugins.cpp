// `cchost plugins list --plugin-dir DIR [--json]`: every *.so in the folder with its namespace,
// name, version, ABI and SHA-256, or the reason the loader refuses it. Exit 1 if any is refused,
// 2 if the folder itself is unusable.
// `cchost plugins describe NS [--plugin-dir DIR] [--json | --markdown]`: the plugin's
// vocabulary from its describe(): claims, knobs (with the rules they compile to), config keys,
// collateral. Exit 2 when no plugin in the folder serves NS.
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cchost/plugin/loader.hpp"
#include "cli_reference.hpp"
#include "command_registry.hpp"

namespace cchost::cli {
namespace {

struct PluginsListOptions {
  std::string plugin_dir;
  bool json = false;
};

nlohmann::json entry_json(const plugin::DirEntry& entry) {
  nlohmann::json j = {{"file", entry.file.string()}};
  if (entry.info.ok()) {
    const auto& info = *entry.info;
    j["namespace"] = info.ns;
    j["name"] = info.name;
    j["version"] = info.version;
    j["abi"] = plugin::format_abi(info.abi);
    j["sha256"] = info.sha256_hex;
    j["refused"] = nullptr;
  } else {
    j["refused"] = entry.info.message();
  }
  return j;
}

void print_table(const std::vector<plugin::DirEntry>& entries) {
  if (entries.empty()) {
    std::cout << "no plugins (*.so) found\n";
    return;
  }
  for (const auto& entry : entries) {
    std::cout << entry.file.filename().string() << "\n";
    if (entry.info.ok()) {
      const auto& info = *entry.info;
      std::cout << "  namespace: " << info.ns << "\n"
                << "  name:      " << info.name << "\n"
                << "  version:   " << info.version << "\n"
                << "  abi:       " << plugin::format_abi(info.abi) << "\n"
                << "  sha256:    " << info.sha256_hex << "\n";
    } else {
      std::cout << "  REFUSED:   " << entry.info.message() << "\n";
    }
  }
}

int run_plugins_list(const PluginsListOptions& options) {
  plugin::PluginLoader loader;
  auto entries = loader.list_dir(options.plugin_dir);
  if (!entries) {
    std::cerr << "cchost plugins list: " << entries.message() << "\n";
    return kExitUsage;
  }
  bool any_refused = false;
  nlohmann::json array = nlohmann::json::array();
  for (const auto& entry : *entries) {
    any_refused = any_refused || !entry.info.ok();
    array.push_back(entry_json(entry));
  }
  if (options.json) {
    std::cout << array.dump(2) << "\n";
  } else {
    print_table(*entries);
  }
  return any_refused ? kExitRejected : kExitOk;
}

struct PluginsDescribeOptions {
  std::string ns;
  std::string plugin_dir;
  bool json = false;
  bool markdown = false;
};

std::string rule_text(const nlohmann::json& r) {
  std::string out;
  if (r.contains("when")) out += "when " + r["when"].dump() + ": ";
  out += r.value("claim", std::string("(records)")) + " " + r.value("op", "?");
  if (r.contains("operand")) out += " " + (r["operand"].is_string() ? r["operand"].get<std::string>() : r["operand"].dump());
  if (r.contains("other_claim")) out += " " + r["other_claim"].get<std::string>();
  if (r.contains("for_each")) out += " for each of " + r["for_each"].dump();
  return out;
}

std::string knob_type_text(const nlohmann::json& k) {
  std::string t = k.value("type", "?");
  if (k.contains("choices")) t += " " + k["choices"].dump();
  if (k.contains("components")) t += " " + k["components"].dump();
  if (k.contains("bytes")) t += " (" + std::to_string(k["bytes"].get<int>()) + " bytes)";
  if (k.contains("min") || k.contains("max")) {
    t += " [" + (k.contains("min") ? k["min"].dump() : std::string()) + ".." + (k.contains("max") ? k["max"].dump() : std::string()) + "]";
  }
  return t;
}

// Markdown tables: the form policies/README.md's per-platform sections are generated in.
void print_markdown(const nlohmann::json& d) {
  const std::string section = d.value("policy_section", d.value("namespace", ""));
  std::cout << "### [" << section << "] — " << d.value("name", "") << " (" << d.value("namespace", "") << ")\n\n"
            << "| knob | type | compiles to | meaning |\n|---|---|---|---|\n";
  for (const auto& k : d["knobs"]) {
    std::string rules;
    for (const auto& r : k["rules"]) rules += (rules.empty() ? "" : "; ") + rule_text(r);
    std::cout << "| `" << k.value("name", "") << "` | " << knob_type_text(k) << " | " << rules << " | "
              << k.value("doc", "") << " |\n";
  }
  std::cout << "\n| claim | type | meaning |\n|---|---|---|\n";
  for (const auto& c : d["claims"]) {
    std::cout << "| `" << c.value("name", "") << "` | " << c.value("type", "") << " | " << c.value("doc", "") << " |\n";
  }
}

void print_text(const nlohmann::json& d) {
  std::cout << d.value("namespace", "") << ": " << d.value("name", "") << " " << d.value("version", "") << "\n"
            << "policy section: [" << d.value("policy_section", d.value("namespace", "")) << "]\n"
            << "binding: " << d["binding"].value("size", 0) << " bytes\n"
            << "capabilities: " << d["capabilities"].dump() << "\n\nknobs:\n";
  for (const auto& k : d["knobs"]) {
    std::cout << "  " << k.value("name", "") << " (" << knob_type_text(k) << "): " << k.value("doc", "") << "\n";
    for (const auto& r : k["rules"]) std::cout << "      -> " << rule_text(r) << "\n";
  }
  std::cout << "\nclaims:\n";
  for (const auto& c : d["claims"]) {
    std::cout << "  " << c.value("name", "") << " (" << c.value("type", "") << "): " << c.value("doc", "") << "\n";
  }
  std::cout << "\nconfig:\n";
  for (const auto& c : d["config"]) {
    std::cout << "  " << c.value("key", "") << " (" << c.value("type", "") << "): " << c.value("doc", "") << "\n";
  }
  std::cout << "\ncollateral:\n";
  for (const auto& c : d["collateral"]) std::cout << "  " << c.value("file", "") << ": " << c.value("doc", "") << "\n";
}

int run_plugins_describe(const PluginsDescribeOptions& options) {
  if (options.json && options.markdown) {
    std::cerr << "cchost plugins describe: --json and --markdown exclude each other\n";
    return kExitUsage;
  }
  plugin::PluginLoader loader;
  auto entries = loader.list_dir(options.plugin_dir);
  if (!entries) {
    std::cerr << "cchost plugins describe: " << entries.message() << "\n";
    return kExitUsage;
  }
  for (const auto& entry : *entries) {
    if (!entry.info.ok() || entry.info->ns != options.ns) continue;
    const auto& d = entry.info->description;
    if (options.json) std::cout << d.dump(2) << "\n";
    else if (options.markdown) print_markdown(d);
    else print_text(d);
    return kExitOk;
  }
  std::cerr << "cchost plugins describe: no plugin in " << options.plugin_dir << " serves namespace " << options.ns
            << " (see `cchost plugins list`)\n";
  return kExitUsage;
}

const CommandRegistration registration{"1-plugins", [](CLI::App& app, auto& set_exit) {
  auto* plugins = app.add_subcommand("plugins", "inspect authorizer plugins");
  plugins->require_subcommand(1);
  document(*plugins, {.examples = {{"cchost plugins list", "the plugins cchost loads by default, with their SHA-256"}}});
  auto* list = plugins->add_subcommand("list", "list the plugins in a folder with their SHA-256");
  auto options = std::make_shared<PluginsListOptions>();
  options->plugin_dir = default_plugin_dir();
  list->add_option("--plugin-dir", options->plugin_dir, "plugin folder")->capture_default_str();
  list->add_flag("--json", options->json, "print a JSON array");
  document(*list, {.examples = {{"cchost plugins list --plugin-dir kits/site-1/plugins --json"}},
                   .exit_codes = {exit_code(kExitOk, "ok: every plugin in the folder loaded"),
                                  exit_code(kExitRejected, "a plugin was refused (the line says why)"),
                                  exit_code(kExitUsage, "usage error, or the folder unreadable")}});
  list->callback([options, &set_exit] { set_exit(run_plugins_list(*options)); });

  auto* describe = plugins->add_subcommand("describe", "print a plugin's vocabulary: knobs, claims, config, collateral");
  auto d = std::make_shared<PluginsDescribeOptions>();
  d->plugin_dir = default_plugin_dir();
  describe->add_option("NS", d->ns, "the plugin's namespace, e.g. x-acme")->required();
  describe->add_option("--plugin-dir", d->plugin_dir, "plugin folder")->capture_default_str();
  describe->add_flag("--json", d->json, "print the describe() document");
  describe->add_flag("--markdown", d->markdown, "print Markdown tables (policies/README.md)");
  document(*describe, {.examples = {{"cchost plugins describe x-acme", "a plugin's knobs, claims and config"},
                                     {"cchost plugins describe x-acme --markdown", "the same as Markdown tables"}},
                       .exit_codes = {exit_code(kExitOk, "ok: described"), exit_code(kExitUsage, "usage error, or no plugin for NS")}});
  describe->callback([d, &set_exit] { set_exit(run_plugins_describe(*d)); });
}};

}  // namespace
}  // namespace cchost::cli
