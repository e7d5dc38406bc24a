/* cchost authorizer plugin ABI, version 2.
 *
 * A plugin is a shared object exporting one C function, cchost_authorizer_v2(), which returns
 * a pointer to a constant table describing the plugin and its functions. The ABI is plain C so
 * that a plugin built with another compiler (or language) still loads. A plugin built against
 * ABI 1 (entry cchost_authorizer_v1) is refused with a message saying so; there is no
 * compatibility layer.
 *
 * Every struct crossing the ABI starts with `size` (sizeof the struct as its writer knew it), so
 * fields can be appended in later minors: a reader uses a field only when `size` covers it.
 *
 * Rules every function follows:
 *  - Results are status codes (CCHOST_OK or a CCHOST_E_* value); never exceptions or aborts.
 *  - Every buffer or string a plugin hands out is allocated by the plugin and released by the
 *    host through the table's free_buffer(). The host never frees plugin memory any other way.
 *  - Sizes travel with pointers. Strings are NUL-terminated UTF-8.
 *  - On failure, *err (when err is non-NULL) receives a plugin-allocated message that says what
 *    failed, with the expected and the actual value where there are two.
 *
 * describe() (no context needed) returns one JSON document, schema "cchost.describe/v1":
 * namespace, name, version, policy section, evidence formats, binding size, claims schema, knob
 * table (the plugin's policy vocabulary as data), config schema, collateral and capabilities.
 * sdk/README.md documents every field.
 *
 * verify() returns claims JSON, schema "cchost.claims/v2": claims come in records, one per
 * device the evidence covers (one record for single-device evidence):
 *   {
 *     "schema": "cchost.claims/v2",
 *     "namespace": "x-snp",
 *     "simulated": false,            // evidence rooted in a simulated vendor CA
 *     "issued_at": 1717200000,       // seconds since the epoch, or null if the evidence has none
 *     "records": [
 *       {"class": "cpu", "index": 0, "id": "chip-0a1b",
 *        "claims": {
 *          "snp.policy.debug":  {"type": "bool",    "value": false},
 *          "snp.guest_svn":     {"type": "int",     "value": 3},
 *          "snp.product":       {"type": "string",  "value": "Milan"},
 *          "snp.measurement":   {"type": "hex",     "value": "6f0a..."},   // lowercase hex bytes
 *          "snp.current_version":{"type": "version", "value": "1.55.21"}   // dotted numeric
 *        }}
 *     ]
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

#define CCHOST_AUTHORIZER_ABI_MAJOR 2u
#define CCHOST_AUTHORIZER_ABI_MINOR 0u
#define CCHOST_AUTHORIZER_ABI_VERSION ((CCHOST_AUTHORIZER_ABI_MAJOR << 16) | CCHOST_AUTHORIZER_ABI_MINOR)
#define CCHOST_AUTHORIZER_ENTRY "cchost_authorizer_v2"
/* The ABI 1 entry name: the host looks for it only to say why it refuses such a plugin. */
#define CCHOST_AUTHORIZER_ENTRY_V1 "cchost_authorizer_v1"
/* A plugin declares its binding size in describe(): 32 or 64 bytes (see sdk/README.md for how
 * the host derives a 32-byte binding). */
#define CCHOST_BINDING_MAX 64u

/* Status codes. */
#define CCHOST_OK 0
#define CCHOST_E_INVALID_ARGUMENT 1  /* bad config, bad parameters */
#define CCHOST_E_MALFORMED 2         /* evidence cannot be parsed */
#define CCHOST_E_VERIFY_FAILED 3     /* signature, chain, binding or freshness check failed */
#define CCHOST_E_COLLATERAL 4        /* collateral missing or unusable */
#define CCHOST_E_UNAVAILABLE 5       /* evidence source (device) not available */
#define CCHOST_E_INTERNAL 6

/* Log levels for cchost_host_services_v2.log. */
#define CCHOST_LOG_DEBUG 0
#define CCHOST_LOG_INFO 1
#define CCHOST_LOG_WARN 2
#define CCHOST_LOG_ERROR 3

typedef struct cchost_authorizer_ctx cchost_authorizer_ctx;

/* What the host gives a context at create(). Valid for the context's whole life. */
typedef struct cchost_host_services_v2 {
  uint32_t size;               /* sizeof(cchost_host_services_v2) */
  /* Absolute folder that relative paths in the config resolve against (the kit folder), or
   * NULL. The host never changes its working directory for a plugin. */
  const char* base_dir;
  /* Absolute folder of collateral for this plugin's namespace only (kit trust/<ns>/), or NULL. */
  const char* collateral_dir;
  /* Log sink: the host prefixes the namespace. Callable from any thread; never NULL. Messages
   * must hold no secret. */
  void* log_ctx;
  void (*log)(void* log_ctx, int level, const char* message);
} cchost_host_services_v2;

typedef struct cchost_generate_args_v2 {
  uint32_t size;               /* sizeof(cchost_generate_args_v2) */
  const uint8_t* binding;      /* the identity binding to carry in signed user data */
  size_t binding_len;          /* the binding size the plugin declared (32 or 64) */
} cchost_generate_args_v2;

typedef struct cchost_verify_args_v2 {
  uint32_t size;               /* sizeof(cchost_verify_args_v2) */
  const uint8_t* token;
  size_t token_len;
  /* The binding the evidence must carry (binding_len bytes), or NULL to skip the check. */
  const uint8_t* expected_binding;
  size_t expected_binding_len;
  int64_t at_time;             /* verification time, seconds since the epoch (never "now") */
} cchost_verify_args_v2;

typedef struct cchost_authorizer_table_v2 {
  uint32_t size;          /* sizeof(cchost_authorizer_table_v2) the plugin was built with */
  uint32_t abi_version;   /* CCHOST_AUTHORIZER_ABI_VERSION the plugin was built against */
  const char* ns;         /* claim namespace, "x-[a-z0-9-]+"; unique among loaded plugins */
  const char* name;       /* human name, e.g. "AMD SEV-SNP" */
  const char* version;    /* plugin version, e.g. "0.1.0" */

  /* The plugin's self-description (JSON, "cchost.describe/v1"). Needs no context and does no
   * I/O: the host calls it before create() and at provisioning time. */
  int (*describe)(char** out_json, char** err);

  /* Creates a context from the plugin's TOML configuration table (may be empty text). */
  int (*create)(const char* config_toml, const cchost_host_services_v2* host,
                cchost_authorizer_ctx** out_ctx, char** err);

  /* Produces evidence whose hardware-signed user data carries args->binding. */
  int (*generate)(cchost_authorizer_ctx* ctx, const cchost_generate_args_v2* args,
                  uint8_t** out_token, size_t* out_token_len, char** err);

  /* Verifies evidence and returns its claim records (schema above), plugin-allocated. */
  int (*verify)(cchost_authorizer_ctx* ctx, const cchost_verify_args_v2* args,
                char** out_claims_json, char** err);

  void (*destroy)(cchost_authorizer_ctx* ctx);

  /* Releases any buffer or string this plugin handed out. NULL is allowed. */
  void (*free_buffer)(void* p);

  /* Optional (NULL unless describe() lists the "sim" capability): creates this plugin's
   * simulated vendor CA under the absolute folder `dir` (which exists and is empty). The
   * plugin writes `dir/trust/` (public files every kit's trust/<ns>/ receives) and
   * `dir/secret/` (what a simulated prover needs, copied only into kits whose config says
   * so), and returns in *out_json {"trust": [files], "secret": [files], "verifier_config":
   * {TOML keys as JSON}, "prover_config": {...}}: the config keys, relative to the kit, that
   * make a context trust (or sign with) this CA. The provisioner never links plugin code. */
  int (*sim_provision)(const char* dir, char** out_json, char** err);

  /* Optional composite stage (appended after ABI 2.0; the host reads it only when `size`
   * covers it, so a table without it still loads). Non-NULL exactly when describe() lists
   * "relates": the namespaces whose *verified* claim records this plugin consumes. After every
   * token of a bundle verified, the host calls relate() once with those namespaces' claims
   * (never evidence), as `records_json` (records_len bytes, NUL-terminated), schema
   * "cchost.relate/v1":
   *   {"schema": "cchost.relate/v1",
   *    "namespaces": [ <one "cchost.claims/v2" document per consumed namespace, in "relates"
   *                    order> ]}
   * It does no I/O and returns in *out_claims_json a "cchost.claims/v2" document of this
   * plugin's own namespace: the derived records, validated like verify()'s output. A failure
   * rejects the bundle with *err as the reason. See sdk/README.md "Composite stage". */
  int (*relate)(cchost_authorizer_ctx* ctx, const char* records_json, size_t records_len,
                char** out_claims_json, char** err);
  /* Optional event handler, appended after ABI 2.0: the host reads it only when `size` covers
   * it (a plugin built before it existed still loads and receives no events), and calls it
   * only for the events describe() lists under "events" (names or "prefix.*" patterns).
   * `event_json` (event_json_len bytes, also NUL-terminated) is a read-only document
   * {"name", "sequence", "time" (seconds since the epoch), "payload": {...}}, valid only during
   * the call. The host calls it on a worker thread of its bus, never on its io thread; one
   * event at a time per context, in publish order; possibly concurrently with generate() or
   * verify() on the same context (guard shared state). A nonzero status is logged with *err
   * and later events are still delivered. A handler that blocks delays only its own later
   * events. NULL: the plugin takes no events. */
  int (*on_event)(cchost_authorizer_ctx* ctx, const char* event_name, const char* event_json,
                  size_t event_json_len, char** err);
  /* Optional, appended after on_event (the host reads it only when `size` covers it; NULL: the
   * plugin cannot show its evidence). Decodes `token` (token_len bytes) WITHOUT verifying
   * anything and returns in *out_json one JSON document, schema "cchost.evidence.show/v1":
   *   {"schema": "cchost.evidence.show/v1", "namespace": "x-snp", "format": "<what it is>",
   *    "fields": { every field of the evidence; bytes as lowercase hex }}
   * No context and no I/O. The token is whatever a user hands `cchost evidence show`, so every
   * read is bounded as in verify(); malformed input is CCHOST_E_MALFORMED naming the field. */
  int (*show)(const uint8_t* token, size_t token_len, char** out_json, char** err);
} cchost_authorizer_table_v2;

/* True when a table of `table->size` bytes carries the field `field` (appended later). */
#define CCHOST_TABLE_HAS(table, field)                                                        \
  ((table)->size >= offsetof(cchost_authorizer_table_v2, field) + sizeof((table)->field))

typedef const cchost_authorizer_table_v2* (*cchost_authorizer_entry_fn)(void);

#ifdef __cplusplus
}
#endif

#endif /* CCHOST_AUTHORIZER_H */
