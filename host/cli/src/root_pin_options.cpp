#include "root_pin_options.hpp"

#include <cstdlib>

#include "cchost/kit/root_pin.hpp"
#include "cli_reference.hpp"

namespace cchost::cli {

void add_root_pin_options(CLI::App* cmd, RootPinOptions& options) {
  cmd->add_option("--root-fingerprint", options.fingerprint,
                  "the project root's SHA-256 (hex), as ccprovision printed it; also $CCHOST_ROOT_FINGERPRINT");
  cmd->add_option("--root-fingerprint-file", options.fingerprint_file,
                  "a file holding that fingerprint (ccprovision writes OUT/root.fingerprint)");
  reads_environment(*cmd, kRootFingerprintEnv);  // explicit_root_pin() falls back to it
}

Result<std::optional<std::string>> explicit_root_pin(const RootPinOptions& options) {
  if (!options.fingerprint.empty()) {
    auto pin = kit::parse_root_fingerprint(options.fingerprint, "--root-fingerprint");
    if (!pin) return pin.error();
    return std::optional<std::string>(*pin);
  }
  if (!options.fingerprint_file.empty()) {
    auto pin = kit::read_root_pin_file(options.fingerprint_file);
    if (!pin) return pin.error();
    return std::optional<std::string>(*pin);
  }
  if (const char* env = std::getenv(kRootFingerprintEnv); env != nullptr && *env != '\0') {
    auto pin = kit::parse_root_fingerprint(env, std::string("$") + kRootFingerprintEnv);
    if (!pin) return pin.error();
    return std::optional<std::string>(*pin);
  }
  return std::optional<std::string>();
}

}  // namespace cchost::cli
