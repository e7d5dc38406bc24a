#pragma once
// Loads authorizer plugins (sdk/include/cchost/authorizer.h) with Boost.DLL, after checking
// that nobody but the owner can have swapped or edited them, and that they are the bytes the
// caller pinned. Everything a plugin hands back is copied into host memory and released with
// the plugin's own free_buffer(); no exception crosses the C boundary in either direction.
#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cchost/authorizer.h"
#include "cchost/bytes.hpp"
#include "cchost/claims/namespace_claims.hpp"
#include "cchost/result.hpp"

namespace cchost::plugin {

// What the plugin's describe() declares it can do.
struct Capabilities {
  bool generate = false;
  bool verify = false;
  bool sim = false;                 // has sim_provision()
  bool thread_safe_verify = false;  // verify() may run concurrently on one context
};

// describe() "binding.composite": a plugin's evidence's part in composite CPU+device binding
// (host/attest/include/cchost/attest/device_list.hpp). An anchor's signed user data can commit
// to the device tokens it travels with (CPU evidence); a member's evidence is committed to
// (device evidence); None takes no part.
enum class CompositeRole { None, Anchor, Member };

// What a plugin says about itself, plus the SHA-256 of the exact bytes that were loaded.
struct PluginInfo {
  std::string file;        // the path as given to the loader
  std::string ns;          // claim namespace, e.g. "x-acme"
  std::string name;        // human name
  std::string version;     // plugin version text
  std::uint32_t abi = 0;   // table abi_version: major << 16 | minor
  std::string sha256_hex;  // lowercase hex of the file's SHA-256
  std::size_t binding_size = 64;  // 32 or 64 (describe() "binding.size")
  CompositeRole composite_role = CompositeRole::None;  // describe() "binding.composite"
  Capabilities capabilities;
  // The host events the plugin subscribes to (describe() "events": names or "prefix.*"
  // patterns); non-empty only when its table has on_event.
  std::vector<std::string> events;
  nlohmann::json description;     // the whole describe() document, schema-checked
  // describe() "relates": the namespaces whose verified claims its composite stage consumes
  // (empty: the plugin has no composite stage).
  std::vector<std::string> relates;
};

// What the host hands a context at create() (authorizer.h cchost_host_services_v2).
struct HostServices {
  std::filesystem::path base_dir;        // relative config paths resolve here; made absolute
  std::filesystem::path collateral_dir;  // this namespace's collateral (kit trust/<ns>/); made absolute
  // Plugin log lines (level CCHOST_LOG_*); unset: they are dropped.
  std::function<void(int level, const std::string& message)> log;
};

// "1.0" from an abi_version word.
std::string format_abi(std::uint32_t abi);

struct LoadedModule;  // a dlopen'ed library and its validated table (internal)

// One loaded plugin with one created context. Thread-safe: calls on one instance are
// serialised by a mutex, because the C ABI promises nothing about concurrent use of a context.
// The shared library stays mapped while any Authorizer made from it lives.
class Authorizer {
 public:
  struct Services;  // the C struct and the strings it points to, alive as long as the context
  Authorizer(std::shared_ptr<const LoadedModule> module, std::unique_ptr<Services> services);
  // Called once by the loader: creates the context from `config_toml`.
  Status create(const std::string& config_toml);
  ~Authorizer();
  Authorizer(const Authorizer&) = delete;
  Authorizer& operator=(const Authorizer&) = delete;

  const PluginInfo& info() const;

  // Evidence whose signed user data carries `binding` (exactly info().binding_size bytes).
  Result<Bytes> generate(ByteView binding);

  // Verifies `token`; on success returns its claim records, validated once here (host/claims:
  // schema, types, names) and checked to name this plugin's namespace. `binding`: the
  // info().binding_size bytes the evidence must carry, or nullopt to skip that check.
  Result<claims::NamespaceClaims> verify(ByteView token, const std::optional<Bytes>& binding,
                                         std::int64_t at_time);
  // The same, returning the plugin's JSON text unparsed after validation (for `cchost verify`).
  // `status`, when given, receives the plugin's CCHOST_* status (CCHOST_E_COLLATERAL: the
  // collateral is missing or stale, which `cchost verify` reports as its own exit code).
  Result<std::string> verify_json(ByteView token, const std::optional<Bytes>& binding, std::int64_t at_time,
                                  int* status = nullptr);

  // The composite stage (only when info().relates is not empty): derives this plugin's records
  // from `inputs`, the verified claims of the namespaces it relates (claims only, never
  // evidence). Its output is validated like verify()'s and must name this namespace.
  Result<claims::NamespaceClaims> relate(const std::vector<const claims::NamespaceClaims*>& inputs);
  // Hands one event (its name and its JSON document, authorizer.h on_event) to the plugin.
  // Not serialised with generate()/verify(): a handler that blocks must not hold up
  // appraisal; the caller delivers one event at a time (plugin/event_subscriber.hpp).
  // An error names the plugin and carries its message; the plugin may still take later events.
  Status on_event(const std::string& name, const std::string& event_json);

 private:
  Result<std::string> call_verify(ByteView token, const std::optional<Bytes>& binding, std::int64_t at_time,
                                  int* status_out = nullptr);
  Result<claims::NamespaceClaims> checked_claims(const std::string& json) const;
  std::shared_ptr<const LoadedModule> module_;
  std::unique_ptr<Services> services_;
  cchost_authorizer_ctx* ctx_ = nullptr;
  std::mutex mutex_;
};

// One *.so found by list_dir: its info, or the reason it was refused.
struct DirEntry {
  std::filesystem::path file;
  Result<PluginInfo> info;
};

// Loads plugins, refusing (each with an Error naming the file, expected vs actual):
//  - a file, or any folder from its parent up to `trusted_root`, writable by group or others,
//    or owned by someone other than root or this user (someone else could swap the code);
//  - a SHA-256 that differs from the caller's pin;
//  - a missing entry symbol (CCHOST_AUTHORIZER_ENTRY; an ABI 1 plugin is named as such), an
//    incomplete table, or a table `size` smaller than ABI 2.0's;
//  - an ABI major other than CCHOST_AUTHORIZER_ABI_MAJOR;
//  - a namespace without the "x-" prefix, or a describe() document that fails its schema;
//  - a namespace already held by a live Authorizer from this loader.
// Thread-safe.
class PluginLoader {
 public:
  // Folders above a plugin's own folder are checked up to (and including) `trusted_root`;
  // empty: only the plugin's own folder.
  explicit PluginLoader(std::filesystem::path trusted_root = {});

  // Opens the plugin, reads its table and describe() document (no context is created).
  Result<PluginInfo> inspect(const std::filesystem::path& so,
                             const std::optional<std::string>& pin_sha256_hex = {});

  // Opens the plugin and creates a context from `config_toml` with `services`.
  Result<std::shared_ptr<Authorizer>> load(const std::filesystem::path& so,
                                           const std::string& config_toml,
                                           const std::optional<std::string>& pin_sha256_hex = {},
                                           const HostServices& services = {});

  // Asks the plugin (which must declare the "sim" capability) to create its simulated vendor
  // CA under `dir`; returns its JSON answer (authorizer.h sim_provision).
  Result<nlohmann::json> sim_provision(const std::filesystem::path& so, const std::filesystem::path& dir,
                                       const std::optional<std::string>& pin_sha256_hex = {});

  // Asks the plugin to decode `token` without verifying it (authorizer.h show) and returns its
  // "cchost.evidence.show/v1" document, checked: schema, the plugin's own namespace, a
  // "fields" object, at most 4 MiB. A plugin without show() is an error saying so.
  Result<nlohmann::json> show(const std::filesystem::path& so, ByteView token,
                              const std::optional<std::string>& pin_sha256_hex = {});

  // Inspects every *.so in `dir` (sorted by name). A later file whose namespace an earlier
  // one already has is refused as a duplicate. Errors only when `dir` itself is unusable.
  Result<std::vector<DirEntry>> list_dir(const std::filesystem::path& dir);

 private:
  Result<std::shared_ptr<const LoadedModule>> open(const std::filesystem::path& so,
                                                   const std::optional<std::string>& pin);

  std::filesystem::path trusted_root_;
  std::mutex mutex_;
  std::map<std::string, std::weak_ptr<Authorizer>> live_;  // namespace -> loaded authorizer
};

}  // namespace cchost::plugin
