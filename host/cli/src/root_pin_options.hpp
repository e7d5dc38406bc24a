#pragma once
// The options every kit-loading command shares for its out-of-kit root pin (kit/root_pin.hpp):
//   --root-fingerprint HEX, --root-fingerprint-file FILE, or $CCHOST_ROOT_FINGERPRINT.
#include <CLI/CLI.hpp>
#include <optional>
#include <string>

#include "cchost/result.hpp"

namespace cchost::cli {

inline constexpr const char* kRootFingerprintEnv = "CCHOST_ROOT_FINGERPRINT";

struct RootPinOptions {
  std::string fingerprint;       // --root-fingerprint
  std::string fingerprint_file;  // --root-fingerprint-file
};

void add_root_pin_options(CLI::App* cmd, RootPinOptions& options);

// The pin the operator gave: the flag, else the file, else the environment variable; nullopt
// when none is given. A malformed one is an error (never silently ignored).
Result<std::optional<std::string>> explicit_root_pin(const RootPinOptions& options);

}  // namespace cchost::cli
