// TCB_VERSION decoding per product line, and the product line itself (NOTES.md §2, §4).
#include <string>

#include "report.hpp"

namespace cchost::snp {

std::string_view product_name(Product product) {
  switch (product) {
    case Product::Milan: return "Milan";
    case Product::Genoa: return "Genoa";
    case Product::Turin: return "Turin";
  }
  return "unknown";
}

std::string_view signing_key_name(SigningKey key) {
  return key == SigningKey::Vcek ? "vcek" : "vlek";
}

Result<Product> parse_product_name(std::string_view name) {
  // KDS productName carries a stepping suffix ("Milan-B0"); only the line matters here.
  const std::string_view line = name.substr(0, name.find('-'));
  if (line == "Milan") return Product::Milan;
  if (line == "Genoa") return Product::Genoa;
  if (line == "Turin") return Product::Turin;
  return make_error("SNP product: expected Milan, Genoa or Turin, got \"" + std::string(name) +
                    "\"");
}

TcbVersion decode_tcb(std::uint64_t raw, Product product) {
  auto byte = [raw](int i) { return static_cast<std::uint8_t>((raw >> (8 * i)) & 0xFF); };
  TcbVersion t;
  t.raw = raw;
  if (product == Product::Turin) {
    // Zen5 moved the fields and added the FMC SPL in byte 0.
    t.fmc = byte(0);
    t.bootloader = byte(1);
    t.tee = byte(2);
    t.snp = byte(3);
  } else {
    t.bootloader = byte(0);
    t.tee = byte(1);
    t.snp = byte(6);
  }
  t.microcode = byte(7);
  return t;
}

std::optional<Product> product_from_cpuid(const SnpReport& report) {
  if (!report.cpuid_fam_id || !report.cpuid_mod_id) return std::nullopt;
  const std::uint8_t family = *report.cpuid_fam_id;
  const std::uint8_t model = *report.cpuid_mod_id;
  if (family == 0x19) {
    if (model <= 0x0F) return Product::Milan;
    if (model >= 0x10 && model <= 0x1F) return Product::Genoa;
    if (model >= 0xA0 && model <= 0xAF) return Product::Genoa;  // Zen4c: KDS line "Genoa"
  }
  if (family == 0x1A && model <= 0x11) return Product::Turin;
  return std::nullopt;
}

}  // namespace cchost::snp
