// [snp] knobs -> claims of the SNP authorizer (x-snp). Semantics follow go-sev-guest
// validate.Options (shared/vectors/snp/NOTES.md §9): POLICY bits SMT/MIGRATE_MA/DEBUG/CXL are
// maxima (allowed or not), the "required" bits must be set, TCB and versions are minima.
#include <array>

#include "knob_spec.hpp"
#include "toml_values.hpp"

namespace cchost::policy::detail {
namespace {

constexpr std::array<std::string_view, 5> kTcbComponents = {"bootloader", "tee", "snp", "microcode", "fmc"};
constexpr std::array<std::string_view, 2> kSigningKeys = {"vcek", "vlek"};
constexpr std::array<std::string_view, 3> kProducts = {"Milan", "Genoa", "Turin"};

// "maj.min" with byte-sized parts, as SNP ABI and firmware versions are (NOTES §3, §9).
std::optional<std::pair<int, int>> read_major_minor(const toml::node& value, const KnobContext& ctx) {
  auto s = read_string(value, ctx.id, ctx.sink);
  if (!s) return std::nullopt;
  auto v = claims::parse_version(*s);
  if (!v || v->parts.size() != 2 || v->parts[0] > 255 || v->parts[1] > 255) {
    ctx.sink.at(value, ctx.id + ": \"" + *s + "\" is not \"major.minor\" with parts 0-255 (e.g. \"1.55\")");
    return std::nullopt;
  }
  return std::pair<int, int>{static_cast<int>(v->parts[0]), static_cast<int>(v->parts[1])};
}

// POLICY bits 15:8 ABI_MAJOR, 7:0 ABI_MINOR: the guest's minimum ABI >= the policy's (§3).
void compile_min_abi(const toml::node& value, KnobContext& ctx) {
  auto mm = read_major_minor(value, ctx);
  if (!mm) return;
  Rule r = make_rule(ctx, "", "snp.policy", Op::MaskedMin, {Operand::of_int((mm->first << 8) | mm->second)});
  r.mask = 0xFFFF;
  r.expected = "ABI (POLICY bits 15:0) >= " + std::to_string(mm->first) + "." + std::to_string(mm->second);
  ctx.out.push_back(std::move(r));
}

// CURRENT_MAJOR.MINOR >= value; compares the "maj.min.build" claim, build padded with 0.
void compile_min_version(const toml::node& value, KnobContext& ctx) {
  auto mm = read_major_minor(value, ctx);
  if (!mm) return;
  ctx.out.push_back(make_rule(ctx, "", "snp.current_version", Op::VersionMin,
                              {Operand::of_string(std::to_string(mm->first) + "." + std::to_string(mm->second))}));
}

// CURRENT_BUILD >= value: the third component of snp.current_version.
void compile_min_build(const toml::node& value, KnobContext& ctx) {
  auto v = read_int(value, ctx.id, 0, 255, ctx.sink);
  if (!v) return;
  Rule r = make_rule(ctx, "", "snp.current_version", Op::VersionPartMin, {Operand::of_int(*v)});
  r.part = 2;
  r.expected = "build (3rd component) >= " + std::to_string(*v);
  ctx.out.push_back(std::move(r));
}

// An ID block signs the launch digest; without one ID_KEY_DIGEST is all zero (§1).
void compile_require_id_block(const toml::node& value, KnobContext& ctx) {
  auto v = read_bool(value, ctx.id, ctx.sink);
  if (!v || !*v) return;
  ctx.out.push_back(make_rule(ctx, "", "snp.id_key_digest", Op::NotOneOf, {Operand::of_string(std::string(96, '0'))}));
}

// PermitProvisionalFirmware = false: COMMITTED must equal CURRENT (TCB and version), so a
// guest is not accepted on firmware the host can still roll back (§9).
void compile_provisional(const toml::node& value, KnobContext& ctx) {
  auto v = read_bool(value, ctx.id, ctx.sink);
  if (!v || *v) return;
  Rule ver = make_rule(ctx, ".version", "snp.committed_version", Op::SameAs);
  ver.other_claim = "snp.current_version";
  finish(ver);
  ctx.out.push_back(std::move(ver));
  for (auto c : kTcbComponents) {
    Rule r = make_rule(ctx, std::string(".").append(c), std::string("snp.committed_tcb.").append(c), Op::SameAs);
    r.other_claim = std::string("snp.current_tcb.").append(c);
    r.absent_ok = c == "fmc";  // FMC exists on Turin only (§4)
    finish(r);
    ctx.out.push_back(std::move(r));
  }
}

constexpr std::int64_t kU32 = 0xFFFFFFFFLL;

const std::array kSnpKnobs = {
    KnobSpec{"debug", KnobKind::AllowedFlag, "snp.policy.debug"},
    KnobSpec{"smt_allowed", KnobKind::AllowedFlag, "snp.policy.smt"},
    KnobSpec{"migrate_ma_allowed", KnobKind::AllowedFlag, "snp.policy.migrate_ma"},
    KnobSpec{"cxl_allowed", KnobKind::AllowedFlag, "snp.policy.cxl_allow"},
    KnobSpec{"require_single_socket", KnobKind::RequiredFlag, "snp.policy.single_socket"},
    KnobSpec{"require_mem_aes_256_xts", KnobKind::RequiredFlag, "snp.policy.mem_aes_256_xts"},
    KnobSpec{"require_rapl_dis", KnobKind::RequiredFlag, "snp.policy.rapl_dis"},
    KnobSpec{"require_ciphertext_hiding", KnobKind::RequiredFlag, "snp.policy.ciphertext_hiding"},
    KnobSpec{"require_page_swap_disable", KnobKind::RequiredFlag, "snp.policy.page_swap_disable"},
    KnobSpec{"min_abi", KnobKind::Custom, "snp.policy", 0, 0, 0, {}, compile_min_abi},
    KnobSpec{"smt_en_allowed", KnobKind::AllowedFlag, "snp.platform_info.smt_en"},
    KnobSpec{"tsme_en_allowed", KnobKind::AllowedFlag, "snp.platform_info.tsme_en"},
    KnobSpec{"tio_en_allowed", KnobKind::AllowedFlag, "snp.platform_info.tio_en"},
    KnobSpec{"require_ecc", KnobKind::RequiredFlag, "snp.platform_info.ecc_en"},
    KnobSpec{"require_platform_rapl_dis", KnobKind::RequiredFlag, "snp.platform_info.rapl_dis"},
    KnobSpec{"require_platform_ciphertext_hiding", KnobKind::RequiredFlag, "snp.platform_info.ciphertext_hiding_en"},
    KnobSpec{"require_alias_check", KnobKind::RequiredFlag, "snp.platform_info.alias_check_complete"},
    KnobSpec{"min_tcb", KnobKind::TcbMin, "snp.reported_tcb", 0, 0, 0, kTcbComponents},
    KnobSpec{"min_launch_tcb", KnobKind::TcbMin, "snp.launch_tcb", 0, 0, 0, kTcbComponents},
    KnobSpec{"min_guest_svn", KnobKind::IntMin, "snp.guest_svn", 0, 0, kU32},
    KnobSpec{"vmpl", KnobKind::IntEquals, "snp.vmpl", 0, 0, 3},
    KnobSpec{"measurements", KnobKind::HexOneOf, "snp.measurement", 48},
    KnobSpec{"host_data", KnobKind::HexOneOf, "snp.host_data", 32},
    KnobSpec{"family_id", KnobKind::HexOneOf, "snp.family_id", 16},
    KnobSpec{"image_id", KnobKind::HexOneOf, "snp.image_id", 16},
    KnobSpec{"report_id", KnobKind::HexOneOf, "snp.report_id", 32},
    KnobSpec{"report_id_ma", KnobKind::HexOneOf, "snp.report_id_ma", 32},
    KnobSpec{"chip_ids", KnobKind::HexOneOf, "snp.chip_id", 64},
    KnobSpec{"require_id_block", KnobKind::Custom, "snp.id_key_digest", 0, 0, 0, {}, compile_require_id_block},
    KnobSpec{"id_key_digests", KnobKind::HexOneOf, "snp.id_key_digest", 48},
    KnobSpec{"require_author_key", KnobKind::RequiredFlag, "snp.author_key_en"},
    KnobSpec{"author_key_digests", KnobKind::HexOneOf, "snp.author_key_digest", 48},
    KnobSpec{"mask_chip_key_allowed", KnobKind::AllowedFlag, "snp.mask_chip_key"},
    KnobSpec{"allowed_signing_keys", KnobKind::StringOneOf, "snp.signing_key", 0, 0, 0, kSigningKeys},
    KnobSpec{"allowed_products", KnobKind::StringOneOf, "snp.product", 0, 0, 0, kProducts},
    KnobSpec{"min_version", KnobKind::Custom, "snp.current_version", 0, 0, 0, {}, compile_min_version},
    KnobSpec{"min_build", KnobKind::Custom, "snp.current_version", 0, 0, 0, {}, compile_min_build},
    KnobSpec{"allow_provisional_firmware", KnobKind::Custom, "snp.committed_version", 0, 0, 0, {}, compile_provisional},
    KnobSpec{"min_launch_mit_vector", KnobKind::BitsSet, "snp.launch_mit_vector", 0, 0},
    KnobSpec{"min_current_mit_vector", KnobKind::BitsSet, "snp.current_mit_vector", 0, 0},
};

}  // namespace

std::span<const KnobSpec> snp_knobs() { return kSnpKnobs; }

}  // namespace cchost::policy::detail
