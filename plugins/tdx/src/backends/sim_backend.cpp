// The sim backend: quotes from the simulated QE (sim/sim_quote.hpp) with the PCK key that
// sim_provision wrote. Verified like any quote; trusted only where sim_roots names the root.
#include "backends/backend_factories.hpp"
#include "cchost/verify/key_files.hpp"
#include "cchost/verify/posix_files.hpp"
#include "sim/sim_provision.hpp"

namespace cchost::tdx {
namespace {

class SimBackend final : public QuoteBackend {
 public:
  SimBackend(vkit::EvpPkeyPtr key, std::string chain, sim::SimQuoteFields fields)
      : key_(std::move(key)), chain_(std::move(chain)), fields_(fields) {}
  std::string_view name() const override { return "sim"; }
  Result<Bytes> get_quote(const std::array<std::uint8_t, 64>& report_data) override {
    sim::SimQuoteFields f = fields_;
    f.report_data = report_data;
    return sim::write_sim_quote(key_.get(), chain_, f);
  }

 private:
  vkit::EvpPkeyPtr key_;
  std::string chain_;
  sim::SimQuoteFields fields_;
};

}  // namespace

Result<std::unique_ptr<QuoteBackend>> make_sim_backend(const std::filesystem::path& ca_dir, sim::SimQuoteFields fields) {
  auto chain = vkit::read_whole_file(ca_dir / sim::kPckChainFile, 64 * 1024);
  if (!chain) return make_error("sim: " + chain.message());
  // The kit refuses a key file group or others can read: a readable PCK key is no longer ours.
  auto key = vkit::load_private_key_file(ca_dir / sim::kPckKeyFile);
  if (!key) return make_error("sim: " + (ca_dir / sim::kPckKeyFile).string() + ": " + key.message());
  return std::unique_ptr<QuoteBackend>(
      std::make_unique<SimBackend>(std::move(*key), std::string(chain->begin(), chain->end()), fields));
}

}  // namespace cchost::tdx
