#pragma once
// Helpers for the policy tests: load from text, build claims, look up outcomes.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <string>

#include "cchost/plugin/loader.hpp"
#include "cchost/policy/decision.hpp"
#include "cchost/policy/loader.hpp"

namespace cchost::policy::test {

// The vocabularies the policy tests compile with: x-snp's (and x-az-aci's) from the real
// plugins' describe(), then test vocabularies for other namespaces (fixtures/platform_vocabularies.json: the knob
// tables the host used to hard-code, now data as any plugin would declare them).
inline const Catalog& test_catalog() {
  static const Catalog catalog = [] {
    Catalog c;
    auto snp = plugin::PluginLoader().inspect(std::string(CCHOST_PLUGIN_DIR) + "/snp_authorizer.so");
    if (!snp) throw std::runtime_error(snp.message());
    auto v = vocabulary_from_describe(snp->description);
    if (!v) throw std::runtime_error(v.message());
    c.push_back(std::move(*v));
    // x-az-aci from its plugin when the build has it; the fixture stands in otherwise.
    auto aci = plugin::PluginLoader().inspect(std::string(CCHOST_PLUGIN_DIR) + "/aci_authorizer.so");
    if (aci) {
      auto a = vocabulary_from_describe(aci->description);
      if (!a) throw std::runtime_error(a.message());
      c.push_back(std::move(*a));
    }
    std::ifstream in(CCHOST_POLICY_FIXTURES "/platform_vocabularies.json");
    for (const auto& d : nlohmann::json::parse(in)) {
      if (aci && d.value("namespace", "") == "x-az-aci") continue;
      auto other = vocabulary_from_describe(d);
      if (!other) throw std::runtime_error(other.message());
      c.push_back(std::move(*other));
    }
    return c;
  }();
  return catalog;
}

inline Policy load_ok(const std::string& text) {
  auto r = load_policy_text(text, "test.toml", test_catalog());
  std::string errors;
  for (const auto& e : r.errors) errors += e.to_string() + "\n";
  EXPECT_TRUE(r.ok()) << errors;
  if (!r.ok()) throw std::runtime_error("policy failed to load: " + errors);
  return std::move(*r.policy);
}

inline std::vector<PolicyError> load_errors(const std::string& text) {
  auto r = load_policy_text(text, "test.toml", test_catalog());
  EXPECT_FALSE(r.ok()) << "expected errors for:\n" << text;
  return r.errors;
}

// True when some error sits on `line` and mentions `fragment`.
inline bool has_error(const std::vector<PolicyError>& errors, std::uint32_t line, const std::string& fragment) {
  return std::any_of(errors.begin(), errors.end(), [&](const PolicyError& e) {
    return e.line == line && e.message.find(fragment) != std::string::npos;
  });
}

inline std::string dump(const std::vector<PolicyError>& errors) {
  std::string s;
  for (const auto& e : errors) s += e.to_string() + "\n";
  return s;
}

using ClaimsMap = std::map<std::string, claims::NamespaceClaims>;

struct ClaimsBuilder {
  ClaimsMap map;
  claims::NamespaceClaims& ns(const std::string& name) {
    auto& c = map[name];
    c.ns = name;
    if (c.records.empty()) c.records.push_back({"device", 0, "", {}});
    return c;
  }
  // The claims of the namespace's first (single-device) record.
  claims::ClaimMap& rec(const std::string& name) { return ns(name).records.front().claims; }
  ClaimsBuilder& b(const std::string& n, const std::string& claim, bool v) {
    rec(n)[claim] = claims::ClaimValue::of_bool(v);
    return *this;
  }
  ClaimsBuilder& i(const std::string& n, const std::string& claim, std::int64_t v) {
    rec(n)[claim] = claims::ClaimValue::of_int(v);
    return *this;
  }
  ClaimsBuilder& s(const std::string& n, const std::string& claim, const std::string& v) {
    rec(n)[claim] = claims::ClaimValue::of_string(v);
    return *this;
  }
  ClaimsBuilder& h(const std::string& n, const std::string& claim, const std::string& v) {
    rec(n)[claim] = *claims::ClaimValue::of_hex(v);
    return *this;
  }
  ClaimsBuilder& v(const std::string& n, const std::string& claim, const std::string& dotted) {
    rec(n)[claim] = *claims::ClaimValue::of_version(dotted);
    return *this;
  }
};

inline const RuleOutcome* find_failed(const Decision& d, const std::string& rule) {
  for (const auto& o : d.failed) {
    if (o.rule == rule) return &o;
  }
  return nullptr;
}

inline std::vector<std::string> failed_ids(const Decision& d) {
  std::vector<std::string> ids;
  for (const auto& o : d.failed) ids.push_back(o.rule);
  return ids;
}

}  // namespace cchost::policy::test
