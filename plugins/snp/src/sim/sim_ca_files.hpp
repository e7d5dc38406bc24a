#pragma once
// The on-disk simulated AMD CA (written by create_sim_ca, cchost/snp/sim_ca.hpp) as the sim
// backend loads it to issue VCEKs.
#include <filesystem>
#include <string_view>

#include "cchost/result.hpp"
#include "report.hpp"
#include "sim/openssl_ptr.hpp"

namespace cchost::snp::sim {

inline constexpr std::string_view kArkCertFile = "ark.pem";
inline constexpr std::string_view kAskCertFile = "ask.pem";
inline constexpr std::string_view kArkKeyFile = "ark.key";
inline constexpr std::string_view kAskKeyFile = "ask.key";

// Strict product names for configuration: exactly "Milan", "Genoa" or "Turin".
Result<Product> parse_sim_product(std::string_view name);

struct LoadedSimCa {
  Product product = Product::Milan;
  X509Ptr ark;
  X509Ptr ask;
  EvpPkeyPtr ask_key;
};

// Loads ark.pem, ask.pem and ask.key from `dir` and checks that they belong together: the ASK
// is named SEV-<product>, is signed by the ARK, and ask.key is its private key (mode 0600).
Result<LoadedSimCa> load_sim_ca(const std::filesystem::path& dir, Product product);

}  // namespace cchost::snp::sim
