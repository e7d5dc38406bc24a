// Host side of the C ABI calls: every plugin buffer is copied and released through the
// plugin's free_buffer(), whatever the outcome.
#include <cstring>

#include "cchost/plugin/claims_check.hpp"
#include "loaded_module.hpp"

namespace cchost::plugin {
namespace {

const char* status_name(int status) {
  switch (status) {
    case CCHOST_E_INVALID_ARGUMENT: return "invalid argument";
    case CCHOST_E_MALFORMED: return "malformed evidence";
    case CCHOST_E_VERIFY_FAILED: return "verification failed";
    case CCHOST_E_COLLATERAL: return "collateral";
    case CCHOST_E_UNAVAILABLE: return "unavailable";
    case CCHOST_E_INTERNAL: return "internal error";
    default: return "unknown status";
  }
}

// Owns one plugin allocation until the end of the scope.
class PluginBuffer {
 public:
  explicit PluginBuffer(const cchost_authorizer_table_v1* table) : table_(table) {}
  ~PluginBuffer() { table_->free_buffer(p_); }
  PluginBuffer(const PluginBuffer&) = delete;
  PluginBuffer& operator=(const PluginBuffer&) = delete;
  template <class T>
  T** out() { return reinterpret_cast<T**>(&p_); }
  template <class T>
  const T* get() const { return static_cast<const T*>(p_); }

 private:
  const cchost_authorizer_table_v1* table_;
  void* p_ = nullptr;
};

// Bounded copy of a plugin error message (a broken plugin might not terminate it sensibly).
std::string plugin_message(const PluginBuffer& err) {
  const char* text = err.get<char>();
  if (!text) return "(no message)";
  return std::string(text, ::strnlen(text, 4096));
}

Error call_failed(const PluginInfo& info, const char* what, int status, const PluginBuffer& err) {
  return make_error("plugin " + info.ns + " (" + info.file + "): " + what + " failed: " +
                    status_name(status) + " (status " + std::to_string(status) +
                    "): " + plugin_message(err));
}

}  // namespace

Authorizer::Authorizer(std::shared_ptr<const LoadedModule> module, cchost_authorizer_ctx* ctx)
    : module_(std::move(module)), ctx_(ctx) {}

Authorizer::~Authorizer() {
  if (ctx_) module_->table->destroy(ctx_);
}

const PluginInfo& Authorizer::info() const { return module_->info; }

Result<Bytes> Authorizer::generate(ByteView binding64) {
  if (binding64.size() != CCHOST_BINDING_SIZE) {
    return make_error("generate: binding must be 64 bytes, got " +
                      std::to_string(binding64.size()));
  }
  std::lock_guard lock(mutex_);
  const auto* table = module_->table;
  PluginBuffer token(table);
  PluginBuffer err(table);
  std::size_t token_len = 0;
  int status = table->generate(ctx_, binding64.data(), token.out<std::uint8_t>(), &token_len,
                               err.out<char>());
  if (status != CCHOST_OK) return call_failed(info(), "generate", status, err);
  if (!token.get<std::uint8_t>() && token_len) {
    return make_error("plugin " + info().ns + ": generate returned a NULL token of length " +
                      std::to_string(token_len));
  }
  const auto* p = token.get<std::uint8_t>();
  return Bytes(p, p + token_len);
}

Result<std::string> Authorizer::verify(ByteView token,
                                       const std::optional<std::array<std::uint8_t, 64>>& binding,
                                       const std::string& collateral_dir, std::int64_t at_time) {
  std::lock_guard lock(mutex_);
  const auto* table = module_->table;
  PluginBuffer claims(table);
  PluginBuffer err(table);
  // A non-null pointer even for an empty token: the ABI allows (NULL, 0) but some plugins
  // may not, and an empty span's data() may be NULL.
  static const std::uint8_t kEmpty = 0;
  int status = table->verify(ctx_, token.empty() ? &kEmpty : token.data(), token.size(),
                             binding ? binding->data() : nullptr,
                             collateral_dir.empty() ? nullptr : collateral_dir.c_str(), at_time,
                             claims.out<char>(), err.out<char>());
  if (status != CCHOST_OK) return call_failed(info(), "verify", status, err);
  if (!claims.get<char>()) return make_error("plugin " + info().ns + ": verify returned no claims");
  std::string json(claims.get<char>());
  if (auto s = check_claims_json(json, info().ns); !s) {
    return make_error("plugin " + info().ns + " (" + info().file + "): " + s.message());
  }
  return json;
}

}  // namespace cchost::plugin
