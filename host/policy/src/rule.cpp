// Operands and the human form of what a rule expects.
#include <cstdio>

#include "cchost/policy/rule.hpp"
#include "text_list.hpp"

namespace cchost::policy {

Operand Operand::of_bool(bool v) {
  Operand o;
  o.kind = Kind::Bool;
  o.boolean = v;
  return o;
}

Operand Operand::of_int(std::int64_t v) {
  Operand o;
  o.kind = Kind::Int;
  o.integer = v;
  return o;
}

Operand Operand::of_string(std::string v) {
  Operand o;
  o.kind = Kind::String;
  o.hex = claims::normalize_hex(v);
  if (auto ver = claims::parse_version(v)) o.version = std::move(*ver);
  o.text = std::move(v);
  return o;
}

std::string Operand::display() const {
  switch (kind) {
    case Kind::Bool: return boolean ? "true" : "false";
    case Kind::Int: return std::to_string(integer);
    case Kind::String: return text;
  }
  return "?";
}

namespace {

using detail::append_item;

std::string hex64(std::int64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

std::string list(const std::vector<Operand>& ops) {
  std::string out = "[";
  for (const Operand& op : ops) append_item(out, op.display(), "[");
  return out + "]";
}

std::string first(const Rule& r) { return r.operands.empty() ? "?" : r.operands.front().display(); }

}  // namespace

std::string render_expected(const Rule& r) {
  switch (r.op) {
    case Op::Equals: return "== " + first(r);
    case Op::OneOf: return r.operands.size() == 1 ? "== " + first(r) : "one of " + list(r.operands);
    case Op::NotOneOf: return "none of " + list(r.operands);
    case Op::Min: return ">= " + first(r);
    case Op::Max: return "<= " + first(r);
    case Op::VersionMin: return "version >= " + first(r);
    case Op::VersionMax: return "version <= " + first(r);
    case Op::Matches: return "matches /" + first(r) + "/";
    case Op::Present: return "present";
    case Op::Absent: return "absent";
    case Op::BitsSet: return "has all bits of " + hex64(r.operands.empty() ? 0 : r.operands.front().integer);
    case Op::MaskedMin: return "(value & " + hex64(r.mask) + ") >= " + hex64(r.operands.empty() ? 0 : r.operands.front().integer);
    case Op::VersionPartMin: return "component " + std::to_string(r.part + 1) + " >= " + first(r);
    case Op::BytewiseMin: return "every byte >= " + first(r);
    case Op::SameAs: return "== " + r.other_claim;
    case Op::Count: return (r.record_class.empty() ? std::string("records") : r.record_class + " records") + " == " + first(r);
    case Op::CountMin: return (r.record_class.empty() ? std::string("records") : r.record_class + " records") + " >= " + first(r);
  }
  return "?";
}

}  // namespace cchost::policy
