// make_backend: the quote source named by `backend` (backend.hpp), with its keys read strictly.
#include "backends/backend.hpp"
#include "backends/backend_factories.hpp"
#include "cchost/crypto/encoding.hpp"
#include "cchost/verify/strict_toml.hpp"

namespace cchost::tdx {
namespace {

// [sim]: ca_dir (required), and the simulated TD's fields.
Result<sim::SimQuoteFields> sim_fields(const toml::table& table) {
  vkit::StrictTable t(table, "x-tdx config [sim]");
  (void)t.string("ca_dir");
  sim::SimQuoteFields f;
  auto debug = t.boolean("debug");
  if (!debug) return debug.error();
  if (debug->value_or(false)) f.td_attributes |= 1;
  auto tdx15 = t.boolean("tdx15");
  if (!tdx15) return tdx15.error();
  f.tdx15 = tdx15->value_or(false);
  auto mr_td = t.hex("mr_td", {48});
  if (!mr_td) return mr_td.error();
  if (*mr_td) std::copy((*mr_td)->begin(), (*mr_td)->end(), f.mr_td.begin());
  if (auto done = t.finish(); !done) return done.error();
  return f;
}

}  // namespace

Result<std::unique_ptr<QuoteBackend>> make_backend(const std::string& kind, const toml::table& config) {
  if (kind == "sim") {
    const toml::table* sim = config["sim"].as_table();
    const auto* dir = sim ? (*sim)["ca_dir"].as_string() : nullptr;
    if (dir == nullptr) return make_error("x-tdx backend \"sim\" needs [sim] ca_dir (the folder sim_provision wrote)");
    auto fields = sim_fields(*sim);
    if (!fields) return fields.error();
    return make_sim_backend(dir->get(), *fields);
  }
  std::filesystem::path device(kDefaultTdxGuestDevice);
  if (const auto* d = config["device"].as_string()) device = d->get();
  if (kind == "tdx-guest") return make_tdx_guest_backend(device);
  if (kind == "configfs-tsm" || kind == "auto") {
    ConfigfsTsmBackendOptions options;
    if (const auto* root = config["configfs_root"].as_string()) options.root = root->get();
    auto backend = make_configfs_tsm_backend(std::move(options));
    if (backend || kind == "configfs-tsm") return backend;
    // auto: kernels before configfs-tsm had only the device's quote ioctl.
    auto legacy = make_tdx_guest_backend(device);
    if (legacy) return legacy;
    return make_error("x-tdx backend auto: no TDX quote source: configfs-tsm: " + backend.message() + "; " +
                      legacy.message());
  }
  return make_error("x-tdx: unknown backend \"" + kind + "\"");
}

}  // namespace cchost::tdx
