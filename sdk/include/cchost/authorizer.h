/* cchost authorizer plugin ABI, version 1.
 *
 * A plugin is a shared object exporting one C function, cchost_authorizer_v1(), which returns
 * a pointer to a constant table describing the plugin and its functions. The ABI is plain C so
 * that a plugin built with another compiler (or language) still loads.
 *
 * Rules every function follows:
 *  - Results are status codes (CCHOST_OK or a CCHOST_E_* value); never exceptions or aborts.
 *  - Every buffer or string a plugin hands out is allocated by the plugin and released by the
 *    host through the table's free_buffer(). The host never frees plugin memory any other way.
 *  - Sizes travel with pointers. Strings are NUL-terminated UTF-8.
 *  - On failure, *err (when err is non-NULL) receives a plugin-allocated message that says what
 *    failed, with the expected and the actual value where there are two.
 *
 * Claims JSON (the verify() output), schema "cchost.claims/v1":
 *   {
 *     "schema": "cchost.claims/v1",
 *     "namespace": "x-snp",
 *     "simulated": false,            // evidence rooted in a simulated vendor CA
 *     "issued_at": 1717200000,       // seconds since the epoch, or null if the evidence has none
 *     "claims": {
 *       "snp.policy.debug":  {"type": "bool",    "value": false},
 *       "snp.guest_svn":     {"type": "int",     "value": 3},
 *       "snp.product":       {"type": "string",  "value": "Milan"},
 *       "snp.measurement":   {"type": "hex",     "value": "6f0a..."},   // lowercase hex bytes
 *       "gpu.driver_version":{"type": "version", "value": "550.54.15"}  // dotted numeric
 *     }
 *   }
 * Claim names are "<platform>.<field>[.<sub>]", lowercase, [a-z0-9_.].
 */
#ifndef CCHOST_AUTHORIZER_H
#define CCHOST_AUTHORIZER_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CCHOST_AUTHORIZER_ABI_MAJOR 1u
#define CCHOST_AUTHORIZER_ABI_MINOR 0u
#define CCHOST_AUTHORIZER_ABI_VERSION ((CCHOST_AUTHORIZER_ABI_MAJOR << 16) | CCHOST_AUTHORIZER_ABI_MINOR)
#define CCHOST_AUTHORIZER_ENTRY "cchost_authorizer_v1"
#define CCHOST_BINDING_SIZE 64u

/* Status codes. */
#define CCHOST_OK 0
#define CCHOST_E_INVALID_ARGUMENT 1  /* bad config, bad parameters */
#define CCHOST_E_MALFORMED 2         /* evidence cannot be parsed */
#define CCHOST_E_VERIFY_FAILED 3     /* signature, chain, binding or freshness check failed */
#define CCHOST_E_COLLATERAL 4        /* collateral missing or unusable */
#define CCHOST_E_UNAVAILABLE 5       /* evidence source (device) not available */
#define CCHOST_E_INTERNAL 6

typedef struct cchost_authorizer_ctx cchost_authorizer_ctx;

typedef struct cchost_authorizer_table_v1 {
  uint32_t abi_version;   /* CCHOST_AUTHORIZER_ABI_VERSION the plugin was built against */
  const char* ns;         /* claim namespace, e.g. "x-snp"; unique among loaded plugins */
  const char* name;       /* human name, e.g. "AMD SEV-SNP" */
  const char* version;    /* plugin version, e.g. "0.1.0" */

  /* Creates a context from the plugin's TOML configuration table (may be empty text). */
  int (*create)(const char* config_toml, cchost_authorizer_ctx** out_ctx, char** err);

  /* Produces evidence whose hardware-signed user data carries `binding` (64 bytes). */
  int (*generate)(cchost_authorizer_ctx* ctx, const uint8_t binding[64], uint8_t** out_token,
                  size_t* out_token_len, char** err);

  /* Verifies evidence and extracts claims.
   *  expected_binding: 64 bytes that the evidence must carry, or NULL to skip the binding check.
   *  collateral_dir:   folder with vendor collateral and trust anchors, or NULL.
   *  at_time:          verification time, seconds since the epoch (never implicitly "now").
   *  out_claims_json:  claims JSON (schema above), plugin-allocated. */
  int (*verify)(cchost_authorizer_ctx* ctx, const uint8_t* token, size_t token_len,
                const uint8_t* expected_binding, const char* collateral_dir, int64_t at_time,
                char** out_claims_json, char** err);

  void (*destroy)(cchost_authorizer_ctx* ctx);

  /* Releases any buffer or string this plugin handed out. NULL is allowed. */
  void (*free_buffer)(void* p);
} cchost_authorizer_table_v1;

typedef const cchost_authorizer_table_v1* (*cchost_authorizer_entry_fn)(void);

#ifdef __cplusplus
}
#endif

#endif /* CCHOST_AUTHORIZER_H */
