// Strict parsing of the NVIDIA plugins' configuration (see plugin_config.hpp).
#include "verify/plugin_config.hpp"

#include <stdexcept>

#include "cchost/verify/posix_files.hpp"
#include "cchost/verify/strict_toml.hpp"

namespace cchost::nv {
namespace {

[[noreturn]] void bad(const std::string& message) { throw std::invalid_argument(message); }

template <class T>
T checked(Result<T> r) {
  if (!r) bad(r.message());
  return std::move(*r);
}

std::vector<crypto::Certificate> roots(vkit::StrictTable& t, const char* key, const std::string& base, const std::string& ctx) {
  std::vector<crypto::Certificate> out;
  const toml::array* arr = checked(t.array(key));
  if (!arr) return out;
  for (const auto& item : *arr) {
    auto path = item.value<std::string>();
    if (!path) bad(ctx + " " + key + ": expected certificate paths (strings), got " + vkit::toml_type_name(item));
    auto cert = crypto::Certificate::from_file(base.empty() ? *path : vkit::resolve_against(base, *path));
    if (!cert) bad(ctx + " " + key + ": " + cert.message());
    out.push_back(std::move(*cert));
  }
  return out;
}

}  // namespace

NvPluginConfig parse_nv_plugin_config(const std::string& text, const std::string& base_dir, DeviceClass device) {
  const bool gpu = device == DeviceClass::gpu;
  const std::string ctx = gpu ? "x-nv-gpu config" : "x-nv-switch config";
  const std::string real = gpu ? "nvml" : "nscq";
  NvPluginConfig cfg;
  const toml::table table = checked(vkit::parse_toml(text, ctx));
  vkit::StrictTable t(table, ctx);
  if (auto backend = checked(t.string("backend"))) {
    if (*backend != "auto" && *backend != real && *backend != "sim") {
      bad(ctx + " backend: expected auto, " + real + " or sim, got \"" + *backend + "\"");
    }
    cfg.backend = *backend;
  }
  if (auto lib = checked(t.string(gpu ? "nvml_library" : "nscq_library"))) {
    cfg.library = (base_dir.empty() || lib->find('/') == std::string::npos) ? *lib : vkit::resolve_against(base_dir, *lib);
  }
  cfg.sim_roots = roots(t, "sim_roots", base_dir, ctx);
  cfg.sim_rim_roots = roots(t, "sim_rim_roots", base_dir, ctx);
  if (gpu) {
    if (auto ready = checked(t.boolean("set_ready_state"))) cfg.set_ready_state = *ready;
  }
  if (const toml::table* sim = checked(t.table("sim"))) {
    vkit::StrictTable s(*sim, ctx + " [sim]");
    if (auto dir = checked(s.string("ca_dir"))) cfg.sim_ca_dir = base_dir.empty() ? *dir : vkit::resolve_against(base_dir, *dir);
    if (gpu) {
      if (auto v = checked(s.string("driver_version"))) cfg.sim_driver_version = *v;
    }
    if (auto done = s.finish(); !done) bad(done.message());
  }
  if (auto done = t.finish(); !done) bad(done.message());
  return cfg;
}

}  // namespace cchost::nv
