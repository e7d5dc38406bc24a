#pragma once
// Loads authorizer plugins (sdk/include/cchost/authorizer.h) with Boost.DLL, after checking
// that nobody but the owner can have swapped or edited them, and that they are the bytes the
// caller pinned. Everything a plugin hands back is copied into host memory and released with
// the plugin's own free_buffer(); no exception crosses the C boundary in either direction.
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "cchost/authorizer.h"
#include "cchost/bytes.hpp"
#include "cchost/result.hpp"

namespace cchost::plugin {

// What a plugin says about itself, plus the SHA-256 of the exact bytes that were loaded.
struct PluginInfo {
  std::string file;        // the path as given to the loader
  std::string ns;          // claim namespace, e.g. "x-snp"
  std::string name;        // human name
  std::string version;     // plugin version text
  std::uint32_t abi = 0;   // table abi_version: major << 16 | minor
  std::string sha256_hex;  // lowercase hex of the file's SHA-256
};

// "1.0" from an abi_version word.
std::string format_abi(std::uint32_t abi);

struct LoadedModule;  // a dlopen'ed library and its validated table (internal)

// One loaded plugin with one created context. Thread-safe: calls on one instance are
// serialised by a mutex, because the C ABI promises nothing about concurrent use of a context.
// The shared library stays mapped while any Authorizer made from it lives.
class Authorizer {
 public:
  Authorizer(std::shared_ptr<const LoadedModule> module, cchost_authorizer_ctx* ctx);
  ~Authorizer();
  Authorizer(const Authorizer&) = delete;
  Authorizer& operator=(const Authorizer&) = delete;

  const PluginInfo& info() const;

  // Evidence whose signed user data carries `binding64` (exactly 64 bytes).
  Result<Bytes> generate(ByteView binding64);

  // Verifies `token`; on success returns the claims JSON ("cchost.claims/v1"), already checked
  // to be well-formed and to name this plugin's namespace. `binding`: the 64 bytes the evidence
  // must carry, or nullopt to skip that check. `collateral_dir`: empty for none.
  Result<std::string> verify(ByteView token, const std::optional<std::array<std::uint8_t, 64>>& binding,
                             const std::string& collateral_dir, std::int64_t at_time);

 private:
  std::shared_ptr<const LoadedModule> module_;
  cchost_authorizer_ctx* ctx_;
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
//  - a missing entry symbol (CCHOST_AUTHORIZER_ENTRY) or an incomplete table;
//  - an ABI major other than CCHOST_AUTHORIZER_ABI_MAJOR;
//  - a namespace already held by a live Authorizer from this loader.
// Thread-safe.
class PluginLoader {
 public:
  // Folders above a plugin's own folder are checked up to (and including) `trusted_root`;
  // empty: only the plugin's own folder.
  explicit PluginLoader(std::filesystem::path trusted_root = {});

  // Opens the plugin, reads its table and closes it again (runs no plugin function).
  Result<PluginInfo> inspect(const std::filesystem::path& so,
                             const std::optional<std::string>& pin_sha256_hex = {});

  // Opens the plugin and creates a context from `config_toml`.
  Result<std::shared_ptr<Authorizer>> load(const std::filesystem::path& so,
                                           const std::string& config_toml,
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
