#pragma once
// Header-only C++ wrapper over authorizer.h. A plugin derives from cchost::sdk::Authorizer and
// writes CCHOST_EXPORT_AUTHORIZER(MyClass, "x-my-ns", "My TEE", "0.1.0") once. The wrapper
// turns exceptions and results into C status codes and owns every allocation crossing the ABI,
// so no C++ type and no exception ever crosses it.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
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

struct VerifyRequest {
  const std::uint8_t* token = nullptr;
  std::size_t token_len = 0;
  const std::uint8_t* expected_binding = nullptr;  // 64 bytes, or null: no binding check
  std::string collateral_dir;                      // empty when none given
  std::int64_t at_time = 0;
};

class Authorizer {
 public:
  virtual ~Authorizer() = default;
  // Produces evidence carrying `binding` in its hardware-signed user data.
  virtual Outcome generate(const std::uint8_t binding[CCHOST_BINDING_SIZE],
                           std::vector<std::uint8_t>& token) = 0;
  // Verifies evidence; on success fills `claims_json` (see claims.hpp).
  virtual Outcome verify(const VerifyRequest& request, std::string& claims_json) = 0;
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
int create(const char* config_toml, cchost_authorizer_ctx** out_ctx, char** err) noexcept {
  if (!out_ctx) return fail(err, CCHOST_E_INVALID_ARGUMENT, "create: out_ctx is null");
  *out_ctx = nullptr;
  return guarded(err, [&] {
    // Impl's constructor throws std::invalid_argument for a bad configuration.
    try {
      auto impl = std::make_unique<Impl>(std::string(config_toml ? config_toml : ""));
      *out_ctx = reinterpret_cast<cchost_authorizer_ctx*>(static_cast<Authorizer*>(impl.release()));
      return CCHOST_OK;
    } catch (const std::invalid_argument& e) {
      return fail(err, CCHOST_E_INVALID_ARGUMENT, e.what());
    }
  });
}

inline int generate(cchost_authorizer_ctx* ctx, const std::uint8_t binding[64],
                    std::uint8_t** out_token, std::size_t* out_len, char** err) noexcept {
  if (!ctx || !binding || !out_token || !out_len)
    return fail(err, CCHOST_E_INVALID_ARGUMENT, "generate: null argument");
  *out_token = nullptr;
  *out_len = 0;
  return guarded(err, [&] {
    std::vector<std::uint8_t> token;
    Outcome o = unwrap(ctx)->generate(binding, token);
    if (!o.ok()) return fail(err, o.status, o.message);
    auto* p = static_cast<std::uint8_t*>(std::malloc(token.empty() ? 1 : token.size()));
    if (!p) return fail(err, CCHOST_E_INTERNAL, "out of memory");
    if (!token.empty()) std::memcpy(p, token.data(), token.size());
    *out_token = p;
    *out_len = token.size();
    return CCHOST_OK;
  });
}

inline int verify(cchost_authorizer_ctx* ctx, const std::uint8_t* token, std::size_t token_len,
                  const std::uint8_t* expected_binding, const char* collateral_dir,
                  std::int64_t at_time, char** out_claims_json, char** err) noexcept {
  if (!ctx || (!token && token_len) || !out_claims_json)
    return fail(err, CCHOST_E_INVALID_ARGUMENT, "verify: null argument");
  *out_claims_json = nullptr;
  return guarded(err, [&] {
    VerifyRequest req{token, token_len, expected_binding,
                      collateral_dir ? std::string(collateral_dir) : std::string(), at_time};
    std::string claims;
    Outcome o = unwrap(ctx)->verify(req, claims);
    if (!o.ok()) return fail(err, o.status, o.message);
    *out_claims_json = dup_string(claims);
    return *out_claims_json ? CCHOST_OK : fail(err, CCHOST_E_INTERNAL, "out of memory");
  });
}

inline void destroy(cchost_authorizer_ctx* ctx) noexcept { delete unwrap(ctx); }
inline void free_buffer(void* p) noexcept { std::free(p); }

}  // namespace detail
}  // namespace cchost::sdk

// Exports the C entry point for `Impl` (constructible from the TOML config text).
#if defined(_WIN32)
#define CCHOST_SDK_EXPORT __declspec(dllexport)
#else
#define CCHOST_SDK_EXPORT __attribute__((visibility("default")))
#endif

#define CCHOST_EXPORT_AUTHORIZER(Impl, NS, NAME, VERSION)                                   \
  extern "C" CCHOST_SDK_EXPORT const cchost_authorizer_table_v1* cchost_authorizer_v1(void) { \
    static const cchost_authorizer_table_v1 table = {                                       \
        CCHOST_AUTHORIZER_ABI_VERSION, NS, NAME, VERSION,                                   \
        &::cchost::sdk::detail::create<Impl>, &::cchost::sdk::detail::generate,             \
        &::cchost::sdk::detail::verify, &::cchost::sdk::detail::destroy,                    \
        &::cchost::sdk::detail::free_buffer};                                               \
    return &table;                                                                          \
  }
