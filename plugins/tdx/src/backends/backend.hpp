#pragma once
// Where generate() gets a quote: configfs-tsm (provider tdx_guest), the legacy /dev/tdx_guest
// quote ioctl, or the simulated QE.
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <toml++/toml.h>

#include "cchost/bytes.hpp"
#include "cchost/result.hpp"

namespace cchost::tdx {

class QuoteBackend {
 public:
  virtual ~QuoteBackend() = default;
  virtual std::string_view name() const = 0;
  // A quote whose REPORT_DATA is `report_data`.
  virtual Result<Bytes> get_quote(const std::array<std::uint8_t, 64>& report_data) = 0;
};

// "auto": configfs-tsm, else the /dev/tdx_guest quote ioctl, else an error naming both (never
// sim: simulated evidence is chosen explicitly). `config` is the plugin's whole table
// (configfs_root, device, sim).
Result<std::unique_ptr<QuoteBackend>> make_backend(const std::string& kind, const toml::table& config);

}  // namespace cchost::tdx
