// Fuzzes TOML text -> Policy: any input must load or report errors, never crash; a loaded
// policy must evaluate against empty claims without crashing and reject when it requires anything.
// The plugin sections compile from real knob tables: the SNP plugin's describe() when it is
// built, and the test vocabularies of tests/policy/fixtures.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>
#include <string_view>

#include "cchost/plugin/loader.hpp"
#include "cchost/policy/decision.hpp"
#include "cchost/policy/loader.hpp"

namespace {

const cchost::policy::Catalog& catalog() {
  static const cchost::policy::Catalog c = [] {
    cchost::policy::Catalog out;
    auto snp = cchost::plugin::PluginLoader().inspect(std::string(CCHOST_PLUGIN_DIR) + "/snp_authorizer.so");
    if (snp) {
      if (auto v = cchost::policy::vocabulary_from_describe(snp->description)) out.push_back(std::move(*v));
    }
    std::ifstream in(CCHOST_POLICY_FIXTURES "/platform_vocabularies.json");
    const auto docs = nlohmann::json::parse(in, nullptr, false);
    if (docs.is_array()) {
      for (const auto& d : docs) {
        if (auto v = cchost::policy::vocabulary_from_describe(d)) out.push_back(std::move(*v));
      }
    }
    return out;
  }();
  return c;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto load = cchost::policy::load_policy_text(text, "fuzz.toml", catalog());
  if (load.ok() == !load.errors.empty()) std::abort();
  if (load.ok()) {
    auto d = cchost::policy::evaluate(*load.policy, {}, {});
    if (!load.policy->require().empty() && d.accept) std::abort();  // deny by default
  }
  return 0;
}
