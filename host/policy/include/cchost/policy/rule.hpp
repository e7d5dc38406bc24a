#pragma once
// A compiled claim rule: one claim of one namespace, one operator, its operands. Plugin knobs
// (the knob tables plugins declare in describe(), e.g. [snp] debug = false) and generic [[rule]]
// tables both compile to these, once, at load; evaluation only compares.
//
// Records: a namespace's claims come as records, one per device. A claim rule holds for every
// record (of `record_class`, when set); Count / CountMin constrain how many records there are.
#include <cstdint>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "cchost/claims/claim_value.hpp"

namespace cchost::policy {

enum class Op {
  Equals,          // claim == operand
  OneOf,           // claim == any operand
  NotOneOf,        // claim != every operand (and has a comparable type)
  Min,             // int claim >= operand
  Max,             // int claim <= operand
  VersionMin,      // version claim >= operand (numeric, zero-padded)
  VersionMax,      // version claim <= operand
  Matches,         // whole text of a string/hex/version claim matches an ECMAScript regex
  Present,         // the claim exists
  Absent,          // the claim does not exist (present = false)
  BitsSet,         // (int claim & operand) == operand: a bitmask "contains all"
  MaskedMin,       // (int claim & mask) >= operand, e.g. the ABI version inside SNP POLICY
  VersionPartMin,  // component `part` of a version claim >= operand (SNP CURRENT_BUILD)
  BytewiseMin,     // every byte of a hex claim >= the same byte of the operand (TDX TEE_TCB_SVN)
  SameAs,          // claim == another claim of the same record (committed == current firmware)
  Count,           // the number of records (of record_class) == operand; reads no claim
  CountMin,        // the number of records (of record_class) >= operand; reads no claim
};

// A policy-side value as TOML typed it; a string keeps its hex and version readings so that
// it compares with hex, version and string claims without parsing during evaluation.
struct Operand {
  enum class Kind { Bool, Int, String };
  Kind kind = Kind::Bool;
  bool boolean = false;
  std::int64_t integer = 0;
  std::string text;
  std::optional<std::string> hex;              // lowercase, when `text` is valid hex
  std::optional<claims::Version> version;      // when `text` is a dotted numeric version

  static Operand of_bool(bool v);
  static Operand of_int(std::int64_t v);
  static Operand of_string(std::string v);
  std::string display() const;
};

struct Rule {
  std::string id;        // "snp.min_tcb.microcode", "peer.site-2.snp.debug", "rule.no-debug"
  std::string ns;        // "x-acme"
  std::string claim;     // "snp.reported_tcb.microcode"; empty for Count / CountMin
  std::string record_class;  // only records of this class ("gpu"); empty: every record
  Op op = Op::Present;
  std::vector<Operand> operands;
  std::int64_t mask = 0;          // MaskedMin
  std::size_t part = 0;           // VersionPartMin
  std::string other_claim;        // SameAs
  std::shared_ptr<const std::regex> regex;  // Matches: compiled once at load
  bool absent_ok = false;         // SameAs where both claims may be absent (Turin-only FMC)
  std::string expected;           // human form of what the rule requires, rendered at load
};

// "== false", "one of [a, b]", ">= 5", ... for Rule::expected.
std::string render_expected(const Rule& rule);

}  // namespace cchost::policy
