// A knob value -> rules, by the knob's own table (policy::KnobDef, from the plugin's
// describe()): read and check the value by its type, then instantiate each rule template.
#include <algorithm>

#include "knob_spec.hpp"
#include "text_list.hpp"
#include "toml_values.hpp"

namespace cchost::policy::detail {
namespace {

// A knob's value once read: what the templates' operands draw on.
struct KnobValue {
  bool boolean = false;
  std::int64_t integer = 0;
  std::vector<Operand> list;                                    // StringList, HexList
  std::string text;                                             // Hex, Version, MajorMinor
  std::int64_t packed16 = 0;                                    // MajorMinor
  std::vector<std::pair<std::string, std::int64_t>> components;  // Components, in table order
  std::string display;                                          // for `expected` texts
};

std::string expand(std::string text, const std::string& item) {
  for (std::size_t at = text.find("{item}"); at != std::string::npos; at = text.find("{item}", at + item.size()))
    text.replace(at, 6, item);
  return text;
}

std::optional<std::vector<Operand>> read_list(const toml::node& value, KnobContext& ctx) {
  const KnobDef& k = ctx.knob;
  auto list = read_string_list(value, ctx.id, ctx.sink);
  if (!list) return std::nullopt;
  std::vector<Operand> ops;
  bool ok = true;
  for (const auto& s : *list) {
    if (k.type == KnobType::HexList) {
      auto hex = check_hex(s, ctx.id, k.bytes, ctx.sink);
      if (!hex) {
        ok = false;
        continue;
      }
      ops.push_back(Operand::of_string(*hex));
      continue;
    }
    if (!k.choices.empty() && std::find(k.choices.begin(), k.choices.end(), s.value) == k.choices.end()) {
      std::string allowed;
      for (const auto& c : k.choices) append_item(allowed, c);
      ctx.sink.at(s.where, ctx.id + ": \"" + s.value + "\" is not one of " + allowed);
      ok = false;
      continue;
    }
    ops.push_back(Operand::of_string(s.value));
  }
  if (!ok) return std::nullopt;
  return ops;
}

std::optional<KnobValue> read_value(const toml::node& value, KnobContext& ctx) {
  const KnobDef& k = ctx.knob;
  KnobValue v;
  switch (k.type) {
    case KnobType::Bool: {
      auto b = read_bool(value, ctx.id, ctx.sink);
      if (!b) return std::nullopt;
      v.boolean = *b;
      v.display = *b ? "true" : "false";
      return v;
    }
    case KnobType::Int: {
      auto i = read_int(value, ctx.id, k.min, k.max, ctx.sink);
      if (!i) return std::nullopt;
      v.integer = *i;
      v.display = std::to_string(*i);
      return v;
    }
    case KnobType::StringList:
    case KnobType::HexList: {
      auto list = read_list(value, ctx);
      if (!list) return std::nullopt;
      v.list = std::move(*list);
      return v;
    }
    case KnobType::Hex: {
      auto s = read_string(value, ctx.id, ctx.sink);
      if (!s) return std::nullopt;
      auto hex = check_hex({*s, value.source()}, ctx.id, k.bytes, ctx.sink);
      if (!hex) return std::nullopt;
      v.text = v.display = *hex;
      return v;
    }
    case KnobType::Version: {
      auto s = read_string(value, ctx.id, ctx.sink);
      if (!s) return std::nullopt;
      if (!claims::parse_version(*s)) {
        ctx.sink.at(value, ctx.id + ": \"" + *s + "\" is not a dotted numeric version (e.g. \"550.54.15\")");
        return std::nullopt;
      }
      v.text = v.display = *s;
      return v;
    }
    case KnobType::MajorMinor: {
      auto s = read_string(value, ctx.id, ctx.sink);
      if (!s) return std::nullopt;
      auto ver = claims::parse_version(*s);
      if (!ver || ver->parts.size() != 2 || ver->parts[0] > 255 || ver->parts[1] > 255) {
        ctx.sink.at(value, ctx.id + ": \"" + *s + "\" is not \"major.minor\" with parts 0-255 (e.g. \"1.55\")");
        return std::nullopt;
      }
      v.text = v.display = std::to_string(ver->parts[0]) + "." + std::to_string(ver->parts[1]);
      v.packed16 = static_cast<std::int64_t>((ver->parts[0] << 8) | ver->parts[1]);
      return v;
    }
    case KnobType::Components: {
      const toml::table* t = value.as_table();
      if (t == nullptr) {
        std::string example;
        for (const auto& c : k.components) append_item(example, c + " = " + std::to_string(k.min));
        ctx.sink.at(value, ctx.id + ": expected a table like {" + example + "}, got " + toml_type_name(value));
        return std::nullopt;
      }
      bool ok = true;
      for (auto& [key, node] : *t) {
        if (std::find(k.components.begin(), k.components.end(), key.str()) == k.components.end()) {
          std::string allowed;
          for (const auto& c : k.components) append_item(allowed, c);
          ctx.sink.at(key, ctx.id + ": unknown component \"" + std::string(key.str()) + "\" (expected " + allowed + ")");
          ok = false;
        }
      }
      // Components in table order (not file order) so the rule order is deterministic.
      for (const auto& c : k.components) {
        const toml::node* n = t->get(c);
        if (n == nullptr) continue;
        auto i = read_int(*n, ctx.id + "." + c, k.min, k.max, ctx.sink);
        if (!i) {
          ok = false;
          continue;
        }
        v.components.emplace_back(c, *i);
      }
      if (!ok) return std::nullopt;
      return v;
    }
  }
  return std::nullopt;
}

std::vector<Operand> operands_for(const RuleTemplate& t, const KnobDef& k, const KnobValue& v, std::int64_t component) {
  switch (t.source) {
    case OperandSource::Literal: return t.literal;
    case OperandSource::Packed16: return {Operand::of_int(v.packed16)};
    case OperandSource::Value: break;
  }
  switch (k.type) {
    case KnobType::StringList:
    case KnobType::HexList: return v.list;
    case KnobType::Int: return {Operand::of_int(v.integer)};
    case KnobType::Components: return {Operand::of_int(component)};
    case KnobType::Hex:
    case KnobType::Version:
    case KnobType::MajorMinor: return {Operand::of_string(v.text)};
    case KnobType::Bool: break;
  }
  return {Operand::of_bool(v.boolean)};
}

void emit(const RuleTemplate& t, const std::string& item, std::int64_t component, const KnobValue& v, KnobContext& ctx) {
  Rule r;
  r.id = ctx.id + expand(t.id_suffix, item);
  r.ns = ctx.ns;
  r.claim = expand(t.claim, item);
  r.record_class = t.record_class;
  r.op = t.op;
  r.operands = operands_for(t, ctx.knob, v, component);
  r.mask = t.mask;
  r.part = t.part;
  r.other_claim = expand(t.other_claim, item);
  r.absent_ok = std::find(t.absent_ok_for.begin(), t.absent_ok_for.end(), item) != t.absent_ok_for.end();
  finish(r);
  if (!t.expected.empty()) {
    r.expected = t.expected;
    const std::string shown = ctx.knob.type == KnobType::Components ? std::to_string(component) : v.display;
    for (std::size_t at = r.expected.find("{value}"); at != std::string::npos; at = r.expected.find("{value}", at + shown.size()))
      r.expected.replace(at, 7, shown);
  }
  ctx.out.push_back(std::move(r));
}

}  // namespace

void finish(Rule& rule) { rule.expected = render_expected(rule); }

void compile_knob(const toml::node& value, KnobContext& ctx) {
  auto v = read_value(value, ctx);
  if (!v) return;
  for (const RuleTemplate& t : ctx.knob.rules) {
    // Bool knobs are permissions or demands: the other value leaves the claim unchecked.
    if (t.when && *t.when != v->boolean) continue;
    if (ctx.knob.type == KnobType::Components) {
      for (const auto& [c, n] : v->components) emit(t, c, n, *v, ctx);
    } else if (!t.for_each.empty()) {
      for (const auto& item : t.for_each) emit(t, item, 0, *v, ctx);
    } else {
      emit(t, "", 0, *v, ctx);
    }
  }
}

}  // namespace cchost::policy::detail
