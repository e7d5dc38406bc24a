// PluginLoader: permission and pin checks, then Boost.DLL, then table checks.
#include <dlfcn.h>

#include <algorithm>
#include <cstring>
#include <boost/dll/shared_library.hpp>

#include "authorizer_services.hpp"
#include "loaded_module.hpp"
#include "secure_open.hpp"
#include "table_check.hpp"

namespace cchost::plugin {
namespace fs = std::filesystem;

PluginLoader::PluginLoader(fs::path trusted_root) : trusted_root_(std::move(trusted_root)) {}

Result<std::shared_ptr<const LoadedModule>> PluginLoader::open(const fs::path& so,
                                                               const std::optional<std::string>& pin) {
  const std::string file = so.string();
  std::optional<std::string> expected;
  if (pin) {
    auto normalised = normalise_pin(*pin);
    if (!normalised) return make_error("plugin " + file + ": " + normalised.message());
    expected = std::move(*normalised);
  }
  auto checked = open_checked(so, trusted_root_);
  if (!checked) return checked.error();
  // The pin is checked before dlopen: loading runs the plugin's static constructors.
  if (expected && *expected != checked->sha256_hex()) {
    return make_error("plugin " + file + ": SHA-256 mismatch: pinned " + *expected + ", file has " +
                      checked->sha256_hex());
  }
  if (auto st = checked->make_proc_path_unique(); !st) return make_error("plugin " + file + ": " + st.message());
  auto module = std::make_shared<LoadedModule>();
  boost::dll::fs::error_code ec;
  ::dlerror();  // clear, so that the message below is this load's
  // rtld_local: two plugins may carry the same internal symbols (e.g. two copies of
  // cchost_crypto) without one binding to the other's.
  module->library.load(boost::dll::fs::path(checked->proc_path()), ec,
                       boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
  if (ec || !module->library.is_loaded()) {
    const char* why = ::dlerror();
    return make_error("plugin " + file + ": cannot load: " + (why ? why : ec.message()));
  }
  if (!module->library.has(CCHOST_AUTHORIZER_ENTRY)) {
    if (module->library.has(CCHOST_AUTHORIZER_ENTRY_V1)) {
      return make_error("plugin " + file + ": built against authorizer ABI 1 (exports " CCHOST_AUTHORIZER_ENTRY_V1
                        "); this host loads ABI " + format_abi(CCHOST_AUTHORIZER_ABI_VERSION) +
                        " only (" CCHOST_AUTHORIZER_ENTRY "): rebuild the plugin against the current SDK");
    }
    return make_error("plugin " + file + ": missing entry symbol " CCHOST_AUTHORIZER_ENTRY
                      " (expected an exported C function; built with CCHOST_EXPORT_AUTHORIZER?)");
  }
  auto entry = module->library.get<const cchost_authorizer_table_v2*()>(CCHOST_AUTHORIZER_ENTRY);
  module->table = entry();
  auto info = read_table(module->table, file);
  if (!info) return info.error();
  // describe() runs no I/O and needs no context: it is part of what "loading" checks.
  char* json = nullptr;
  char* err = nullptr;
  const int status = module->table->describe(&json, &err);
  std::string text = json ? std::string(json, ::strnlen(json, (1 << 20) + 1)) : std::string();
  std::string message = err ? std::string(err, ::strnlen(err, 4096)) : "(no message)";
  module->table->free_buffer(json);
  module->table->free_buffer(err);
  if (status != CCHOST_OK) {
    return make_error("plugin " + file + ": describe() failed (status " + std::to_string(status) + "): " + message);
  }
  if (auto s = read_description(text, *info); !s) return s.error();
  if (info->capabilities.sim != (module->table->sim_provision != nullptr)) {
    return make_error("plugin " + file + ": describe() capabilities.sim is " +
                      (info->capabilities.sim ? "true" : "false") + " but sim_provision is " +
                      (module->table->sim_provision ? "set" : "NULL"));
  }
  // describe() "relates" and the relate entry come together, or neither.
  if (info->relates.empty() != (relate_of(module->table) == nullptr)) {
    return make_error("plugin " + file + ": describe() " + (info->relates.empty() ? "lists no" : "lists") +
                      " \"relates\" but the table's relate is " + (relate_of(module->table) ? "set" : "NULL or absent"));
  }
  // A plugin that subscribes must be able to receive: an on_event the table's size does not
  // cover is absent, whatever the bytes after the table hold.
  const bool has_on_event = CCHOST_TABLE_HAS(module->table, on_event) && module->table->on_event != nullptr;
  if (!info->events.empty() && !has_on_event) {
    return make_error("plugin " + file + ": describe() subscribes to events (" + info->events.front() +
                      ", ...) but its table (size " + std::to_string(module->table->size) +
                      ") has no on_event; rebuild against the current SDK or drop \"events\"");
  }
  module->info = std::move(*info);
  module->info.sha256_hex = checked->sha256_hex();
  return std::shared_ptr<const LoadedModule>(std::move(module));
}

Result<PluginInfo> PluginLoader::inspect(const fs::path& so, const std::optional<std::string>& pin) {
  auto module = open(so, pin);
  if (!module) return module.error();
  return (*module)->info;
}

namespace {

std::string absolute_text(const fs::path& p) {
  if (p.empty()) return {};
  std::error_code ec;
  auto abs = fs::absolute(p, ec);
  return (ec ? p : abs).lexically_normal().string();
}

}  // namespace

Result<std::shared_ptr<Authorizer>> PluginLoader::load(const fs::path& so, const std::string& config_toml,
                                                       const std::optional<std::string>& pin,
                                                       const HostServices& services) {
  auto opened = open(so, pin);
  if (!opened) return opened.error();
  std::shared_ptr<const LoadedModule> module = std::move(*opened);
  const PluginInfo& info = module->info;

  // Held across create(), so that two concurrent loads of one namespace cannot both pass.
  std::lock_guard lock(mutex_);
  if (auto it = live_.find(info.ns); it != live_.end()) {
    if (auto other = it->second.lock()) {
      return make_error("plugin " + info.file + ": duplicate namespace '" + info.ns +
                        "': already provided by " + other->info().file);
    }
  }
  auto s = std::make_unique<Authorizer::Services>();
  s->ns = info.ns;
  s->base_dir = absolute_text(services.base_dir);
  s->collateral_dir = absolute_text(services.collateral_dir);
  s->log = services.log;
  s->bind();
  auto authorizer = std::make_shared<Authorizer>(module, std::move(s));
  if (auto created = authorizer->create(config_toml); !created) return created.error();
  live_[info.ns] = authorizer;
  return authorizer;
}

Result<nlohmann::json> PluginLoader::sim_provision(const fs::path& so, const fs::path& dir,
                                                   const std::optional<std::string>& pin) {
  auto opened = open(so, pin);
  if (!opened) return opened.error();
  const auto& module = **opened;
  if (!module.table->sim_provision) {
    return make_error("plugin " + module.info.file + " (" + module.info.ns +
                      "): cannot simulate: describe() does not list the \"sim\" capability");
  }
  const std::string where = absolute_text(dir);
  char* json = nullptr;
  char* err = nullptr;
  const int status = module.table->sim_provision(where.c_str(), &json, &err);
  std::string text = json ? std::string(json, ::strnlen(json, 1 << 20)) : std::string();
  std::string message = err ? std::string(err, ::strnlen(err, 4096)) : "(no message)";
  module.table->free_buffer(json);
  module.table->free_buffer(err);
  if (status != CCHOST_OK) {
    return make_error("plugin " + module.info.file + " (" + module.info.ns + "): sim_provision failed (status " +
                      std::to_string(status) + "): " + message);
  }
  auto parsed = nlohmann::json::parse(text, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    return make_error("plugin " + module.info.ns + ": sim_provision returned no JSON object");
  }
  return parsed;
}

Result<nlohmann::json> PluginLoader::show(const fs::path& so, ByteView token, const std::optional<std::string>& pin) {
  auto opened = open(so, pin);
  if (!opened) return opened.error();
  const auto& module = **opened;
  const auto show_fn = show_of(module.table);
  if (!show_fn) {
    return make_error("plugin " + module.info.file + " (" + module.info.ns +
                      ") cannot show its evidence: its table has no show entry");
  }
  constexpr std::size_t kMaxShowJson = 4u << 20;
  char* json = nullptr;
  char* err = nullptr;
  const int status = show_fn(token.data(), token.size(), &json, &err);
  std::string text = json ? std::string(json, ::strnlen(json, kMaxShowJson + 1)) : std::string();
  std::string message = err ? std::string(err, ::strnlen(err, 4096)) : "(no message)";
  module.table->free_buffer(json);
  module.table->free_buffer(err);
  if (status != CCHOST_OK) return make_error(module.info.ns + ": cannot decode the evidence: " + message);
  if (text.size() > kMaxShowJson) return make_error(module.info.ns + ": show returned more than 4 MiB");
  auto parsed = nlohmann::json::parse(text, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) return make_error(module.info.ns + ": show returned no JSON object");
  // value() would throw on a non-string: a plugin's output is checked, not trusted.
  auto text_of = [&parsed](const char* key) {
    auto it = parsed.find(key);
    return it != parsed.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  if (text_of("schema") != "cchost.evidence.show/v1")
    return make_error(module.info.ns + ": show returned schema \"" + text_of("schema") +
                      "\", expected \"cchost.evidence.show/v1\"");
  if (text_of("namespace") != module.info.ns)
    return make_error(module.info.ns + ": show names namespace \"" + text_of("namespace") + "\"");
  if (parsed.contains("format") && !parsed["format"].is_string())
    return make_error(module.info.ns + ": show returned a \"format\" that is not a string");
  if (!parsed.contains("fields") || !parsed["fields"].is_object())
    return make_error(module.info.ns + ": show returned no \"fields\" object");
  return parsed;
}

Result<std::vector<DirEntry>> PluginLoader::list_dir(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return make_error("plugin folder " + dir.string() + ": not a readable folder" +
                      (ec ? ": " + ec.message() : std::string()));
  }
  std::vector<fs::path> files;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() == ".so") files.push_back(it->path());
  }
  if (ec) return make_error("plugin folder " + dir.string() + ": cannot list: " + ec.message());
  std::sort(files.begin(), files.end());

  // Folders above `dir` are the caller's business (trusted_root_); `dir` itself is checked.
  PluginLoader scoped(trusted_root_.empty() ? dir : trusted_root_);
  std::vector<DirEntry> entries;
  std::map<std::string, std::string> seen;  // namespace -> first file
  for (const auto& file : files) {
    auto info = scoped.inspect(file);
    if (info) {
      auto [it, inserted] = seen.emplace(info->ns, file.string());
      if (!inserted) {
        info = make_error("plugin " + file.string() + ": duplicate namespace '" + info->ns +
                          "': already provided by " + it->second);
      }
    }
    entries.push_back({file, std::move(info)});
  }
  return entries;
}

}  // namespace cchost::plugin
