#pragma once
// Header-only C++ wrapper over authorizer.h (ABI 2). A plugin derives from
// cchost::sdk::Authorizer and writes CCHOST_EXPORT_AUTHORIZER(MyClass, "x-my-ns", "My TEE",
// "0.1.0") once. `MyClass` provides:
//   MyClass(const std::string& config_toml, const cchost::sdk::HostServices& host);  // throws std::invalid_argument
//   static std::string describe();                       // the "cchost.describe/v1" JSON
//   static cchost::sdk::Outcome sim_provision(const std::string& dir, std::string& out_json);  // optional
//   cchost::sdk::Outcome relate(const std::string& records_json, std::string& claims_json);   // optional
//   Outcome on_event(const std::string& name, const std::string& event_json) override;   // optional
//   static cchost::sdk::Outcome show(const std::vector<std::uint8_t>& token, std::string& json);  // optional
// The wrapper turns exceptions and results into C status codes and owns every allocation
// crossing the ABI, so no C++ type and no exception ever crosses it.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "cchost/authorizer.h"

namespace cchost::sdk {

// An outcome with a C status code and a message; `ok()` when status is CCHOST_OK.
struct Outcome {
  int status = CCHOST_OK;
  std::string message;
  bool ok() const { return status == CCHOST_OK; }
  static Outcome success() { return {}; }
  static Outcome failure(int status, std::string message) { return {status, std::move(message)}; }
};

// What the host gave this context (authorizer.h cchost_host_services_v2), copied.
class HostServices {
 public:
  HostServices() = default;
  explicit HostServices(const cchost_host_services_v2* host) {
    if (!host) return;
    if (host->base_dir) base_dir_ = host->base_dir;
    if (host->collateral_dir) collateral_dir_ = host->collateral_dir;
    log_ctx_ = host->log_ctx;
    log_ = host->log;
  }
  // Absolute; empty when the host gave none.
  const std::string& base_dir() const { return base_dir_; }
  const std::string& collateral_dir() const { return collateral_dir_; }
  // A config path made absolute against base_dir() (unchanged when already absolute or no base).
  std::string resolve(const std::string& path) const {
    if (path.empty() || path.front() == '/' || base_dir_.empty()) return path;
    return base_dir_ + (base_dir_.back() == '/' ? "" : "/") + path;
  }
  void log(int level, const std::string& message) const {
    if (log_) log_(log_ctx_, level, message.c_str());
  }

 private:
  std::string base_dir_;
  std::string collateral_dir_;
  void* log_ctx_ = nullptr;
  void (*log_)(void*, int, const char*) = nullptr;
};

struct GenerateRequest {
  const std::uint8_t* binding = nullptr;
  std::size_t binding_len = 0;
};

struct VerifyRequest {
  const std::uint8_t* token = nullptr;
  std::size_t token_len = 0;
  const std::uint8_t* expected_binding = nullptr;  // binding_len bytes, or null: no binding check
  std::size_t binding_len = 0;
  std::int64_t at_time = 0;
};

class Authorizer {
 public:
  virtual ~Authorizer() = default;
  // Produces evidence carrying `request.binding` in its hardware-signed user data.
  virtual Outcome generate(const GenerateRequest& request, std::vector<std::uint8_t>& token) = 0;
  // Verifies evidence; on success fills `claims_json` (see claims.hpp).
  virtual Outcome verify(const VerifyRequest& request, std::string& claims_json) = 0;
  // A host event this plugin subscribed to (describe() "events"): `event_json` is the
  // read-only document authorizer.h on_event describes. Runs on a host worker thread, possibly
  // while generate()/verify() run on another: guard shared state. A failure or an exception is
  // logged by the host and later events still arrive. Default: ignores the event.
  virtual Outcome on_event(const std::string& event_name, const std::string& event_json) {
    (void)event_name;
    (void)event_json;
    return Outcome::success();
  }
};

namespace detail {

inline char* dup_string(const std::string& s) {
  char* p = static_cast<char*>(std::malloc(s.size() + 1));
  if (p) std::memcpy(p, s.c_str(), s.size() + 1);
  return p;
}

inline void set_error(char** err, const std::string& message) {
  if (err) *err = dup_string(message);
}

inline int fail(char** err, int status, const std::string& message) {
  set_error(err, message);
  return status;
}

// Runs `body`, mapping any escaping exception to CCHOST_E_INTERNAL.
template <class F>
int guarded(char** err, F&& body) noexcept {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return fail(err, CCHOST_E_INTERNAL, "out of memory");
  } catch (const std::exception& e) {
    return fail(err, CCHOST_E_INTERNAL, std::string("internal error: ") + e.what());
  } catch (...) {
    return fail(err, CCHOST_E_INTERNAL, "internal error: unknown exception");
  }
}

inline Authorizer* unwrap(cchost_authorizer_ctx* ctx) { return reinterpret_cast<Authorizer*>(ctx); }

template <class Impl>
int describe(char** out_json, char** err) noexcept {
  if (!out_json) return fail(err, CCHOST_E_INVALID_ARGUMENT, "describe: out_json is null");
  *out_json = nullptr;
  return guarded(err, [&] {
    *out_json = dup_string(Impl::describe());
    return *out_json ? CCHOST_OK : fail(err, CCHOST_E_INTERNAL, "out of memory");
  });
}

template <class Impl>
int create(const char* config_toml, const cchost_host_services_v2* host,
           cchost_authorizer_ctx** out_ctx, char** err) noexcept {
  if (!out_ctx) return fail(err, CCHOST_E_INVALID_ARGUMENT, "create: out_ctx is null");
  *out_ctx = nullptr;
  return guarded(err, [&] {
    // Impl's constructor throws std::invalid_argument for a bad configuration.
    try {
      auto impl = std::make_unique<Impl>(std::string(config_toml ? config_toml : ""), HostServices(host));
      *out_ctx = reinterpret_cast<cchost_authorizer_ctx*>(static_cast<Authorizer*>(impl.release()));
      return CCHOST_OK;
    } catch (const std::invalid_argument& e) {
      return fail(err, CCHOST_E_INVALID_ARGUMENT, e.what());
    }
  });
}

inline int generate(cchost_authorizer_ctx* ctx, const cchost_generate_args_v2* args,
                    std::uint8_t** out_token, std::size_t* out_len, char** err) noexcept {
  if (!ctx || !args || args->size < sizeof(cchost_generate_args_v2) || !args->binding ||
      !out_token || !out_len)
    return fail(err, CCHOST_E_INVALID_ARGUMENT, "generate: null or short argument");
  *out_token = nullptr;
  *out_len = 0;
  return guarded(err, [&] {
    std::vector<std::uint8_t> token;
    Outcome o = unwrap(ctx)->generate(GenerateRequest{args->binding, args->binding_len}, token);
    if (!o.ok()) return fail(err, o.status, o.message);
    auto* p = static_cast<std::uint8_t*>(std::malloc(token.empty() ? 1 : token.size()));
    if (!p) return fail(err, CCHOST_E_INTERNAL, "out of memory");
    if (!token.empty()) std::memcpy(p, token.data(), token.size());
    *out_token = p;
    *out_len = token.size();
    return CCHOST_OK;
  });
}

inline int verify(cchost_authorizer_ctx* ctx, const cchost_verify_args_v2* args,
                  char** out_claims_json, char** err) noexcept {
  if (!ctx || !args || args->size < sizeof(cchost_verify_args_v2) ||
      (!args->token && args->token_len) || !out_claims_json)
    return fail(err, CCHOST_E_INVALID_ARGUMENT, "verify: null or short argument");
  *out_claims_json = nullptr;
  return guarded(err, [&] {
    VerifyRequest req{args->token, args->token_len, args->expected_binding,
                      args->expected_binding ? args->expected_binding_len : 0, args->at_time};
    std::string claims;
    Outcome o = unwrap(ctx)->verify(req, claims);
    if (!o.ok()) return fail(err, o.status, o.message);
    *out_claims_json = dup_string(claims);
    return *out_claims_json ? CCHOST_OK : fail(err, CCHOST_E_INTERNAL, "out of memory");
  });
}

inline int on_event(cchost_authorizer_ctx* ctx, const char* name, const char* json, std::size_t json_len,
                    char** err) noexcept {
  if (!ctx || !name || (!json && json_len)) return fail(err, CCHOST_E_INVALID_ARGUMENT, "on_event: null argument");
  return guarded(err, [&] {
    Outcome o = unwrap(ctx)->on_event(std::string(name), std::string(json ? json : "", json_len));
    return o.ok() ? CCHOST_OK : fail(err, o.status == CCHOST_OK ? CCHOST_E_INTERNAL : o.status, o.message);
  });
}

inline void destroy(cchost_authorizer_ctx* ctx) noexcept { delete unwrap(ctx); }
inline void free_buffer(void* p) noexcept { std::free(p); }

// sim_provision is optional: present in the table only when Impl declares it.
template <class Impl, class = void>
struct HasSimProvision : std::false_type {};
template <class Impl>
struct HasSimProvision<Impl, std::void_t<decltype(Impl::sim_provision(std::declval<const std::string&>(),
                                                                       std::declval<std::string&>()))>>
    : std::true_type {};

template <class Impl>
int sim_provision(const char* dir, char** out_json, char** err) noexcept {
  if (!dir || !out_json) return fail(err, CCHOST_E_INVALID_ARGUMENT, "sim_provision: null argument");
  *out_json = nullptr;
  return guarded(err, [&] {
    std::string json;
    Outcome o = Impl::sim_provision(std::string(dir), json);
    if (!o.ok()) return fail(err, o.status, o.message);
    *out_json = dup_string(json);
    return *out_json ? CCHOST_OK : fail(err, CCHOST_E_INTERNAL, "out of memory");
  });
}

template <class Impl>
constexpr int (*sim_provision_entry())(const char*, char**, char**) {
  if constexpr (HasSimProvision<Impl>::value) {
    return &sim_provision<Impl>;
  } else {
    return nullptr;
  }
}

// relate (the composite stage) is optional: present only when Impl has a member
//   cchost::sdk::Outcome relate(const std::string& records_json, std::string& claims_json);
// (authorizer.h relate; describe() must then list "relates").
template <class Impl, class = void>
struct HasRelate : std::false_type {};
template <class Impl>
struct HasRelate<Impl, std::void_t<decltype(std::declval<Impl&>().relate(std::declval<const std::string&>(),
                                                                         std::declval<std::string&>()))>>
    : std::true_type {};

template <class Impl>
int relate(cchost_authorizer_ctx* ctx, const char* records_json, std::size_t records_len, char** out_claims_json,
           char** err) noexcept {
  if (!ctx || (!records_json && records_len) || !out_claims_json)
    return fail(err, CCHOST_E_INVALID_ARGUMENT, "relate: null argument");
  *out_claims_json = nullptr;
  return guarded(err, [&] {
    std::string claims;
    Outcome o = static_cast<Impl*>(unwrap(ctx))->relate(std::string(records_json ? records_json : "", records_len), claims);
    if (!o.ok()) return fail(err, o.status, o.message);
    *out_claims_json = dup_string(claims);
    return *out_claims_json ? CCHOST_OK : fail(err, CCHOST_E_INTERNAL, "out of memory");
  });
}

template <class Impl>
constexpr int (*relate_entry())(cchost_authorizer_ctx*, const char*, std::size_t, char**, char**) {
  if constexpr (HasRelate<Impl>::value) {
    return &relate<Impl>;
  } else {
    return nullptr;
  }
}

// show (decode without verifying, authorizer.h show) is optional: present only when Impl has
//   static cchost::sdk::Outcome show(const std::vector<std::uint8_t>& token, std::string& json);
template <class Impl, class = void>
struct HasShow : std::false_type {};
template <class Impl>
struct HasShow<Impl, std::void_t<decltype(Impl::show(std::declval<const std::vector<std::uint8_t>&>(),
                                                     std::declval<std::string&>()))>> : std::true_type {};

template <class Impl>
int show(const std::uint8_t* token, std::size_t token_len, char** out_json, char** err) noexcept {
  if ((!token && token_len) || !out_json) return fail(err, CCHOST_E_INVALID_ARGUMENT, "show: null argument");
  *out_json = nullptr;
  return guarded(err, [&] {
    std::string json;
    Outcome o = Impl::show(std::vector<std::uint8_t>(token, token + token_len), json);
    if (!o.ok()) return fail(err, o.status, o.message);
    *out_json = dup_string(json);
    return *out_json ? CCHOST_OK : fail(err, CCHOST_E_INTERNAL, "out of memory");
  });
}

template <class Impl>
constexpr int (*show_entry())(const std::uint8_t*, std::size_t, char**, char**) {
  if constexpr (HasShow<Impl>::value) {
    return &show<Impl>;
  } else {
    return nullptr;
  }
}

}  // namespace detail
}  // namespace cchost::sdk

// Exports the C entry point for `Impl`.
#if defined(_WIN32)
#define CCHOST_SDK_EXPORT __declspec(dllexport)
#else
#define CCHOST_SDK_EXPORT __attribute__((visibility("default")))
#endif

#define CCHOST_EXPORT_AUTHORIZER(Impl, NS, NAME, VERSION)                                   \
  extern "C" CCHOST_SDK_EXPORT const cchost_authorizer_table_v2* cchost_authorizer_v2(void) { \
    static const cchost_authorizer_table_v2 table = {                                       \
        sizeof(cchost_authorizer_table_v2), CCHOST_AUTHORIZER_ABI_VERSION, NS, NAME, VERSION, \
        &::cchost::sdk::detail::describe<Impl>, &::cchost::sdk::detail::create<Impl>,       \
        &::cchost::sdk::detail::generate, &::cchost::sdk::detail::verify,                   \
        &::cchost::sdk::detail::destroy, &::cchost::sdk::detail::free_buffer,               \
        ::cchost::sdk::detail::sim_provision_entry<Impl>(),                                 \
        ::cchost::sdk::detail::relate_entry<Impl>(),                                        \
        &::cchost::sdk::detail::on_event,                                                   \
        ::cchost::sdk::detail::show_entry<Impl>()};                                         \
    return &table;                                                                          \
  }
