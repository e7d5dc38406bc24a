#include "policy_lint.hpp"

#if CCHOST_PROVISION_HAVE_POLICY
#include "cchost/policy/loader.hpp"
#endif

namespace cchost::provision {

bool policy_lint_available() { return CCHOST_PROVISION_HAVE_POLICY != 0; }

Status lint_policy(const std::string& text, const std::string& source) {
#if CCHOST_PROVISION_HAVE_POLICY
  auto load = policy::load_policy_text(text, source);
  if (load.ok()) return {};
  std::string message;
  for (const auto& error : load.errors) {
    if (!message.empty()) message += "\n";
    message += error.to_string();
  }
  return make_error(message);
#else
  (void)text;
  (void)source;
  return {};
#endif
}

}  // namespace cchost::provision
