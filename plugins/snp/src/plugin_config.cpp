// Parsing of the x-snp plugin configuration. Unknown keys are errors (DESIGN.md: policies and
// configs never ignore what they do not understand).
#include "plugin_config.hpp"

#include "backends/backend_keys.hpp"

#include <filesystem>
#include <set>
#include <stdexcept>

namespace cchost::snp {
namespace {

[[noreturn]] void bad(const std::string& message) {
  throw std::invalid_argument("x-snp config: " + message);
}

std::string resolve(const std::string& base, const std::string& path) {
  if (base.empty() || path.empty() || path.front() == '/') return path;
  return (std::filesystem::path(base) / path).lexically_normal().string();
}

// Makes every path-valued key absolute, so that nothing below depends on the working directory.
void resolve_paths(toml::table& table, const std::string& base) {
  if (base.empty()) return;
  if (auto* arr = table["sim_roots"].as_array()) {
    for (auto& item : *arr) {
      if (auto* s = item.as_string()) *s = resolve(base, s->get());
    }
  }
  if (auto* sim = table["sim"].as_table()) {
    if (auto* dir = (*sim)["ca_dir"].as_string()) *dir = resolve(base, dir->get());
  }
}

}  // namespace

SnpPluginConfig parse_plugin_config(const std::string& text, const std::string& base_dir) {
  SnpPluginConfig cfg;
  try {
    cfg.table = toml::parse(text);
  } catch (const toml::parse_error& e) {
    bad(std::string("TOML does not parse: ") + std::string(e.description()));
  }
  resolve_paths(cfg.table, base_dir);
  // The verifier's keys plus the backends' (backend_keys.hpp, owned by the backends).
  std::set<std::string> known = {"product", "sim_roots", "require_crl"};
  for (auto key : kBackendConfigKeys) known.emplace(key);
  for (const auto& [key, node] : cfg.table) {
    if (!known.count(std::string(key.str()))) {
      std::string expected;
      for (const auto& k : known) expected += (expected.empty() ? "" : ", ") + k;
      bad("unknown key \"" + std::string(key.str()) + "\" (expected one of " + expected + ")");
    }
  }
  if (auto* n = cfg.table.get("backend")) {
    auto v = n->value<std::string>();
    if (!v) bad("\"backend\" must be a string");
    if (*v != "auto" && *v != "configfs-tsm" && *v != "sev-guest" && *v != "sim") {
      bad("\"backend\" must be auto, configfs-tsm, sev-guest or sim, got \"" + *v + "\"");
    }
    cfg.backend = *v;
  }
  if (auto* n = cfg.table.get("product")) {
    auto v = n->value<std::string>();
    if (!v) bad("\"product\" must be a string");
    auto p = parse_product_name(*v);
    if (!p) bad(p.message());
    cfg.product = *p;
  }
  if (auto* n = cfg.table.get("require_crl")) {
    auto v = n->value<bool>();
    if (!v) bad("\"require_crl\" must be true or false");
    cfg.require_crl = *v;
  }
  if (auto* n = cfg.table.get("vmpl")) {
    auto v = n->value<std::int64_t>();
    if (!v || *v < 0 || *v > 3) bad("\"vmpl\" must be an integer 0..3");
  }
  if (auto* n = cfg.table.get("sim"); n && !n->is_table()) bad("\"sim\" must be a table");
  if (auto* n = cfg.table.get("sim_roots")) {
    auto* arr = n->as_array();
    if (!arr) bad("\"sim_roots\" must be an array of certificate paths");
    for (const auto& item : *arr) {
      auto path = item.value<std::string>();
      if (!path) bad("\"sim_roots\" entries must be strings");
      auto cert = crypto::Certificate::from_file(*path);
      if (!cert) bad("sim_roots: " + cert.message());
      cfg.sim_roots.push_back(std::move(*cert));
    }
  }
  return cfg;
}

}  // namespace cchost::snp
