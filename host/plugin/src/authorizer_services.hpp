#pragma once
// The host services one context was created with: the C struct authorizer.h defines and the
// strings and callback it points to, kept alive for as long as the context.
#include <cstring>
#include <string>

#include "cchost/authorizer.h"
#include "cchost/plugin/loader.hpp"

namespace cchost::plugin {

struct Authorizer::Services {
  std::string ns;
  std::string base_dir;
  std::string collateral_dir;
  std::function<void(int, const std::string&)> log;
  cchost_host_services_v2 c{};

  // Fills `c` from the fields above; call once they are final (the pointers refer into them).
  void bind() {
    c.size = sizeof(cchost_host_services_v2);
    c.base_dir = base_dir.empty() ? nullptr : base_dir.c_str();
    c.collateral_dir = collateral_dir.empty() ? nullptr : collateral_dir.c_str();
    c.log_ctx = this;
    c.log = &Services::forward;
  }

  // Bounded, and never lets an exception cross back into the plugin.
  static void forward(void* self, int level, const char* message) noexcept {
    auto* s = static_cast<Services*>(self);
    if (!s || !message || !s->log) return;
    try {
      s->log(level, s->ns + ": " + std::string(message, ::strnlen(message, 4096)));
    } catch (...) {
    }
  }
};

}  // namespace cchost::plugin
