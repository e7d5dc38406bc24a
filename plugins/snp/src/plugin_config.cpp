// Parsing of the x-snp plugin configuration with the verification kit's strict reader: unknown
// keys and ill-typed values are errors (DESIGN.md: policies and configs never ignore what they
// do not understand).
#include "plugin_config.hpp"

#include <filesystem>
#include <stdexcept>

#include "backends/backend_keys.hpp"
#include "cchost/verify/posix_files.hpp"
#include "cchost/verify/strict_toml.hpp"

namespace cchost::snp {
namespace {

constexpr const char* kContext = "x-snp config";

[[noreturn]] void bad(const std::string& message) { throw std::invalid_argument(message); }

template <class T>
T checked(Result<T> r) {
  if (!r) bad(r.message());
  return std::move(*r);
}

using vkit::resolve_against;

// Makes every path-valued key absolute, so that nothing below depends on the working directory.
void resolve_paths(toml::table& table, const std::string& base) {
  if (base.empty()) return;
  if (auto* arr = table["sim_roots"].as_array()) {
    for (auto& item : *arr) {
      if (auto* s = item.as_string()) *s = resolve_against(base, s->get());
    }
  }
  if (auto* sim = table["sim"].as_table()) {
    if (auto* dir = (*sim)["ca_dir"].as_string()) *dir = resolve_against(base, dir->get());
  }
}

}  // namespace

SnpPluginConfig parse_plugin_config(const std::string& text, const std::string& base_dir) {
  SnpPluginConfig cfg;
  cfg.table = checked(vkit::parse_toml(text, kContext));
  resolve_paths(cfg.table, base_dir);
  vkit::StrictTable t(cfg.table, kContext);

  if (auto backend = checked(t.string("backend"))) {
    if (*backend != "auto" && *backend != "configfs-tsm" && *backend != "sev-guest" &&
        *backend != "sim") {
      bad(std::string(kContext) + " backend: expected auto, configfs-tsm, sev-guest or sim, got \"" +
          *backend + "\"");
    }
    cfg.backend = *backend;
  }
  if (auto product = checked(t.string("product"))) {
    auto p = parse_product_name(*product);
    if (!p) bad(std::string(kContext) + " product: " + p.message());
    cfg.product = *p;
  }
  cfg.require_crl = checked(t.boolean("require_crl")).value_or(false);
  (void)checked(t.integer("vmpl", 0, 3));
  (void)checked(t.table("sim"));
  (void)checked(t.string("configfs_root"));
  (void)checked(t.string("device"));
  if (const toml::array* roots = checked(t.array("sim_roots"))) {
    for (const auto& item : *roots) {
      auto path = item.value<std::string>();
      if (!path) bad(std::string(kContext) + " sim_roots: expected certificate paths (strings), got " +
                     vkit::toml_type_name(item));
      auto cert = crypto::Certificate::from_file(*path);
      if (!cert) bad(std::string(kContext) + " sim_roots: " + cert.message());
      cfg.sim_roots.push_back(std::move(*cert));
    }
  }
  // The backends read their own keys again in make_backend(); they are known here too.
  for (auto key : kBackendConfigKeys) t.allow(key);
  if (auto done = t.finish(); !done) bad(done.message());
  return cfg;
}

}  // namespace cchost::snp
