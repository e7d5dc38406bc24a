#pragma once
// Platform knobs: readable TOML keys ([snp] debug = false) that compile to claim rules. Each
// platform file (snp_knobs.cpp, tdx_knobs.cpp, ...) lists its knobs in one table; the order of
// that table is the evaluation order, so decisions are deterministic.
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "cchost/policy/rule.hpp"
#include "error_sink.hpp"

namespace cchost::policy::detail {

enum class KnobKind {
  AllowedFlag,   // bool: false -> claim == false; true -> unchecked (e.g. smt_allowed, debug)
  RequiredFlag,  // bool: true -> claim == true; false -> unchecked (e.g. require_ecc)
  HexOneOf,      // hex string or list of them (`hex_bytes` each) -> claim one_of
  StringOneOf,   // string or list; when `choices` is set each must be one of them
  IntMin,        // int in [lo, hi] -> claim >= value
  IntEquals,     // int in [lo, hi] -> claim == value
  VersionMin,    // dotted numeric version -> claim version_min
  BitsSet,       // int bitmask -> (claim & v) == v
  TcbMin,        // table of components (`components`) -> claim_prefix.<component> >= value
  BytewiseMin,   // hex of `hex_bytes` -> each claim byte >= the same byte
  Custom,        // `custom` compiles it
};

struct KnobSpec;
struct KnobContext {
  const KnobSpec& spec;
  std::string id;        // rule id prefix: "snp.min_tcb", "peer.site-2.snp.min_tcb"
  std::string ns;        // namespace the rules read
  ErrorSink& sink;
  std::vector<Rule>& out;
};
using CustomCompile = void (*)(const toml::node& value, KnobContext& ctx);

struct KnobSpec {
  std::string_view name;            // TOML key
  KnobKind kind;
  std::string_view claim;           // claim (or claim prefix for TcbMin)
  std::size_t hex_bytes = 0;
  std::int64_t lo = 0;
  std::int64_t hi = std::numeric_limits<std::int64_t>::max();
  std::span<const std::string_view> choices = {};     // StringOneOf enum, TcbMin components
  CustomCompile custom = nullptr;
  std::string_view ns = {};         // overrides the table's namespace (topology)
};

struct PlatformTable {
  std::string_view table;           // "snp"
  std::string_view ns;              // "x-snp" (topology: per knob)
  std::span<const KnobSpec> knobs;
};

std::span<const KnobSpec> snp_knobs();
std::span<const KnobSpec> tdx_knobs();
std::span<const KnobSpec> gpu_knobs();
std::span<const KnobSpec> nvswitch_knobs();
std::span<const KnobSpec> aci_knobs();
std::span<const KnobSpec> topology_knobs();

// Every platform table in schema order.
std::span<const PlatformTable> platform_tables();

// Compiles one knob value into ctx.out (errors into ctx.sink).
void compile_knob(const toml::node& value, KnobContext& ctx);

// Helpers for custom compilers.
Rule make_rule(const KnobContext& ctx, std::string id_suffix, std::string claim, Op op,
               std::vector<Operand> operands = {});
void finish(Rule& rule);  // renders `expected`

}  // namespace cchost::policy::detail
