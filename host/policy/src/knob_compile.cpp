// The generic knob kinds of knob_spec.hpp -> rules. Platform-specific shapes live in
// the <platform>_knobs.cpp files as Custom compilers.
#include "knob_spec.hpp"
#include "text_list.hpp"
#include "toml_values.hpp"

namespace cchost::policy::detail {
namespace {

std::string what(const KnobContext& ctx) { return ctx.id; }

void flag(const toml::node& value, KnobContext& ctx, bool required) {
  auto v = read_bool(value, what(ctx), ctx.sink);
  if (!v) return;
  // allowed = true / required = false leave the claim unchecked: a permission, not a demand.
  if (required ? !*v : *v) return;
  ctx.out.push_back(make_rule(ctx, "", std::string(ctx.spec.claim), Op::Equals, {Operand::of_bool(required)}));
}

void hex_one_of(const toml::node& value, KnobContext& ctx) {
  auto list = read_string_list(value, what(ctx), ctx.sink);
  if (!list) return;
  std::vector<Operand> ops;
  bool ok = true;
  for (const auto& s : *list) {
    auto hex = check_hex(s, what(ctx), ctx.spec.hex_bytes, ctx.sink);
    if (!hex) {
      ok = false;
      continue;
    }
    ops.push_back(Operand::of_string(*hex));
  }
  if (ok) ctx.out.push_back(make_rule(ctx, "", std::string(ctx.spec.claim), Op::OneOf, std::move(ops)));
}

void string_one_of(const toml::node& value, KnobContext& ctx) {
  auto list = read_string_list(value, what(ctx), ctx.sink);
  if (!list) return;
  std::vector<Operand> ops;
  bool ok = true;
  for (const auto& s : *list) {
    if (!ctx.spec.choices.empty()) {
      bool known = false;
      std::string allowed;
      for (auto c : ctx.spec.choices) {
        known = known || c == s.value;
        append_item(allowed, c);
      }
      if (!known) {
        ctx.sink.at(s.where, what(ctx) + ": \"" + s.value + "\" is not one of " + allowed);
        ok = false;
        continue;
      }
    }
    ops.push_back(Operand::of_string(s.value));
  }
  if (ok) ctx.out.push_back(make_rule(ctx, "", std::string(ctx.spec.claim), Op::OneOf, std::move(ops)));
}

void int_rule(const toml::node& value, KnobContext& ctx, Op op) {
  auto v = read_int(value, what(ctx), ctx.spec.lo, ctx.spec.hi, ctx.sink);
  if (v) ctx.out.push_back(make_rule(ctx, "", std::string(ctx.spec.claim), op, {Operand::of_int(*v)}));
}

void version_min(const toml::node& value, KnobContext& ctx) {
  auto s = read_string(value, what(ctx), ctx.sink);
  if (!s) return;
  Operand op = Operand::of_string(*s);
  if (!op.version) {
    ctx.sink.at(value, what(ctx) + ": \"" + *s + "\" is not a dotted numeric version (e.g. \"550.54.15\")");
    return;
  }
  ctx.out.push_back(make_rule(ctx, "", std::string(ctx.spec.claim), Op::VersionMin, {std::move(op)}));
}

void tcb_min(const toml::node& value, KnobContext& ctx) {
  const toml::table* t = value.as_table();
  if (t == nullptr) {
    ctx.sink.at(value, what(ctx) + ": expected a table like {bootloader = 2, tee = 0, snp = 5, microcode = 68}, got " +
                           toml_type_name(value));
    return;
  }
  // Components in schema order (not file order) so the rule order is deterministic.
  for (auto& [key, node] : *t) {
    bool known = false;
    for (auto c : ctx.spec.choices) known = known || c == key.str();
    if (!known) {
      std::string allowed;
      for (auto c : ctx.spec.choices) append_item(allowed, c);
      ctx.sink.at(key, what(ctx) + ": unknown component \"" + std::string(key.str()) + "\" (expected " + allowed + ")");
    }
  }
  for (auto c : ctx.spec.choices) {
    const toml::node* n = t->get(c);
    if (n == nullptr) continue;
    auto v = read_int(*n, what(ctx) + "." + std::string(c), 0, 255, ctx.sink);  // TCB components are bytes
    if (!v) continue;
    ctx.out.push_back(make_rule(ctx, std::string(".").append(c), std::string(ctx.spec.claim) + "." + std::string(c), Op::Min,
                                {Operand::of_int(*v)}));
  }
}

void bytewise_min(const toml::node& value, KnobContext& ctx) {
  auto s = read_string(value, what(ctx), ctx.sink);
  if (!s) return;
  auto hex = check_hex({*s, value.source()}, what(ctx), ctx.spec.hex_bytes, ctx.sink);
  if (hex) ctx.out.push_back(make_rule(ctx, "", std::string(ctx.spec.claim), Op::BytewiseMin, {Operand::of_string(*hex)}));
}

}  // namespace

Rule make_rule(const KnobContext& ctx, std::string id_suffix, std::string claim, Op op, std::vector<Operand> operands) {
  Rule r;
  r.id = ctx.id + id_suffix;
  r.ns = ctx.ns;
  r.claim = std::move(claim);
  r.op = op;
  r.operands = std::move(operands);
  finish(r);
  return r;
}

void finish(Rule& rule) { rule.expected = render_expected(rule); }

void compile_knob(const toml::node& value, KnobContext& ctx) {
  switch (ctx.spec.kind) {
    case KnobKind::AllowedFlag: flag(value, ctx, false); return;
    case KnobKind::RequiredFlag: flag(value, ctx, true); return;
    case KnobKind::HexOneOf: hex_one_of(value, ctx); return;
    case KnobKind::StringOneOf: string_one_of(value, ctx); return;
    case KnobKind::IntMin: int_rule(value, ctx, Op::Min); return;
    case KnobKind::IntEquals: int_rule(value, ctx, Op::Equals); return;
    case KnobKind::VersionMin: version_min(value, ctx); return;
    case KnobKind::BitsSet: int_rule(value, ctx, Op::BitsSet); return;
    case KnobKind::TcbMin: tcb_min(value, ctx); return;
    case KnobKind::BytewiseMin: bytewise_min(value, ctx); return;
    case KnobKind::Custom: ctx.spec.custom(value, ctx); return;
  }
}

}  // namespace cchost::policy::detail
