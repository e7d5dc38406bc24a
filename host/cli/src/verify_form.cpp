#include "verify_form.hpp"

#include <optional>
#include <utility>

namespace cchost::cli {
namespace {

bool is_namespace(const std::string& s) {
  if (s.size() < 3 || s.size() > 64 || s.compare(0, 2, "x-") != 0) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  return true;
}

struct Keyed {
  std::string ns;
  std::string value;
};

std::optional<Keyed> split_keyed(const std::string& arg) {
  const auto eq = arg.find('=');
  if (eq == std::string::npos || !is_namespace(arg.substr(0, eq))) return std::nullopt;
  return Keyed{arg.substr(0, eq), arg.substr(eq + 1)};
}

bool any_keyed(const std::vector<std::string>& args) {
  for (const auto& a : args)
    if (split_keyed(a)) return true;
  return false;
}

// The plain (single-form) value of `option`: at most one, none of them NS=VALUE.
Result<std::string> single_value(const std::vector<std::string>& args, const std::string& option,
                                 const std::string& keyed_form) {
  for (const auto& a : args) {
    if (split_keyed(a)) {
      return make_error(option + " " + a + ": " + keyed_form + " goes with --evidence NS=FILE, not with "
                        "--namespace NS --evidence FILE; give " + option + " with no NS= prefix");
    }
  }
  if (args.size() > 1) {
    return make_error(option + " given " + std::to_string(args.size()) + " times with --namespace NS --evidence "
                      "FILE; expected at most once (for several namespaces use --evidence NS=FILE)");
  }
  return args.empty() ? std::string() : args.front();
}

// The NS=VALUE values of `option` by namespace, each namespace once and none plain.
Result<std::vector<Keyed>> keyed_values(const std::vector<std::string>& args, const std::string& option,
                                        const std::string& keyed_form) {
  std::vector<Keyed> out;
  for (const auto& a : args) {
    auto k = split_keyed(a);
    if (!k) {
      return make_error(option + " " + a + ": expected " + keyed_form + " alongside --evidence NS=FILE (a value "
                        "without NS= cannot say which namespace it is for)");
    }
    if (k->value.empty()) return make_error(option + " " + a + ": nothing after '" + k->ns + "='");
    for (const auto& seen : out)
      if (seen.ns == k->ns) return make_error(option + ": namespace " + k->ns + " given twice");
    out.push_back(std::move(*k));
  }
  return out;
}

}  // namespace

Result<VerifyForm> resolve_verify_form(VerifyOptions& o) {
  VerifyForm form;
  form.multi = any_keyed(o.evidence_args);
  if (!form.multi) {
    if (o.ns.empty()) {
      return make_error("--namespace NS is required with --evidence FILE (or name the namespace in the file "
                        "argument: --evidence NS=FILE)");
    }
    if (o.evidence_args.size() != 1) {
      return make_error("--evidence given " + std::to_string(o.evidence_args.size()) + " times with --namespace " +
                        o.ns + "; expected once (for several namespaces use --evidence NS=FILE)");
    }
    o.evidence_file = o.evidence_args.front();
    auto collateral = single_value(o.collateral_args, "--collateral", "--collateral NS=DIR");
    if (!collateral) return collateral.error();
    auto config = single_value(o.config_args, "--config", "--config NS=FILE");
    if (!config) return config.error();
    o.collateral_dir = std::move(*collateral);
    o.config_file = std::move(*config);
    form.inputs.push_back({o.ns, o.evidence_file, o.collateral_dir});
    return form;
  }
  if (!o.ns.empty()) {
    return make_error("--namespace " + o.ns + " goes with --evidence FILE; with --evidence NS=FILE each "
                      "namespace is named in its --evidence, so drop --namespace");
  }
  if (!o.trust_dir.empty()) {
    return make_error("--trust goes with --namespace NS --evidence FILE; with --evidence NS=FILE give "
                      "--collateral NS=DIR");
  }
  auto evidence = keyed_values(o.evidence_args, "--evidence", "--evidence NS=FILE");
  if (!evidence) return evidence.error();
  auto collateral = keyed_values(o.collateral_args, "--collateral", "--collateral NS=DIR");
  if (!collateral) return collateral.error();
  auto config = keyed_values(o.config_args, "--config", "--config NS=FILE");
  if (!config) return config.error();
  for (auto& e : *evidence) form.inputs.push_back({e.ns, std::move(e.value), ""});
  for (auto& c : *collateral) {
    bool found = false;
    for (auto& in : form.inputs) {
      if (in.ns != c.ns) continue;
      in.collateral_dir = std::move(c.value);
      found = true;
    }
    if (!found) return make_error("--collateral " + c.ns + "=...: no --evidence " + c.ns + "=FILE was given");
  }
  // A --config may also be for a composite stage's plugin; verify_multi.cpp checks its namespace.
  for (auto& c : *config) form.configs[c.ns] = std::move(c.value);
  return form;
}

}  // namespace cchost::cli
