#pragma once
// The options of `cchost verify` (issue 2, "The cchost verify contract") and the pieces that
// turn them into loader and plugin inputs. Each piece lives in its own verify_*.cpp file.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cchost/result.hpp"
#include "root_pin_options.hpp"

namespace cchost::cli {

struct VerifyOptions {
  // As given: each --evidence, --collateral and --config, a plain value or NS=VALUE
  // (verify_form.hpp resolves which form the command line uses).
  std::vector<std::string> evidence_args;
  std::vector<std::string> collateral_args;
  std::vector<std::string> config_args;
  // The single-namespace form, once resolved:
  std::string ns;              // --namespace
  std::string evidence_file;   // --evidence FILE
  std::string collateral_dir;  // --collateral DIR
  std::string trust_dir;       // --trust
  std::string at;              // --at (RFC 3339 or epoch seconds); empty: now
  std::string nonce_hex;       // --nonce (with --identity-key and --name)
  std::optional<std::int64_t> evidence_age_seconds;  // --evidence-age: the operator knows when it was taken
  std::string identity_key_hex;
  std::string participant_name;
  std::string report_data_hex; // --report-data: the 64 raw bytes
  bool no_binding = false;     // --no-binding
  std::string policy_file;     // --policy
  std::string plugin_dir;      // --plugin-dir
  std::string config_file;     // --config FILE: the plugin's TOML table
  bool json = false;
  // --ear FILE: the decision written as a signed EAR (verify_ear.hpp), signed with --ear-key
  // (an Ed25519 PKCS#8 file, mode 0600) or the audit key of the kit --ear-kit (root pinned).
  std::string ear_file;
  std::string ear_key_file;
  std::string ear_kit_dir;
  RootPinOptions ear_kit_pin;
};

// The binding the evidence must carry (`size` bytes: the plugin's declared binding size), from
// exactly one of --nonce (+ --identity-key, --name), --report-data or --no-binding (nullopt).
// An Error is a usage error.
Result<std::optional<std::vector<std::uint8_t>>> resolve_binding(const VerifyOptions& options, std::size_t size);

// The verification time: --at, or now when absent. An Error is a usage error.
Result<std::int64_t> resolve_time(const VerifyOptions& options);

// The plugin's collateral folder (host services): --collateral, or --trust, or "" for none.
Result<std::string> resolve_collateral_dir(const VerifyOptions& options);

}  // namespace cchost::cli
