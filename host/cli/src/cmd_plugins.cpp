// `cchost plugins list --plugin-dir DIR [--json]`: every *.so in the folder with its namespace,
// name, version, ABI and SHA-256, or the reason the loader refuses it. Exit 1 if any is refused,
// 2 if the folder itself is unusable.
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cchost/plugin/loader.hpp"
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

const CommandRegistration registration{"1-plugins", [](CLI::App& app, auto& set_exit) {
  auto* plugins = app.add_subcommand("plugins", "inspect authorizer plugins");
  plugins->require_subcommand(1);
  auto* list = plugins->add_subcommand("list", "list the plugins in a folder with their SHA-256");
  auto options = std::make_shared<PluginsListOptions>();
  options->plugin_dir = default_plugin_dir();
  list->add_option("--plugin-dir", options->plugin_dir, "plugin folder")->capture_default_str();
  list->add_flag("--json", options->json, "print a JSON array");
  list->callback([options, &set_exit] { set_exit(run_plugins_list(*options)); });
}};

}  // namespace
}  // namespace cchost::cli
