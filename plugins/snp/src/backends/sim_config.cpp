// Parses `[sim]` (see src/sim/README-sim.md). Start from realistic defaults for the product line,
// then apply each key; TCB tables default component-wise to current_tcb.
#include "backends/sim_config.hpp"

#include <algorithm>
#include <charconv>
#include <limits>
#include <string>

#include "cchost/verify/strict_toml.hpp"
#include "cchost/crypto/hash.hpp"
#include "sim/sim_ca_files.hpp"

namespace cchost::snp {
using vkit::StrictTable;
namespace {

constexpr std::int64_t kU8 = 0xFF;
constexpr std::int64_t kU32 = 0xFFFFFFFF;
constexpr std::int64_t kI64Max = std::numeric_limits<std::int64_t>::max();

template <std::size_t N>
Status read_hex_field(StrictTable& t, std::string_view key, std::array<std::uint8_t, N>& out) {
  auto value = t.hex(key, {N});
  if (!value) return value.error();
  if (*value) std::copy((*value)->begin(), (*value)->end(), out.begin());
  return {};
}

Status read_u8(StrictTable& t, std::string_view key, std::uint8_t& out) {
  auto v = t.integer(key, 0, kU8);
  if (!v) return v.error();
  if (*v) out = static_cast<std::uint8_t>(**v);
  return {};
}

// { bootloader, tee, snp, microcode, fmc } over `base`; fmc only on Turin.
Result<sim::TcbParts> read_tcb(StrictTable& parent, std::string_view key, Product product,
                               sim::TcbParts base) {
  auto table = parent.table(key);
  if (!table) return table.error();
  if (*table == nullptr) return base;
  StrictTable t(**table, parent.context() + " " + std::string(key) + ":");
  for (auto [name, field] : {std::pair{"bootloader", &base.bootloader}, std::pair{"tee", &base.tee},
                             std::pair{"snp", &base.snp}, std::pair{"microcode", &base.microcode}}) {
    if (auto s = read_u8(t, name, *field); !s) return s.error();
  }
  if (product == Product::Turin) {
    if (auto s = read_u8(t, "fmc", base.fmc); !s) return s.error();
  }
  if (auto s = t.finish(); !s) {
    return product == Product::Turin
               ? s.error()
               : make_error(s.message() + " (fmc exists on Turin only)");
  }
  return base;
}

// "major.minor.build", each 0..255, as the snp.current_version claim prints it.
Status read_firmware_version(StrictTable& t, std::string_view key, sim::SimFirmwareVersion& out) {
  auto text = t.string(key);
  if (!text) return text.error();
  if (!*text) return {};
  const std::string& s = **text;
  std::uint8_t parts[3] = {};
  const char* p = s.data();
  const char* end = s.data() + s.size();
  for (int i = 0; i < 3; ++i) {
    unsigned value = 256;
    auto [next, ec] = std::from_chars(p, end, value);
    if (ec != std::errc() || value > 255 || next == p) break;
    parts[i] = static_cast<std::uint8_t>(value);
    p = next;
    if (i < 2) {
      if (p == end || *p != '.') break;
      ++p;
    } else if (p == end) {
      out = {.major = parts[0], .minor = parts[1], .build = parts[2]};
      return {};
    }
  }
  return t.error(key, "expected \"major.minor.build\" with each part 0..255, got \"" + s + "\"");
}

Status read_policy(StrictTable& t, std::uint64_t& policy) {
  auto raw = t.integer("policy", 0, (1LL << 26) - 1);  // bits 63:26 MBZ (NOTES §3)
  if (!raw) return raw.error();
  if (*raw) policy = static_cast<std::uint64_t>(**raw);
  // Readable bits apply on top of the raw value (or of the default 0x30000).
  for (auto [name, bit] : {std::pair{"smt", 16}, std::pair{"migrate_ma", 18}, std::pair{"debug", 19},
                           std::pair{"single_socket", 20}, std::pair{"cxl_allow", 21},
                           std::pair{"mem_aes_256_xts", 22}, std::pair{"rapl_dis", 23},
                           std::pair{"ciphertext_hiding", 24}, std::pair{"page_swap_disable", 25}}) {
    auto flag = t.boolean(name);
    if (!flag) return flag.error();
    if (*flag) policy = **flag ? (policy | (1ULL << bit)) : (policy & ~(1ULL << bit));
  }
  for (auto [name, shift] : {std::pair{"abi_minor", 0}, std::pair{"abi_major", 8}}) {
    auto v = t.integer(name, 0, kU8);
    if (!v) return v.error();
    if (*v) policy = (policy & ~(0xFFULL << shift)) | (static_cast<std::uint64_t>(**v) << shift);
  }
  return {};
}

Status read_chip_id(StrictTable& t, Product product, std::array<std::uint8_t, 64>& chip_id) {
  auto explicit_id = product == Product::Turin ? t.hex("chip_id", {8, 64}) : t.hex("chip_id", {64});
  if (!explicit_id) return explicit_id.error();
  auto seed = t.string("seed");
  if (!seed) return seed.error();
  if (*explicit_id && *seed) return t.error("chip_id", "give chip_id or seed, not both");
  chip_id.fill(0);
  if (*explicit_id) {
    std::copy((*explicit_id)->begin(), (*explicit_id)->end(), chip_id.begin());
    return {};
  }
  // A stable per-name chip id, so each simulated site keeps "its" chip across restarts.
  const std::string name = "cchost-sim-chip-id/" + seed->value_or("default");
  const Bytes digest = crypto::sha512(as_bytes(name));
  const std::size_t significant = product == Product::Turin ? 8 : 64;
  std::copy(digest.begin(), digest.begin() + static_cast<std::ptrdiff_t>(significant), chip_id.begin());
  return {};
}

}  // namespace

Result<SimBackendConfig> parse_sim_config(const toml::table& sim,
                                          std::optional<std::uint32_t> plugin_vmpl) {
  StrictTable t(sim, "[sim]");
  SimBackendConfig config;

  auto ca_dir = t.string("ca_dir");
  if (!ca_dir) return ca_dir.error();
  if (!*ca_dir || (*ca_dir)->empty()) {
    return t.error("ca_dir", "required: the directory holding the sim ARK/ASK (create_sim_ca)");
  }
  config.ca_dir = **ca_dir;
  auto create = t.boolean("create_ca_if_missing");
  if (!create) return create.error();
  config.create_ca_if_missing = create->value_or(false);

  auto product_text = t.string("product");
  if (!product_text) return product_text.error();
  auto product = sim::parse_sim_product(product_text->value_or("Milan"));
  if (!product) return t.error("product", product.message());
  sim::SimReportFields& f = config.fields;
  f = sim::default_sim_fields(*product);

  auto version = t.integer("version", 0, kU32);
  if (!version) return version.error();
  if (*version) {
    if (**version != 2 && **version != 3 && **version != 5) {
      return t.error("version", "expected 2, 3 or 5, got " + std::to_string(**version));
    }
    if (**version == 2 && *product == Product::Turin) {
      return t.error("version", "Turin reports must be version 3 or 5");
    }
    f.version = static_cast<std::uint32_t>(**version);
  }
  auto svn = t.integer("guest_svn", 0, kU32);
  if (!svn) return svn.error();
  if (*svn) f.guest_svn = static_cast<std::uint32_t>(**svn);
  auto vmpl = t.integer("vmpl", 0, 3);
  if (!vmpl) return vmpl.error();
  f.vmpl = *vmpl ? static_cast<std::uint32_t>(**vmpl) : plugin_vmpl.value_or(0);

  if (auto s = read_policy(t, f.policy); !s) return s.error();
  auto platform_info = t.integer("platform_info", 0, kI64Max);
  if (!platform_info) return platform_info.error();
  if (*platform_info) f.platform_info = static_cast<std::uint64_t>(**platform_info);
  auto author_key_en = t.boolean("author_key_en");
  if (!author_key_en) return author_key_en.error();
  f.author_key_en = author_key_en->value_or(false);

  for (auto s : {read_hex_field(t, "measurement", f.measurement),
                 read_hex_field(t, "host_data", f.host_data),
                 read_hex_field(t, "family_id", f.family_id),
                 read_hex_field(t, "image_id", f.image_id),
                 read_hex_field(t, "id_key_digest", f.id_key_digest),
                 read_hex_field(t, "author_key_digest", f.author_key_digest),
                 read_hex_field(t, "report_id_ma", f.report_id_ma)}) {
    if (!s) return s.error();
  }
  auto report_id = t.hex("report_id", {32});
  if (!report_id) return report_id.error();
  if (*report_id) {
    std::copy((*report_id)->begin(), (*report_id)->end(), f.report_id.begin());
    config.report_id_given = true;
  }
  if (auto s = read_chip_id(t, *product, f.chip_id); !s) return s.error();

  auto current = read_tcb(t, "current_tcb", *product, f.current_tcb);
  if (!current) return current.error();
  f.current_tcb = *current;
  for (auto [key, field] : {std::pair{"reported_tcb", &f.reported_tcb},
                            std::pair{"committed_tcb", &f.committed_tcb},
                            std::pair{"launch_tcb", &f.launch_tcb}}) {
    auto tcb = read_tcb(t, key, *product, f.current_tcb);
    if (!tcb) return tcb.error();
    *field = *tcb;
  }
  if (auto s = read_firmware_version(t, "current_version", f.current_version); !s) return s.error();
  f.committed_version = f.current_version;
  if (auto s = read_firmware_version(t, "committed_version", f.committed_version); !s) {
    return s.error();
  }
  for (auto s : {read_u8(t, "cpuid_fam_id", f.cpuid_fam_id), read_u8(t, "cpuid_mod_id", f.cpuid_mod_id),
                 read_u8(t, "cpuid_step", f.cpuid_step)}) {
    if (!s) return s.error();
  }
  for (auto [key, field] : {std::pair{"launch_mit_vector", &f.launch_mit_vector},
                            std::pair{"current_mit_vector", &f.current_mit_vector}}) {
    auto v = t.integer(key, 0, kI64Max);
    if (!v) return v.error();
    if (*v && f.version < 5 && **v != 0) {
      return t.error(key, "mitigation vectors exist in version 5 reports only");
    }
    if (*v) *field = static_cast<std::uint64_t>(**v);
  }
  if (auto s = t.finish(); !s) return s.error();
  return config;
}

}  // namespace cchost::snp
