// Binding and time inputs of `cchost verify`.
#include <ctime>

#include "cchost/crypto/encoding.hpp"
#include "cchost/crypto/x509.hpp"
#include "verify_options.hpp"
#if __has_include("cchost/attest/binding.hpp")
#include "cchost/attest/binding.hpp"
#define CCHOST_CLI_HAVE_ATTEST_BINDING 1
#endif

namespace cchost::cli {

Result<std::optional<std::vector<std::uint8_t>>> resolve_binding(const VerifyOptions& o, std::size_t size) {
  using Binding = std::vector<std::uint8_t>;
  const int chosen = !o.nonce_hex.empty() + !o.report_data_hex.empty() + (o.no_binding ? 1 : 0);
  if (chosen != 1) {
    return make_error("exactly one of --nonce, --report-data or --no-binding is required, got " +
                      std::to_string(chosen));
  }
  const bool identity_given = !o.identity_key_hex.empty() || !o.participant_name.empty();
  if (o.no_binding) {
    if (identity_given) return make_error("--identity-key and --name go with --nonce only");
    return std::optional<Binding>();
  }
  if (!o.report_data_hex.empty()) {
    if (identity_given) return make_error("--identity-key and --name go with --nonce only");
    auto raw = crypto::hex_decode(o.report_data_hex);
    if (!raw) return make_error("--report-data: " + raw.message());
    if (raw->size() != size) {
      return make_error("--report-data: the plugin's binding is " + std::to_string(size) + " bytes (" +
                        std::to_string(2 * size) + " hex digits), got " + std::to_string(raw->size()) + " bytes");
    }
    return std::optional<Binding>(std::move(*raw));
  }
  // --nonce: the host's identity binding (DESIGN.md "Evidence, binding, freshness") needs the
  // prover's identity key and name as well as the nonce.
  if (o.identity_key_hex.empty() || o.participant_name.empty()) {
    return make_error("--nonce requires --identity-key HEX and --name NAME (or pass the binding "
                      "bytes with --report-data HEX)");
  }
  auto nonce = crypto::hex_decode(o.nonce_hex);
  if (!nonce) return make_error("--nonce: " + nonce.message());
  auto key = crypto::hex_decode(o.identity_key_hex);
  if (!key) return make_error("--identity-key: " + key.message());
#ifdef CCHOST_CLI_HAVE_ATTEST_BINDING
  // One definition of the binding for the whole host: host/attest's.
  auto b = attest::binding_of_size(*nonce, *key, o.participant_name, size);
  if (!b) return b.error();
  return std::optional<Binding>(std::move(*b));
#else
  return make_error("--nonce needs host/attest in this build; pass the binding with --report-data");
#endif
}

Result<std::int64_t> resolve_time(const VerifyOptions& o) {
  if (o.at.empty()) return static_cast<std::int64_t>(std::time(nullptr));
  auto t = crypto::parse_time(o.at);
  if (!t) return make_error("--at: " + t.message());
  return static_cast<std::int64_t>(*t);
}

Result<std::string> resolve_collateral_dir(const VerifyOptions& o) {
  // The ABI hands the plugin one collateral folder (anchors and collateral together), so
  // --trust and --collateral name the same thing from two angles.
  if (!o.collateral_dir.empty() && !o.trust_dir.empty() && o.collateral_dir != o.trust_dir) {
    return make_error("--collateral and --trust name different folders; the plugin ABI passes "
                      "one folder: put the trust anchors and the collateral together");
  }
  return o.collateral_dir.empty() ? o.trust_dir : o.collateral_dir;
}

}  // namespace cchost::cli
