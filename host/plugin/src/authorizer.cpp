// Host side of the C ABI calls: every plugin buffer is copied and released through the
// plugin's free_buffer(), whatever the outcome.
#include <chrono>
#include <cstring>

#include "authorizer_services.hpp"
#include "cchost/metrics/families.hpp"
#include "loaded_module.hpp"
#include "table_check.hpp"

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

// The outcome label of cchost_verifications_total: one word per ABI status.
const char* outcome_label(int status) {
  switch (status) {
    case CCHOST_OK: return "verified";
    case CCHOST_E_INVALID_ARGUMENT: return "invalid_argument";
    case CCHOST_E_MALFORMED: return "malformed";
    case CCHOST_E_VERIFY_FAILED: return "failed";
    case CCHOST_E_COLLATERAL: return "collateral";
    case CCHOST_E_UNAVAILABLE: return "unavailable";
    case CCHOST_E_INTERNAL: return "internal";
    default: return "unknown";
  }
}

// Every verification through the loader is counted and timed (docs/operations.md, "Metrics").
void count_verification(const std::string& ns, int status, std::chrono::steady_clock::duration took) {
  auto& registry = metrics::Registry::process();
  registry.add(metrics::kVerifications, {{"namespace", ns}, {"outcome", outcome_label(status)}});
  registry.observe(metrics::kVerificationSeconds, {{"namespace", ns}},
                   std::chrono::duration<double>(took).count());
}

// Owns one plugin allocation until the end of the scope.
class PluginBuffer {
 public:
  explicit PluginBuffer(const cchost_authorizer_table_v2* table) : table_(table) {}
  ~PluginBuffer() { table_->free_buffer(p_); }
  PluginBuffer(const PluginBuffer&) = delete;
  PluginBuffer& operator=(const PluginBuffer&) = delete;
  template <class T>
  T** out() { return reinterpret_cast<T**>(&p_); }
  template <class T>
  const T* get() const { return static_cast<const T*>(p_); }

 private:
  const cchost_authorizer_table_v2* table_;
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

Authorizer::Authorizer(std::shared_ptr<const LoadedModule> module, std::unique_ptr<Services> services)
    : module_(std::move(module)), services_(std::move(services)) {}

Authorizer::~Authorizer() {
  if (ctx_) module_->table->destroy(ctx_);
}

Status Authorizer::create(const std::string& config_toml) {
  const auto* table = module_->table;
  PluginBuffer err(table);
  cchost_authorizer_ctx* ctx = nullptr;
  int status = table->create(config_toml.c_str(), &services_->c, &ctx, err.out<char>());
  if (status != CCHOST_OK || !ctx) {
    if (ctx) table->destroy(ctx);
    return make_error("plugin " + info().file + " (" + info().ns + "): create failed (status " +
                      std::to_string(status) + "): " + plugin_message(err));
  }
  ctx_ = ctx;
  return {};
}

const PluginInfo& Authorizer::info() const { return module_->info; }

Result<Bytes> Authorizer::generate(ByteView binding) {
  if (binding.size() != info().binding_size) {
    return make_error("plugin " + info().ns + ": generate: binding must be " + std::to_string(info().binding_size) +
                      " bytes, got " + std::to_string(binding.size()));
  }
  std::lock_guard lock(mutex_);
  const auto* table = module_->table;
  PluginBuffer token(table);
  PluginBuffer err(table);
  std::size_t token_len = 0;
  const cchost_generate_args_v2 args{sizeof(cchost_generate_args_v2), binding.data(), binding.size()};
  int status = table->generate(ctx_, &args, token.out<std::uint8_t>(), &token_len, err.out<char>());
  if (status != CCHOST_OK) return call_failed(info(), "generate", status, err);
  if (!token.get<std::uint8_t>() && token_len) {
    return make_error("plugin " + info().ns + ": generate returned a NULL token of length " +
                      std::to_string(token_len));
  }
  const auto* p = token.get<std::uint8_t>();
  return Bytes(p, p + token_len);
}

Result<std::string> Authorizer::call_verify(ByteView token, const std::optional<Bytes>& binding, std::int64_t at_time,
                                            int* status_out) {
  if (binding && binding->size() != info().binding_size) {
    return make_error("plugin " + info().ns + ": verify: binding must be " + std::to_string(info().binding_size) +
                      " bytes, got " + std::to_string(binding->size()));
  }
  // A context that does not declare thread-safe verify is serialised (the ABI promises nothing).
  std::unique_lock lock(mutex_, std::defer_lock);
  if (!info().capabilities.thread_safe_verify) lock.lock();
  const auto* table = module_->table;
  PluginBuffer claims(table);
  PluginBuffer err(table);
  // A non-null pointer even for an empty token: the ABI allows (NULL, 0) but some plugins
  // may not, and an empty span's data() may be NULL.
  static const std::uint8_t kEmpty = 0;
  const cchost_verify_args_v2 args{sizeof(cchost_verify_args_v2), token.empty() ? &kEmpty : token.data(), token.size(),
                                   binding ? binding->data() : nullptr, binding ? binding->size() : 0, at_time};
  const auto started = std::chrono::steady_clock::now();
  int status = table->verify(ctx_, &args, claims.out<char>(), err.out<char>());
  count_verification(info().ns, status, std::chrono::steady_clock::now() - started);
  if (status_out) *status_out = status;
  if (status != CCHOST_OK) return call_failed(info(), "verify", status, err);
  if (!claims.get<char>()) return make_error("plugin " + info().ns + ": verify returned no claims");
  return std::string(claims.get<char>());
}

Result<claims::NamespaceClaims> Authorizer::verify(ByteView token, const std::optional<Bytes>& binding,
                                                   std::int64_t at_time) {
  auto json = call_verify(token, binding, at_time);
  if (!json) return json.error();
  return checked_claims(*json);
}

Result<std::string> Authorizer::verify_json(ByteView token, const std::optional<Bytes>& binding, std::int64_t at_time,
                                            int* status) {
  auto json = call_verify(token, binding, at_time, status);
  if (!json) return json.error();
  if (auto parsed = checked_claims(*json); !parsed) return parsed.error();
  return json;
}

// The one validation of plugin output (host/claims); from here on the claims are typed.
Result<claims::NamespaceClaims> Authorizer::checked_claims(const std::string& json) const {
  auto parsed = claims::parse_claims_json(json);
  if (!parsed) return make_error("plugin " + info().ns + " (" + info().file + "): " + parsed.message());
  if (parsed->ns != info().ns) {
    return make_error("plugin " + info().ns + " (" + info().file + "): claims: expected namespace \"" + info().ns +
                      "\", got \"" + parsed->ns + "\"");
  }
  return parsed;
}

Result<claims::NamespaceClaims> Authorizer::relate(const std::vector<const claims::NamespaceClaims*>& inputs) {
  const RelateFn fn = relate_of(module_->table);
  if (!fn) return make_error("plugin " + info().ns + ": has no composite stage");
  // Claims only: the host builds this from typed records, so no evidence byte can reach it.
  nlohmann::json doc{{"schema", "cchost.relate/v1"}, {"namespaces", nlohmann::json::array()}};
  for (const auto* in : inputs) doc["namespaces"].push_back(claims::to_json(*in));
  const std::string text = doc.dump();
  std::unique_lock lock(mutex_, std::defer_lock);
  if (!info().capabilities.thread_safe_verify) lock.lock();
  PluginBuffer out(module_->table);
  PluginBuffer err(module_->table);
  const int status = fn(ctx_, text.c_str(), text.size(), out.out<char>(), err.out<char>());
  if (status != CCHOST_OK) return call_failed(info(), "relate", status, err);
  if (!out.get<char>()) return make_error("plugin " + info().ns + ": relate returned no claims");
  auto parsed = claims::parse_claims_json(out.get<char>());
  if (!parsed) return make_error("plugin " + info().ns + " (" + info().file + "): relate: " + parsed.message());
  if (parsed->ns != info().ns) {
    return make_error("plugin " + info().ns + " (" + info().file + "): relate: expected namespace \"" + info().ns +
                      "\", got \"" + parsed->ns + "\"");
  }
  return parsed;
}

Status Authorizer::on_event(const std::string& name, const std::string& event_json) {
  const auto* table = module_->table;
  if (!CCHOST_TABLE_HAS(table, on_event) || !table->on_event) {
    return make_error("plugin " + info().ns + " (" + info().file + "): takes no events (no on_event)");
  }
  PluginBuffer err(table);
  const int status = table->on_event(ctx_, name.c_str(), event_json.c_str(), event_json.size(), err.out<char>());
  if (status != CCHOST_OK) return call_failed(info(), ("on_event " + name).c_str(), status, err);
  return {};
}

}  // namespace cchost::plugin
