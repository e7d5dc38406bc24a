// Fuzzes TOML text -> Policy: any input must load or report errors, never crash; a loaded
// policy must evaluate against empty claims without crashing and reject when it requires anything.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "cchost/policy/decision.hpp"
#include "cchost/policy/loader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto load = cchost::policy::load_policy_text(text, "fuzz.toml");
  if (load.ok() == !load.errors.empty()) std::abort();
  if (load.ok()) {
    auto d = cchost::policy::evaluate(*load.policy, {}, {});
    if (!load.policy->require().empty() && d.accept) std::abort();  // deny by default
  }
  return 0;
}
