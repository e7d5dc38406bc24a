// Parsing of the x-tdx plugin configuration with the verification kit's strict reader.
#include "plugin_config.hpp"

#include <filesystem>
#include <stdexcept>

#include "cchost/verify/posix_files.hpp"
#include "cchost/verify/strict_toml.hpp"

namespace cchost::tdx {
namespace {

constexpr const char* kContext = "x-tdx config";

[[noreturn]] void bad(const std::string& message) { throw std::invalid_argument(message); }

template <class T>
T checked(Result<T> r) {
  if (!r) bad(r.message());
  return std::move(*r);
}

using vkit::resolve_against;

// Every path-valued key made absolute: nothing below depends on the working directory.
void resolve_paths(toml::table& table, const std::string& base) {
  if (base.empty()) return;
  if (auto* arr = table["sim_roots"].as_array()) {
    for (auto& item : *arr) {
      if (auto* s = item.as_string()) *s = resolve_against(base, s->get());
    }
  }
  if (auto* root = table["configfs_root"].as_string()) *root = resolve_against(base, root->get());
  if (auto* device = table["device"].as_string()) *device = resolve_against(base, device->get());
  if (auto* sim = table["sim"].as_table()) {
    if (auto* dir = (*sim)["ca_dir"].as_string()) *dir = resolve_against(base, dir->get());
  }
}

}  // namespace

TdxPluginConfig parse_plugin_config(const std::string& text, const std::string& base_dir) {
  TdxPluginConfig cfg;
  cfg.table = checked(vkit::parse_toml(text, kContext));
  resolve_paths(cfg.table, base_dir);
  vkit::StrictTable t(cfg.table, kContext);
  if (auto backend = checked(t.string("backend"))) {
    if (*backend != "auto" && *backend != "configfs-tsm" && *backend != "tdx-guest" && *backend != "sim") {
      bad(std::string(kContext) + " backend: expected auto, configfs-tsm, tdx-guest or sim, got \"" + *backend + "\"");
    }
    cfg.backend = *backend;
  }
  (void)checked(t.string("configfs_root"));
  (void)checked(t.string("device"));
  (void)checked(t.table("sim"));
  if (const toml::array* roots = checked(t.array("sim_roots"))) {
    for (const auto& item : *roots) {
      auto path = item.value<std::string>();
      if (!path) bad(std::string(kContext) + " sim_roots: expected certificate paths (strings), got " + vkit::toml_type_name(item));
      auto cert = crypto::Certificate::from_file(*path);
      if (!cert) bad(std::string(kContext) + " sim_roots: " + cert.message());
      cfg.sim_roots.push_back(std::move(*cert));
    }
  }
  if (auto done = t.finish(); !done) bad(done.message());
  return cfg;
}

}  // namespace cchost::tdx
