// The operators of rule.hpp. Deny by default: a missing claim, or a claim whose type the
// operator cannot compare, fails the rule (a plugin that changes a claim's type must not turn
// a check into a silent pass).
#include "rule_check.hpp"

#include <cstdio>

namespace cchost::policy::detail {
namespace {

using claims::ClaimType;
using claims::ClaimValue;

// libstdc++ std::regex recurses once per input character: bound the input so a long claim
// cannot exhaust the stack. Real claims (hex digests, names, versions) are far shorter.
constexpr std::size_t kMaxMatchInput = 1024;

enum class Cmp { Equal, NotEqual, Incomparable };

Cmp compare_equal(const ClaimValue& v, const Operand& o) {
  auto eq = [](bool b) { return b ? Cmp::Equal : Cmp::NotEqual; };
  switch (v.type) {
    case ClaimType::Bool: return o.kind == Operand::Kind::Bool ? eq(v.boolean == o.boolean) : Cmp::Incomparable;
    case ClaimType::Int: return o.kind == Operand::Kind::Int ? eq(v.integer == o.integer) : Cmp::Incomparable;
    case ClaimType::String: return o.kind == Operand::Kind::String ? eq(v.text == o.text) : Cmp::Incomparable;
    case ClaimType::Hex: return o.hex ? eq(v.text == *o.hex) : Cmp::Incomparable;
    case ClaimType::Version:
      return o.version ? eq(claims::compare_versions(v.version, *o.version) == 0) : Cmp::Incomparable;
  }
  return Cmp::Incomparable;
}

int hex_digit(char c) { return c <= '9' ? c - '0' : c - 'a' + 10; }

// Tri-state result of one operator on a present claim: true/false, or nullopt when the
// claim's type does not fit the operator.
std::optional<bool> apply(const Rule& r, const ClaimValue& v, const claims::ClaimMap& record) {
  const Operand* o = r.operands.empty() ? nullptr : &r.operands.front();
  switch (r.op) {
    case Op::Equals: {
      const Cmp c = compare_equal(v, *o);
      if (c == Cmp::Incomparable) return std::nullopt;
      return c == Cmp::Equal;
    }
    case Op::OneOf:
    case Op::NotOneOf: {
      bool any = false;
      for (const Operand& x : r.operands) {
        const Cmp c = compare_equal(v, x);
        if (c == Cmp::Incomparable) return std::nullopt;
        any = any || c == Cmp::Equal;
      }
      return r.op == Op::OneOf ? any : !any;
    }
    case Op::Min:
    case Op::Max:
      if (v.type != ClaimType::Int) return std::nullopt;
      return r.op == Op::Min ? v.integer >= o->integer : v.integer <= o->integer;
    case Op::VersionMin:
    case Op::VersionMax: {
      if (v.type != ClaimType::Version || !o->version) return std::nullopt;
      const auto c = claims::compare_versions(v.version, *o->version);
      return r.op == Op::VersionMin ? c >= 0 : c <= 0;
    }
    case Op::Matches:
      if (v.type == ClaimType::Bool || v.type == ClaimType::Int || v.text.size() > kMaxMatchInput) return std::nullopt;
      return std::regex_match(v.text, *r.regex);
    case Op::Present: return true;
    case Op::Absent: return false;
    case Op::BitsSet:
      if (v.type != ClaimType::Int) return std::nullopt;
      return (v.integer & o->integer) == o->integer;
    case Op::MaskedMin:
      if (v.type != ClaimType::Int) return std::nullopt;
      return (v.integer & r.mask) >= o->integer;
    case Op::VersionPartMin: {
      if (v.type != ClaimType::Version) return std::nullopt;
      const std::uint32_t part = r.part < v.version.parts.size() ? v.version.parts[r.part] : 0;
      return static_cast<std::int64_t>(part) >= o->integer;
    }
    case Op::BytewiseMin: {
      if (v.type != ClaimType::Hex || !o->hex || v.text.size() != o->hex->size()) return std::nullopt;
      for (std::size_t i = 0; i + 1 < v.text.size(); i += 2) {
        const int have = hex_digit(v.text[i]) * 16 + hex_digit(v.text[i + 1]);
        const int want = hex_digit((*o->hex)[i]) * 16 + hex_digit((*o->hex)[i + 1]);
        if (have < want) return false;
      }
      return true;
    }
    case Op::SameAs: {
      const auto other = record.find(r.other_claim);
      if (other == record.end()) return false;
      return other->second == v;
    }
    case Op::Count:
    case Op::CountMin: return std::nullopt;  // the evaluator counts records; no claim to compare
  }
  return std::nullopt;
}

const ClaimValue* find_claim(const Rule& rule, const claims::ClaimMap* record) {
  if (record == nullptr) return nullptr;
  const auto it = record->find(rule.claim);
  return it == record->end() ? nullptr : &it->second;
}

bool absent_passes(const Rule& rule, const claims::ClaimMap* record) {
  if (rule.op == Op::Absent) return true;
  // Both sides absent (a Turin-only component on Milan) is not a mismatch.
  return rule.absent_ok && (record == nullptr || record->find(rule.other_claim) == record->end());
}

std::string operand_type_name(const Rule& r) {
  switch (r.op) {
    case Op::Min: case Op::Max: case Op::BitsSet: case Op::MaskedMin: return "int";
    case Op::VersionMin: case Op::VersionMax: case Op::VersionPartMin: return "version";
    case Op::BytewiseMin: return "hex of the same length";
    case Op::Matches: return "string, hex or version (at most 1024 characters)";
    default: break;
  }
  if (r.operands.empty()) return "any";
  switch (r.operands.front().kind) {
    case Operand::Kind::Bool: return "bool";
    case Operand::Kind::Int: return "int";
    case Operand::Kind::String: return "string, or hex/version text";
  }
  return "?";
}

std::string fail_sentence(const Rule& r, const ClaimValue& v, const claims::ClaimMap& record) {
  const std::string& c = r.claim;
  const std::string a = v.display();
  switch (r.op) {
    case Op::Equals: return c + " is " + a + ", but the policy requires " + r.operands.front().display() + ".";
    case Op::OneOf: return c + " is " + a + ", which is not among the " + std::to_string(r.operands.size()) + " accepted value(s).";
    case Op::NotOneOf: return c + " is " + a + ", which the policy forbids.";
    case Op::Min: return c + " is " + a + ", below the minimum " + r.operands.front().display() + ".";
    case Op::Max: return c + " is " + a + ", above the maximum " + r.operands.front().display() + ".";
    case Op::VersionMin: return c + " is version " + a + ", older than the minimum " + r.operands.front().display() + ".";
    case Op::VersionMax: return c + " is version " + a + ", newer than the maximum " + r.operands.front().display() + ".";
    case Op::Matches: return c + " is " + a + ", which does not match /" + r.operands.front().display() + "/.";
    case Op::Present: return c + " is present.";
    case Op::Absent: return c + " is present, but the policy requires it to be absent.";
    case Op::BitsSet: return c + " is " + a + ", which lacks bits the policy requires (" + r.expected + ").";
    case Op::MaskedMin: return c + " is " + a + ", below the policy's minimum (" + r.expected + ").";
    case Op::VersionPartMin: return c + " is " + a + ", below the policy's minimum (" + r.expected + ").";
    case Op::BytewiseMin: return c + " is " + a + ", and at least one byte is below the policy's minimum " + r.operands.front().display() + ".";
    case Op::SameAs: {
      const auto other = record.find(r.other_claim);
      if (other == record.end()) return r.other_claim + " is missing, so " + c + " cannot be compared with it.";
      return c + " is " + a + " but " + r.other_claim + " is " + other->second.display() + "; the policy requires them equal.";
    }
    case Op::Count:
    case Op::CountMin: break;
  }
  return c + " does not satisfy the rule.";
}

}  // namespace

bool rule_passes(const Rule& rule, const claims::ClaimMap* record) {
  const ClaimValue* v = find_claim(rule, record);
  if (v == nullptr) return absent_passes(rule, record);
  const auto r = apply(rule, *v, *record);
  return r.value_or(false);
}

RuleExplanation explain_rule(const Rule& rule, const claims::ClaimMap* ns_claims, bool passed) {
  const ClaimValue* v = find_claim(rule, ns_claims);
  if (v == nullptr) {
    if (passed) return {"(missing)", rule.claim + " is absent, as allowed."};
    if (ns_claims == nullptr) {
      return {"(missing)", "The peer presented no " + rule.ns + " evidence, so " + rule.claim + " is missing; a missing claim fails its rule."};
    }
    return {"(missing)", rule.claim + " is missing from the " + rule.ns + " evidence; a missing claim fails its rule."};
  }
  RuleExplanation out{v->display(), ""};
  if (passed) {
    out.why = rule.claim + " is " + out.actual + ", which satisfies " + rule.expected + ".";
    return out;
  }
  if (!apply(rule, *v, *ns_claims).has_value()) {
    out.why = rule.claim + " has type " + std::string(claims::claim_type_name(v->type)) + ", which the rule (" +
              rule.expected + ") cannot compare; it expects " + operand_type_name(rule) + ".";
    return out;
  }
  out.why = fail_sentence(rule, *v, *ns_claims);
  return out;
}

}  // namespace cchost::policy::detail
