#pragma once
// Plugin knobs: readable TOML keys ([snp] debug = false) that compile to claim rules. The
// knobs are the plugins' own (their describe() knob tables, read into policy::Vocabulary);
// this file only interprets that data. The order of a table is the evaluation order, so
// decisions are deterministic.
#include <string>
#include <vector>

#include <toml++/toml.h>

#include "cchost/policy/rule.hpp"
#include "cchost/policy/vocabulary.hpp"
#include "error_sink.hpp"

namespace cchost::policy::detail {

struct KnobContext {
  const KnobDef& knob;
  std::string id;        // rule id prefix: "snp.min_tcb", "peer.site-2.snp.min_tcb"
  std::string ns;        // namespace the rules read
  ErrorSink& sink;
  std::vector<Rule>& out;
};

// Reads one knob value as its KnobDef types it and emits the rules its templates describe
// (errors into ctx.sink, at the value's position).
void compile_knob(const toml::node& value, KnobContext& ctx);

void finish(Rule& rule);  // renders `expected`

}  // namespace cchost::policy::detail
